/**
 * The prod stack's resource budget: the tier is the whole cluster, every container gets requests = limits, and the
 * stack stays within 60% of the tier (the rest is for the microservices, as on Docker).
 */
import type { TierSizing } from "../../config/tiers";
import type { CommonStackConfig, KubernetesConfig, KubernetesStackConfig } from "../../config/types";

export const mi = (mb: number) => `${Math.floor(mb)}Mi`;
export const milli = (cpus: number) => `${Math.round(cpus * 1000)}m`;

export interface Share {
    readonly cpus: number;
    readonly memoryMb: number;
}

/** requests = limits: the tier is a budget, not a hint. */
export const resources = (share: Share) => ({
    requests: { cpu: milli(share.cpus), memory: mi(share.memoryMb) },
    limits: { cpu: milli(share.cpus), memory: mi(share.memoryMb) },
});

/** Share of the tier the stack may use on Kubernetes (the rest is for the microservices, as on Docker). */
export const K8S_STACK_FRACTION = 0.58;

const SMALL: Share = { cpus: 0.05, memoryMb: 64 };

/**
 * Per-container budget on Kubernetes. Kubernetes adds containers Docker does not have (operator, config reloaders,
 * Grafana sidecars, kube-state-metrics, node-exporter and Promtail per node, an exporter and reloader per NATS pod);
 * their fixed small budgets come first, and the big services share what is left of the stack's fraction in the
 * proportions of the tier table.
 *
 * Init containers run before a pod's other containers, so Kubernetes reserves the larger of the biggest init
 * container and the sum of the others ("effective request", Kubernetes docs, Init Containers, "Resource sharing
 * within containers"): an init container no bigger than its pod's containers costs nothing extra.
 */
export function kubernetesBudget(sizing: TierSizing, nodeCount: number, replicas = 3) {
    const s = sizing.services;
    const fixed = {
        natsExporter: SMALL,
        natsReloader: SMALL,
        configReloader: SMALL,
        /**
         * kiwigrid/k8s-sidecar (Python) keeps the watched ConfigMaps' files in memory while it writes them: the grafana
         * chart 12.11.1 values.yaml suggests a 100Mi limit for it; ours gets 128Mi for the size of our dashboards.
         */
        grafanaSidecar: { cpus: 0.05, memoryMb: 128 },
        /** The chart's `init-chown-data` (busybox chown of the PVC). */
        grafanaChownInit: SMALL,
        operator: { cpus: 0.1, memoryMb: 128 },
        kubeStateMetrics: { cpus: 0.1, memoryMb: 128 },
        /** Per node. */
        nodeExporter: SMALL,
        /** Per node. */
        promtail: { cpus: 0.1, memoryMb: 128 },
    };
    const fixedTotal = (key: keyof Share) =>
        fixed.natsExporter[key] * replicas +
        fixed.natsReloader[key] * replicas +
        fixed.configReloader[key] * 2 +
        fixed.grafanaSidecar[key] * 2 +
        fixed.operator[key] +
        fixed.kubeStateMetrics[key] +
        (fixed.nodeExporter[key] + fixed.promtail[key]) * nodeCount;
    const big = ["prometheus", "alertmanager", "grafana", "loki", "nats"] as const;
    const bigTotal = (key: keyof Share) => big.reduce((sum, b) => sum + s[b][key], 0);
    const scale = (key: keyof Share) => {
        const available = sizing.hardware[key === "cpus" ? "cpus" : "memoryMb"] * K8S_STACK_FRACTION - fixedTotal(key);
        return Math.max(0, Math.min(1, available / bigTotal(key)));
    };
    const [cpuScale, memScale] = [scale("cpus"), scale("memoryMb")];
    const scaled = (b: (typeof big)[number], perPods = 1): Share => ({
        cpus: Math.floor((s[b].cpus * cpuScale * 1000) / perPods) / 1000,
        memoryMb: Math.floor((s[b].memoryMb * memScale) / perPods),
    });
    const grafana = scaled("grafana");
    return {
        ...fixed,
        prometheus: scaled("prometheus"),
        alertmanager: scaled("alertmanager"),
        grafana,
        /**
         * The admin-password init container runs the Grafana binary itself (`grafana cli admin
         * reset-admin-password`), which opens the database and runs its migrations like the server does: it gets
         * Grafana's own share (grafana.com install requirements: 512 MB minimum), and as an init container no bigger
         * than the pod's containers it adds nothing to the pod's reservation.
         */
        grafanaPasswordInit: grafana,
        loki: scaled("loki"),
        /** Per NATS pod: the NATS share spread over the replicas. */
        nats: scaled("nats", replicas),
    };
}

