/**
 * Policies `resource-limits` and `container-healthchecks`: every container, and every chart workload the Helm values
 * size, has memory and CPU limits; every container has a healthcheck.
 */
import { at, isRecord, isUnknown, podContainers, ResourceUnderPolicy, reveal, TYPES, Violation, violation, walk } from "./model";

export const RESOURCE_LIMITS = "resource-limits";
export const CONTAINER_HEALTHCHECKS = "container-healthchecks";

/**
 * Values paths each chart must size: the workloads of this stack's budget (platforms/kubernetes/budget.ts). Other
 * `resources` blocks found in the values are checked too; these must also be present.
 */
export const REQUIRED_SIZED_WORKLOADS: Readonly<Record<string, readonly string[]>> = {
    "kube-prometheus-stack": [
        "prometheusOperator.resources",
        "prometheus.prometheusSpec.resources",
        "alertmanager.alertmanagerSpec.resources",
        "grafana.resources",
        "grafana.sidecar.resources",
        "prometheus-node-exporter.resources",
        "kube-state-metrics.resources",
    ],
    "loki-stack": ["loki.resources", "promtail.resources"],
    nats: ["container.resources", "reloader.merge.resources", "promExporter.merge.resources"],
};

/** What is missing from a Kubernetes `resources` block (`limits.cpu`, `limits.memory`). */
export function missingK8sLimits(resources: unknown): string[] {
    const limits = isRecord(resources) ? resources.limits : undefined;
    return (["cpu", "memory"] as const)
        .filter((k) => !isRecord(limits) || limits[k] === undefined || limits[k] === null || limits[k] === "")
        .map((k) => `limits.${k}`);
}

/** A PVC's `resources` (storage size), not a container's: claim templates, or requests of `storage`. */
const isStorageRequest = (path: string, value: Record<string, unknown>) =>
    /volumeClaimTemplate|persistentVolumeClaim/i.test(path) || (isRecord(value.requests) && "storage" in value.requests);

/** Every `resources` block in Helm values without both limits, and every required one that is absent. */
export function unsizedWorkloadsInValues(chart: string, values: unknown): string[] {
    const v = reveal(values);
    const problems: string[] = [];
    for (const { path, key, value } of walk(v)) {
        if (key !== "resources" || !isRecord(value) || isStorageRequest(path, value)) continue;
        const missing = missingK8sLimits(value);
        if (missing.length > 0) problems.push(`values ${path} has no ${missing.join(" or ")}`);
    }
    for (const path of REQUIRED_SIZED_WORKLOADS[chart] ?? []) {
        if (at(v, path) === undefined) problems.push(`values ${path} is not set: the chart's workload runs without memory/CPU limits`);
    }
    return problems;
}

export function checkResourceLimits(r: ResourceUnderPolicy): Violation[] {
    const props = reveal(r.props) as Record<string, unknown>;
    const found: string[] = [];
    if (r.type === TYPES.dockerContainer) {
        if (!isUnknown(props.memory) && !(typeof props.memory === "number" && props.memory > 0))
            found.push("has no memory limit (set `memory` in MB)");
        if (!isUnknown(props.cpus) && !(typeof props.cpus === "string" || typeof props.cpus === "number" ? Number(props.cpus) > 0 : false)) {
            found.push("has no CPU limit (set `cpus`)");
        }
    }
    for (const c of podContainers(r)) {
        const missing = isUnknown(c.spec.resources) ? [] : missingK8sLimits(c.spec.resources);
        if (missing.length > 0) found.push(`container ${c.name} has no resources.${missing.join(" or resources.")}`);
    }
    if (r.type === TYPES.helmRelease) found.push(...unsizedWorkloadsInValues(String(props.chart), props.values));
    return found.map((p) => violation(RESOURCE_LIMITS, r, p));
}

/** Probe settings in Helm values that switch a chart's probes off. */
export function disabledProbesInValues(values: unknown): string[] {
    const problems: string[] = [];
    for (const { path, key, value } of walk(reveal(values))) {
        if (/^(liveness|readiness|startup)Probe$/.test(key) && isRecord(value) && value.enabled === false)
            problems.push(`values ${path}.enabled is false`);
    }
    return problems;
}

export function checkHealthchecks(r: ResourceUnderPolicy): Violation[] {
    const props = reveal(r.props) as Record<string, unknown>;
    const found: string[] = [];
    if (r.type === TYPES.dockerContainer) {
        const tests = isRecord(props.healthcheck) ? props.healthcheck.tests : props.healthcheck;
        if (isUnknown(tests)) return [];
        if (!Array.isArray(tests) || tests.length === 0) found.push("has no healthcheck (set `healthcheck.tests`)");
        else if (tests[0] === "NONE") found.push("disables the image's healthcheck (`NONE`)");
    }
    for (const c of podContainers(r)) {
        if (!c.init && c.spec.readinessProbe === undefined && c.spec.livenessProbe === undefined)
            found.push(`container ${c.name} has neither a readinessProbe nor a livenessProbe`);
    }
    if (r.type === TYPES.helmRelease) found.push(...disabledProbesInValues(props.values));
    return found.map((p) => violation(CONTAINER_HEALTHCHECKS, r, p));
}
