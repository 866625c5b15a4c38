/** Prod-only checks of the stack config, before any resource: each names the key, the value and the fix. */
import type { TierSizing } from "../../config/tiers";
import type { StackConfig } from "../../config/types";
import { budgetTotals, KubernetesSizing, kubernetesSizing } from "./budget";

const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const RFC1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** `k8s` is the plan's budget when the component calls it, so the budget is computed once. */
export function validateKubernetesConfig(config: StackConfig, sizing: TierSizing, k8s: KubernetesSizing = kubernetesSizing(config, sizing)): void {
    const problems: string[] = [];
    const k = config.kubernetes;
    if (!RFC1123_LABEL.test(k.namespace)) {
        problems.push(`'kubernetes.namespace' is '${k.namespace}': use an RFC 1123 label (lowercase letters, digits, dashes).`);
    }
    const { natsReplicas: replicas, budget, pvc: sizes } = k8s;
    if (replicas > 1 && k.nodeCount < replicas) {
        problems.push(
            `'kubernetes.nodeCount' is ${k.nodeCount}: the ${config.tier} tier runs a ${replicas}-node NATS cluster spread one per node, so use at least ${replicas} nodes (or tier dev for a single NATS server).`,
        );
    }
    if (k.storageClass !== undefined && !RFC1123_LABEL.test(k.storageClass) && !RFC1123_SUBDOMAIN.test(k.storageClass)) {
        problems.push(`'kubernetes.storageClass' is '${k.storageClass}': use the name of a StorageClass in the cluster.`);
    }
    const total = sizes.prometheus + sizes.alertmanager + sizes.grafana + sizes.loki + sizes.natsPerReplica * replicas;
    if (total > sizing.hardware.diskGb * 1024) {
        problems.push(`PVCs need ${total} MiB but tier '${config.tier}' has ${sizing.hardware.diskGb} GiB of disk: choose a larger tier.`);
    }
    const totals = budgetTotals(budget, replicas, k.nodeCount);
    if (totals.memoryMb > sizing.hardware.memoryMb * 0.6 || budget.prometheus.memoryMb < 512) {
        problems.push(
            `'kubernetes.nodeCount' is ${k.nodeCount}: per-node agents push the stack to ${totals.memoryMb} MiB, over 60% of tier '${config.tier}' (${sizing.hardware.memoryMb} MiB); use a larger tier or fewer nodes.`,
        );
    }
    if (problems.length > 0) throw new Error(`Invalid Kubernetes configuration:\n  - ${problems.join("\n  - ")}`);
}
