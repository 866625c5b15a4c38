/** What users depend on, checked on the objects Helm rendered with the program's values (issue 10, point 3). */
import type { KubernetesBudget, Share } from "../../platforms/kubernetes/budget";
import type { K8sObject } from "../../harness/kubernetes/helm";
import { objectId } from "../../harness/kubernetes/helm";
import { applyRelabelings, OperatorRelabeling } from "../platforms/kubernetes/relabel";

export const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"] as const;

export interface PodOwner {
    readonly object: K8sObject;
    readonly podSpec: Record<string, any>;
    /** Pods of this owner on the cluster: replicas, or one per node for a DaemonSet, 0 for a Helm hook (transient). */
    readonly pods: (nodeCount: number) => number;
    readonly isHook: boolean;
}

export function podOwners(objects: readonly K8sObject[]): PodOwner[] {
    return objects
        .filter((o) => (WORKLOAD_KINDS as readonly string[]).includes(o.kind))
        .map((o) => {
            const isHook = o.metadata.annotations?.["helm.sh/hook"] !== undefined;
            const podSpec = o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
            const pods = (nodes: number) =>
                isHook || o.kind === "Job" || o.kind === "CronJob" ? 0 : o.kind === "DaemonSet" ? nodes : (o.spec.replicas ?? 1);
            return { object: o, podSpec, pods, isHook };
        });
}

const CPU = /^(\d+(?:\.\d+)?)(m?)$/;
const MEM = /^(\d+)(Mi|Gi|Ki)?$/;
export const cpuOf = (q: string | number) => {
    const m = CPU.exec(String(q));
    if (!m) throw new Error(`cpu quantity ${q} is not in the form the budget writes`);
    return m[2] === "m" ? Number(m[1]) / 1000 : Number(m[1]);
};
export const memMbOf = (q: string | number) => {
    const m = MEM.exec(String(q));
    if (!m) throw new Error(`memory quantity ${q} is not in the form the budget writes`);
    const n = Number(m[1]);
    return m[2] === "Gi" ? n * 1024 : m[2] === "Ki" ? n / 1024 : m[2] === "Mi" ? n : n / 1024 / 1024;
};

export interface SizedContainer {
    readonly where: string;
    readonly name: string;
    readonly init: boolean;
    readonly resources: Record<string, any> | undefined;
}

/** Every container the cluster would run for these objects: pods of workloads, and the operator's Prometheus/Alertmanager pods. */
export function sizedContainers(objects: readonly K8sObject[]): SizedContainer[] {
    const out: SizedContainer[] = [];
    for (const o of podOwners(objects)) {
        for (const c of o.podSpec.initContainers ?? []) out.push({ where: objectId(o.object), name: c.name, init: true, resources: c.resources });
        for (const c of o.podSpec.containers ?? []) out.push({ where: objectId(o.object), name: c.name, init: false, resources: c.resources });
    }
    for (const o of objects.filter((x) => x.kind === "Prometheus" || x.kind === "Alertmanager")) {
        out.push({ where: objectId(o), name: o.kind.toLowerCase(), init: false, resources: o.spec.resources });
    }
    return out;
}

/** The operator sizes the config reloaders it injects from its own flags. */
export function configReloaderShare(objects: readonly K8sObject[]): { request: Share; limit: Share } | undefined {
    const op = objects.find(
        (o) =>
            o.kind === "Deployment" &&
            (o.spec.template.spec.containers ?? []).some((c: { args?: string[] }) =>
                (c.args ?? []).some((a) => a.startsWith("--prometheus-config-reloader=")),
            ),
    );
    if (!op) return undefined;
    const args: string[] = op.spec.template.spec.containers.flatMap((c: { args?: string[] }) => c.args ?? []);
    const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
    const share = (kind: "request" | "limit") => ({
        cpus: cpuOf(flag(`config-reloader-cpu-${kind}`) ?? "NaN"),
        memoryMb: memMbOf(flag(`config-reloader-memory-${kind}`) ?? "NaN"),
    });
    return { request: share("request"), limit: share("limit") };
}

