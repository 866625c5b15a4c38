/** The Docker-only settings of the stack config: published ports and address, the log collector, the engine. */
import { CONFIG_DEFAULTS } from "./defaults";
import { ConfigReader, show, wholeNumber } from "./reader";
import { DockerSettings, LOG_COLLECTORS, PortsConfig, ScrapeTarget } from "./types";

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_PORT = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:\d{1,5}$/;
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/;

export function readDockerSettings(r: ConfigReader): DockerSettings {
    const logCollector = r.oneOf("logCollector", LOG_COLLECTORS, CONFIG_DEFAULTS.logCollector);

    const bindAddress = (r.get("bindAddress") ?? CONFIG_DEFAULTS.bindAddress) as string;
    if (typeof bindAddress !== "string" || !IPV4.test(bindAddress)) {
        r.problem(`'bindAddress' is ${show(bindAddress)}: use an IPv4 address such as 127.0.0.1 (0.0.0.0 exposes the stack to your network).`);
    }

    const externalHost = r.get("externalHost");
    if (externalHost !== undefined && (typeof externalHost !== "string" || !HOST_NAME.test(externalHost))) {
        r.problem(
            `'externalHost' is ${show(externalHost)}: use the host name or IP address others reach this machine at, e.g. devbox.example.com (no scheme, no port).`,
        );
    }

    return {
        logCollector,
        bindAddress,
        externalHost: externalHost as string | undefined,
        ports: readPorts(r),
        scrapeTargets: readScrapeTargets(r),
        docker: readEngine(r),
    };
}

/** Partial overrides of the default ports; each in range, none used twice. */
function readPorts(r: ConfigReader): PortsConfig {
    const overrides = r.objectOf("ports") ?? {};
    const ports = { ...CONFIG_DEFAULTS.ports } as Record<keyof PortsConfig, number>;
    for (const [field, value] of Object.entries(overrides)) {
        if (!(field in CONFIG_DEFAULTS.ports)) {
            r.problem(`'ports.${field}' is not a known port: use one of ${Object.keys(CONFIG_DEFAULTS.ports).join(", ")}.`);
            continue;
        }
        const port = wholeNumber(value);
        if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
            r.problem(`'ports.${field}' is ${show(value)}: use a whole number from 1 to 65535.`);
            continue;
        }
        ports[field as keyof PortsConfig] = port;
    }
    const byPort = new Map<number, string[]>();
    for (const [field, port] of Object.entries(ports)) byPort.set(port, [...(byPort.get(port) ?? []), field]);
    for (const [port, fields] of byPort) {
        if (fields.length > 1)
            r.problem(`'ports' uses ${port} for ${fields.map((f) => `ports.${f}`).join(" and ")}: give each service its own port.`);
    }
    return ports;
}

function readScrapeTargets(r: ConfigReader): ScrapeTarget[] {
    const targets: ScrapeTarget[] = [];
    (r.arrayOf("scrapeTargets") ?? []).forEach((t, i) => {
        const entry = (t ?? {}) as Record<string, unknown>;
        const { service, address } = entry;
        const metricsPath = entry.metricsPath ?? "/metrics";
        if (typeof service !== "string" || !NAME_PATTERN.test(service)) {
            r.problem(`'scrapeTargets[${i}].service' is ${show(service)}: use the service name, lowercase letters, digits and dashes.`);
            return;
        }
        if (typeof address !== "string" || !HOST_PORT.test(address) || Number(address.split(":")[1]) > 65535) {
            r.problem(
                `'scrapeTargets[${i}].address' is ${show(address)}: use host:port, e.g. host.docker.internal:8080 for a process on your machine.`,
            );
            return;
        }
        if (typeof metricsPath !== "string" || !metricsPath.startsWith("/")) {
            r.problem(`'scrapeTargets[${i}].metricsPath' is ${show(metricsPath)}: use an absolute path such as /metrics.`);
            return;
        }
        targets.push({ service, address, metricsPath });
    });
    return targets;
}

/** Facts about the engine that `npm run dev:up` records (see README). */
function readEngine(r: ConfigReader): DockerSettings["docker"] {
    const engine = r.objectOf("docker") ?? {};
    r.unknownFields("docker", engine, Object.keys(CONFIG_DEFAULTS.docker));
    const socket = engine.socket ?? CONFIG_DEFAULTS.docker.socket;
    if (typeof socket !== "string" || !/^\/\S+$/.test(socket)) {
        r.problem(
            `'docker.socket' is ${show(socket)}: use the absolute path of the engine's socket on the engine's host, e.g. /var/run/docker.sock (rootless: /run/user/<uid>/docker.sock).`,
        );
    }
    const rawSwapLimit = engine.swapLimit ?? CONFIG_DEFAULTS.docker.swapLimit;
    const swapLimit = rawSwapLimit === "true" ? true : rawSwapLimit === "false" ? false : rawSwapLimit;
    if (typeof swapLimit !== "boolean") {
        r.problem(`'docker.swapLimit' is ${show(rawSwapLimit)}: use true or false (docker info --format '{{.SwapLimit}}' tells).`);
    }
    return { socket: socket as string, swapLimit: swapLimit as boolean };
}
