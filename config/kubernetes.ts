/**
 * The Kubernetes-only settings of the stack config, and whether the stack fits the cluster they describe: NATS's
 * spread over the nodes, the PVCs on the tier's disk, the per-node agents within the tier's memory. The fit is
 * computed by the Kubernetes budget model itself (platforms/kubernetes/budget.ts), so the config stage refuses
 * exactly what the values builders would size.
 */
import { budgetTotals, kubernetesSizing } from "../platforms/kubernetes/budget";
import { CONFIG_DEFAULTS } from "./defaults";
import { ConfigReader, show, wholeNumber } from "./reader";
import type { TierSizing } from "./tiers";
import type { KubernetesConfig, TierName } from "./types";

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const KNOWN_FIELDS = ["namespace", "context", "kubeconfig", "nodeCount", "storageClass"] as const;

/** The `kubernetes` object; undefined when a field is invalid (its problem is recorded). */
export function readKubernetesSettings(r: ConfigReader): KubernetesConfig | undefined {
    const k8s = r.objectOf("kubernetes") ?? {};
    const before = r.problems.length;
    r.unknownFields("kubernetes", k8s, KNOWN_FIELDS);
    const namespace = k8s.namespace ?? CONFIG_DEFAULTS.kubernetes.namespace;
    if (typeof namespace !== "string" || !DNS_LABEL.test(namespace)) {
        r.problem(
            `'kubernetes.namespace' is ${show(namespace)}: use a DNS label (RFC 1123: lowercase letters, digits, dashes; at most 63 characters).`,
        );
    }
    const rawNodeCount = k8s.nodeCount ?? CONFIG_DEFAULTS.kubernetes.nodeCount;
    const nodeCount = wholeNumber(rawNodeCount);
    if (typeof nodeCount !== "number" || !Number.isInteger(nodeCount) || nodeCount < 1) {
        r.problem(`'kubernetes.nodeCount' is ${show(rawNodeCount)}: use the number of nodes in the cluster (a whole number, at least 1).`);
    }
    for (const field of ["context", "kubeconfig", "storageClass"] as const) {
        const value = k8s[field];
        if (value !== undefined && (typeof value !== "string" || value.length === 0)) {
            r.problem(`'kubernetes.${field}' is ${show(value)}: use a non-empty string, or remove it to use the default.`);
        }
    }
    const storageClass = k8s.storageClass;
    if (typeof storageClass === "string" && storageClass.length > 0 && !DNS_SUBDOMAIN.test(storageClass)) {
        r.problem(`'kubernetes.storageClass' is ${show(storageClass)}: use the name of a StorageClass in the cluster (a DNS subdomain, e.g. gp3).`);
    }
    if (r.problems.length > before) return undefined;
    return {
        namespace: namespace as string,
        nodeCount: nodeCount as number,
        context: k8s.context as string | undefined,
        kubeconfig: k8s.kubeconfig as string | undefined,
        storageClass: storageClass as string | undefined,
    };
}

/** Whether the stack of `tier` fits a cluster of `settings.nodeCount` nodes; each problem names the key and the fix. */
export function kubernetesFitProblems(settings: Pick<KubernetesConfig, "nodeCount">, tier: TierName, sizing: TierSizing): string[] {
    const problems: string[] = [];
    const { nodeCount } = settings;
    // The same sizing the plan hands to the values builders, so the check refuses exactly what would be deployed.
    const { natsReplicas: replicas, pvc: sizes, budget } = kubernetesSizing({ tier, kubernetes: settings }, sizing);
    if (replicas > 1 && nodeCount < replicas) {
        problems.push(
            `'kubernetes.nodeCount' is ${nodeCount}: the ${tier} tier runs a ${replicas}-node NATS cluster spread one per node, so use at least ${replicas} nodes (or tier dev for a single NATS server).`,
        );
    }
    const total = sizes.prometheus + sizes.alertmanager + sizes.grafana + sizes.loki + sizes.natsPerReplica * replicas;
    if (total > sizing.hardware.diskGb * 1024) {
        problems.push(
            `'tier' is '${tier}': its PVCs need ${total} MiB but the tier has ${sizing.hardware.diskGb} GiB of disk: choose a larger tier.`,
        );
    }
    const totals = budgetTotals(budget, replicas, nodeCount);
    if (totals.memoryMb > sizing.hardware.memoryMb * 0.6 || budget.prometheus.memoryMb < 512) {
        problems.push(
            `'kubernetes.nodeCount' is ${nodeCount}: per-node agents push the stack to ${totals.memoryMb} MiB, over 60% of tier '${tier}' (${sizing.hardware.memoryMb} MiB); use a larger tier or fewer nodes.`,
        );
    }
    return problems;
}
