/**
 * Policy `data-retained-on-delete`: with `retainData` (the default), data volumes and PVCs survive `pulumi destroy`.
 *
 * `retainOnDelete` is a resource option, and the engine does not pass resource options of that kind to policy packs
 * (AnalyzerResourceOptions carries protect, ignoreChanges, aliases, timeouts, parent and additionalSecretOutputs
 * only). So the option is read where the caller knows it (the tests capture it from the registrations), and
 * otherwise from a marker the resource carries: the Docker label or Kubernetes annotation `RETAIN_MARKER` = "true".
 * Without either, the policy cannot tell and lets the resource pass (see checkRetention).
 */
import { at, isRecord, PolicySettings, ResourceUnderPolicy, reveal, TYPES, Violation, violation, walk } from "./model";

export const DATA_RETAINED_ON_DELETE = "data-retained-on-delete";

/** Label (Docker) / annotation (Kubernetes) that declares a resource is kept on delete. */
export const RETAIN_MARKER = "a4co.io/retain-on-delete";

/** Resource types that hold data: deleting them deletes the data (a namespace takes its PVCs with it). */
export const DATA_HOLDERS: readonly string[] = [TYPES.dockerVolume, TYPES.k8sPvc, TYPES.k8sNamespace];

/** Values paths of PVCs a chart creates as plain objects (not StatefulSet claim templates, which Kubernetes keeps). */
export const PLAIN_CHART_PVCS: Readonly<Record<string, readonly string[]>> = {
    "kube-prometheus-stack": ["grafana.persistence"],
};

/** The retention a resource declares through its marker, or undefined. */
export function retainMarker(r: ResourceUnderPolicy): boolean | undefined {
    const props = reveal(r.props) as Record<string, unknown>;
    let value: unknown;
    if (r.type === TYPES.dockerVolume) {
        const labels = props.labels;
        if (Array.isArray(labels)) value = labels.filter(isRecord).find((l) => l.label === RETAIN_MARKER)?.value;
        else if (isRecord(labels)) value = labels[RETAIN_MARKER];
    } else {
        const annotations = at(props, "metadata.annotations");
        if (isRecord(annotations)) value = annotations[RETAIN_MARKER];
    }
    return value === undefined ? undefined : value === "true" || value === true;
}

export function checkRetention(r: ResourceUnderPolicy, settings: PolicySettings): Violation[] {
    if (!settings.retainData) return [];
    const found: string[] = [];
    if (DATA_HOLDERS.includes(r.type)) {
        // A real preview does not tell (the engine passes no retainOnDelete to policies) and the stack carries no
        // marker on Docker volumes: a label would make every retainData change replace the volume. Such resources
        // pass here; the policy tests read retainOnDelete from the registrations and prove every data holder keeps it.
        const retained = r.retainOnDelete ?? retainMarker(r);
        if (retained === false) {
            found.push("holds data and is deleted by pulumi destroy: set { retainOnDelete: config.retainData }");
        }
    }
    if (r.type === TYPES.helmRelease) {
        const props = reveal(r.props) as Record<string, unknown>;
        const values = props.values;
        for (const { path, key, value } of walk(values)) {
            if (key === "persistentVolumeClaimRetentionPolicy" && isRecord(value) && value.whenDeleted === "Delete") {
                found.push(`values ${path}.whenDeleted is Delete: the StatefulSet's PVCs go with it (use Retain)`);
            }
        }
        for (const path of PLAIN_CHART_PVCS[String(props.chart)] ?? []) {
            const persistence = at(values, path);
            if (!isRecord(persistence) || persistence.enabled !== true) continue;
            const keep = at(persistence, "annotations") as Record<string, unknown> | undefined;
            if (!isRecord(keep) || keep["helm.sh/resource-policy"] !== "keep") {
                found.push(`values ${path} creates a PVC that helm uninstall deletes: annotate it helm.sh/resource-policy: keep`);
            }
        }
    }
    return found.map((p) => violation(DATA_RETAINED_ON_DELETE, r, p));
}