/** Containers whose requests differ from limits, or lack cpu/memory in either. */
export function unequalResources(containers: readonly SizedContainer[]): string[] {
    return containers.flatMap((c) => {
        const r = c.resources ?? {};
        const ok =
            r.requests?.cpu !== undefined &&
            r.requests?.memory !== undefined &&
            r.requests?.cpu === r.limits?.cpu &&
            r.requests?.memory === r.limits?.memory;
        return ok ? [] : [`${c.where} ${c.init ? "init " : ""}container ${c.name}: ${JSON.stringify(r)}`];
    });
}

/** Which budget entry sizes each container, by container name; every container must have one. */
export const BUDGET_OF_CONTAINER: Readonly<Record<string, keyof KubernetesBudget>> = {
    prometheus: "prometheus",
    alertmanager: "alertmanager",
    grafana: "grafana",
    "grafana-sc-dashboard": "grafanaSidecar",
    "grafana-sc-datasources": "grafanaSidecar",
    "init-chown-data": "grafanaChownInit",
    "sync-admin-password": "grafanaPasswordInit",
    "kube-prometheus-stack": "operator",
    "kube-state-metrics": "kubeStateMetrics",
    "node-exporter": "nodeExporter",
    promtail: "promtail",
    loki: "loki",
    nats: "nats",
    reloader: "natsReloader",
    "prom-exporter": "natsExporter",
    // The admission webhook's certificate Jobs (Helm hooks).
    create: "configReloader",
    patch: "configReloader",
};

export function budgetMismatches(containers: readonly SizedContainer[], budget: KubernetesBudget): string[] {
    return containers.flatMap((c) => {
        const key = BUDGET_OF_CONTAINER[c.name];
        if (key === undefined) return [`${c.where} container ${c.name} has no budget entry`];
        const want = budget[key];
        const lim = c.resources?.limits ?? {};
        const ok =
            lim.cpu !== undefined &&
            Math.abs(cpuOf(lim.cpu) - want.cpus) < 1e-9 &&
            lim.memory !== undefined &&
            memMbOf(lim.memory) === Math.floor(want.memoryMb);
        return ok ? [] : [`${c.where} container ${c.name}: limits ${JSON.stringify(lim)}, budget ${key} = ${JSON.stringify(want)}`];
    });
}

/**
 * What the rendered stack reserves on a cluster of `nodeCount` nodes: per pod the larger of its biggest init
 * container and the sum of its containers (Kubernetes' effective request), times its pods; Prometheus and
 * Alertmanager pods with the config reloader the operator adds. Helm hook Jobs are transient and left out.
 */
export function reservedTotals(objects: readonly K8sObject[], nodeCount: number): Share {
    const sum = (cs: { resources?: any }[], f: (q: any) => number, key: "cpu" | "memory") =>
        cs.reduce((a, c) => a + (c.resources?.requests?.[key] !== undefined ? f(c.resources.requests[key]) : 0), 0);
    const max = (cs: { resources?: any }[], f: (q: any) => number, key: "cpu" | "memory") =>
        cs.reduce((a, c) => Math.max(a, c.resources?.requests?.[key] !== undefined ? f(c.resources.requests[key]) : 0), 0);
    let cpus = 0;
    let memoryMb = 0;
    for (const o of podOwners(objects)) {
        const n = o.pods(nodeCount);
        const main = o.podSpec.containers ?? [];
        const init = o.podSpec.initContainers ?? [];
        cpus += n * Math.max(sum(main, cpuOf, "cpu"), max(init, cpuOf, "cpu"));
        memoryMb += n * Math.max(sum(main, memMbOf, "memory"), max(init, memMbOf, "memory"));
    }
    const reloader = configReloaderShare(objects);
    for (const o of objects.filter((x) => x.kind === "Prometheus" || x.kind === "Alertmanager")) {
        const n = o.spec.replicas ?? 1;
        cpus += n * (cpuOf(o.spec.resources.requests.cpu) + (reloader?.request.cpus ?? 0));
        memoryMb += n * (memMbOf(o.spec.resources.requests.memory) + (reloader?.request.memoryMb ?? 0));
    }
    return { cpus, memoryMb };
}

