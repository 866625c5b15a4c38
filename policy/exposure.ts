/** Policy `no-public-ports`: nothing is published on all interfaces unless the stack's `bindAddress` says so. */
import { isRecord, podContainers, PolicySettings, ResourceUnderPolicy, reveal, TYPES, Violation, violation, walk } from "./model";

export const NO_PUBLIC_PORTS = "no-public-ports";

/** Addresses that mean "every interface"; Docker publishes on all of them when `ip` is left out. */
export const ALL_INTERFACES = new Set(["", "0.0.0.0", "::", "[::]"]);

const isPublic = (ip: unknown) => ip === undefined || ip === null || (typeof ip === "string" && ALL_INTERFACES.has(ip));

export function checkPublicPorts(r: ResourceUnderPolicy, settings: PolicySettings): Violation[] {
    if (ALL_INTERFACES.has(settings.bindAddress)) return []; // the user asked for the stack on their network
    const props = reveal(r.props) as Record<string, unknown>;
    const fix = `publish on ${settings.bindAddress} (the bindAddress), or set bindAddress 0.0.0.0 to expose the stack on purpose`;
    const found: string[] = [];
    if (r.type === TYPES.dockerContainer) {
        const ports = Array.isArray(props.ports) ? props.ports.filter(isRecord) : [];
        for (const p of ports) {
            if (isPublic(p.ip))
                found.push(
                    `publishes port ${String(p.internal)} as ${String(p.external ?? "(random)")} on ${p.ip ? String(p.ip) : "all interfaces (no ip)"}: ${fix}`,
                );
        }
        if (props.networkMode === "host") found.push(`uses the host network, which listens on every interface: ${fix}`);
    }
    const exposedService = (path: string, type: unknown) => {
        if (type === "LoadBalancer" || type === "NodePort")
            found.push(`${path} is a ${type} service, reachable from outside the cluster: use ClusterIP and port-forward`);
    };
    if (r.type === TYPES.k8sService) exposedService("spec.type", isRecord(props.spec) ? props.spec.type : undefined);
    for (const c of podContainers(r)) {
        const ports = Array.isArray(c.spec.ports) ? c.spec.ports.filter(isRecord) : [];
        for (const p of ports)
            if (p.hostPort !== undefined) found.push(`container ${c.name} binds hostPort ${String(p.hostPort)} on every node interface`);
    }
    if (r.type === TYPES.helmRelease) {
        for (const { path, key, value } of walk(reveal(props.values))) {
            if (key === "type" && /(^|\.)service$/i.test(path.slice(0, -".type".length))) exposedService(`values ${path}`, value);
            if (key === "hostNetwork" && value === true) found.push(`values ${path} puts pods on the node network: ${fix}`);
        }
    }
    return found.map((p) => violation(NO_PUBLIC_PORTS, r, p));
}