export type KubernetesBudget = ReturnType<typeof kubernetesBudget>;

/**
 * Total CPU and memory the budget reserves across the cluster (per-node containers times the node count). Init
 * containers are left out: each is no bigger than the containers of its pod (see {@link kubernetesBudget}).
 */
export function budgetTotals(budget: KubernetesBudget, natsReplicaCount: number, nodeCount: number): Share {
    const times = (x: Share, n: number) => ({ cpus: x.cpus * n, memoryMb: x.memoryMb * n });
    const parts = [
        times(budget.prometheus, 1),
        times(budget.configReloader, 2),
        times(budget.alertmanager, 1),
        times(budget.grafana, 1),
        times(budget.grafanaSidecar, 2),
        times(budget.loki, 1),
        times(budget.nats, natsReplicaCount),
        times(budget.natsExporter, natsReplicaCount),
        times(budget.natsReloader, natsReplicaCount),
        times(budget.operator, 1),
        times(budget.kubeStateMetrics, 1),
        times(budget.nodeExporter, nodeCount),
        times(budget.promtail, nodeCount),
    ];
    return parts.reduce((a, b) => ({ cpus: a.cpus + b.cpus, memoryMb: a.memoryMb + b.memoryMb }), { cpus: 0, memoryMb: 0 });
}

/** NATS servers: a 3-node cluster on the prod tier; one server is allowed on the dev tier. */
export function natsReplicas(config: Pick<CommonStackConfig, "tier">): number {
    return config.tier === "prod" ? 3 : 1;
}

/** PVC sizes (MiB) per persistent service, from the tier's disk budget; NATS has one PVC per replica. */
export function pvcSizes(sizing: TierSizing, replicas: number) {
    return {
        prometheus: sizing.storageMb.prometheus,
        alertmanager: sizing.storageMb.alertmanager,
        grafana: sizing.storageMb.grafana,
        loki: sizing.storageMb.loki,
        natsPerReplica: Math.floor(sizing.storageMb.nats / replicas),
    };
}

export type PvcSizes = ReturnType<typeof pvcSizes>;

/** Everything the budget decides for one stack config; computed once per plan and handed to every values builder. */
export interface KubernetesSizing {
    readonly nodeCount: number;
    readonly natsReplicas: number;
    /** Per-container CPU and memory. */
    readonly budget: KubernetesBudget;
    /** PVC sizes, MiB. */
    readonly pvc: PvcSizes;
}

/** Only the node count is read from the Kubernetes settings, so the config stage can size a stack it is still checking. */
export type SizedKubernetesConfig = Pick<KubernetesStackConfig, "tier"> & { readonly kubernetes: Pick<KubernetesConfig, "nodeCount"> };

export function kubernetesSizing(config: SizedKubernetesConfig, sizing: TierSizing): KubernetesSizing {
    const replicas = natsReplicas(config);
    const nodeCount = config.kubernetes.nodeCount;
    return { nodeCount, natsReplicas: replicas, budget: kubernetesBudget(sizing, nodeCount, replicas), pvc: pvcSizes(sizing, replicas) };
}