/** Kubernetes label-selector semantics (matchLabels and matchExpressions); an empty selector selects everything. */
export function selects(
    selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined | null,
    labels: Record<string, string> = {},
): boolean {
    if (selector === undefined || selector === null) return false;
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const e of selector.matchExpressions ?? []) {
        const has = e.key in labels;
        const inValues = has && (e.values ?? []).includes(labels[e.key]);
        if (e.operator === "In" && !inValues) return false;
        if (e.operator === "NotIn" && inValues) return false;
        if (e.operator === "Exists" && !has) return false;
        if (e.operator === "DoesNotExist" && has) return false;
    }
    return true;
}

export interface ScrapedJob {
    readonly monitor: string;
    readonly target: string;
    readonly port: string;
    readonly job: string | undefined;
}

/**
 * The `job` each monitor endpoint gives its targets, as the operator's generated config does: a ServiceMonitor's
 * targets start with job = the Service's name (or its `jobLabel` label), a PodMonitor's with `<namespace>/<name>`
 * (or its `jobLabel`), `endpoint` = the port name; then the endpoint's relabelings run.
 */
export function scrapedJobs(objects: readonly K8sObject[]): ScrapedJob[] {
    const out: ScrapedJob[] = [];
    const nsSelected = (monitorNs: string, sel: { any?: boolean; matchNames?: string[] } | undefined, targetNs: string) =>
        sel?.any === true || (sel?.matchNames ? sel.matchNames.includes(targetNs) : targetNs === monitorNs);
    for (const m of objects.filter((o) => o.kind === "ServiceMonitor")) {
        const mNs = m.metadata.namespace ?? "default";
        for (const svc of objects.filter(
            (o) =>
                o.kind === "Service" &&
                nsSelected(mNs, m.spec.namespaceSelector, o.metadata.namespace ?? "default") &&
                selects(m.spec.selector, o.metadata.labels),
        )) {
            for (const ep of m.spec.endpoints ?? []) {
                if (!(svc.spec.ports ?? []).some((p: { name?: string }) => p.name === ep.port)) continue;
                const base = m.spec.jobLabel && svc.metadata.labels?.[m.spec.jobLabel] ? svc.metadata.labels[m.spec.jobLabel] : svc.metadata.name;
                const labels = applyRelabelings(
                    { job: base, endpoint: ep.port, namespace: svc.metadata.namespace ?? "", service: svc.metadata.name },
                    (ep.relabelings ?? []) as OperatorRelabeling[],
                );
                out.push({ monitor: objectId(m), target: objectId(svc), port: ep.port, job: labels?.job });
            }
        }
    }
    for (const m of objects.filter((o) => o.kind === "PodMonitor")) {
        const mNs = m.metadata.namespace ?? "default";
        for (const owner of podOwners(objects).filter(
            (w) =>
                !w.isHook &&
                nsSelected(mNs, m.spec.namespaceSelector, w.object.metadata.namespace ?? "default") &&
                selects(m.spec.selector, w.object.spec.template.metadata?.labels),
        )) {
            const ports = (owner.podSpec.containers ?? []).flatMap((c: { ports?: { name?: string }[] }) => (c.ports ?? []).map((p) => p.name));
            for (const ep of m.spec.podMetricsEndpoints ?? []) {
                if (!ports.includes(ep.port)) continue;
                const labels = applyRelabelings(
                    { job: `${mNs}/${m.metadata.name}`, endpoint: ep.port, namespace: owner.object.metadata.namespace ?? "" },
                    (ep.relabelings ?? []) as OperatorRelabeling[],
                );
                out.push({ monitor: objectId(m), target: objectId(owner.object), port: ep.port, job: labels?.job });
            }
        }
    }
    return out;
}
