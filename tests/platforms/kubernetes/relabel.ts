/**
 * Prometheus relabelling, as the operator's generated scrape configs run it, for the job-label contract checks: the
 * operator first sets `job` (the Service's name for a ServiceMonitor, `<namespace>/<name>` for a PodMonitor) and
 * `endpoint` (the port name), then runs the user's `relabelings` in order.
 */
export interface OperatorRelabeling {
    readonly action?: string;
    readonly sourceLabels?: readonly string[];
    readonly separator?: string;
    readonly regex?: string;
    readonly targetLabel?: string;
    readonly replacement?: string;
}

/** Applies relabelings to a label set; returns undefined when a keep/drop rule drops the target. */
export function applyRelabelings(labels: Readonly<Record<string, string>>, rules: readonly OperatorRelabeling[]): Record<string, string> | undefined {
    let out: Record<string, string> = { ...labels };
    for (const rule of rules) {
        const action = (rule.action ?? "replace").toLowerCase();
        // Prometheus anchors every relabelling regex.
        const regex = new RegExp(`^(?:${rule.regex ?? "(.*)"})$`);
        const value = (rule.sourceLabels ?? []).map((l) => out[l] ?? "").join(rule.separator ?? ";");
        switch (action) {
            case "replace": {
                const m = regex.exec(value);
                if (m === null || rule.targetLabel === undefined) break;
                const replaced = (rule.replacement ?? "$1").replace(/\$\{?(\d+)\}?/g, (_, i: string) => m[Number(i)] ?? "");
                if (replaced === "") delete out[rule.targetLabel];
                else out[rule.targetLabel] = replaced;
                break;
            }
            case "keep":
                if (!regex.test(value)) return undefined;
                break;
            case "drop":
                if (regex.test(value)) return undefined;
                break;
            case "labeldrop":
                out = Object.fromEntries(Object.entries(out).filter(([k]) => !regex.test(k)));
                break;
            default:
                throw new Error(`relabel action '${rule.action}' is not modelled here: extend tests/platforms/kubernetes/relabel.ts`);
        }
    }
    return out;
}

/** The `job` a ServiceMonitor endpoint's targets end up with. */
export function serviceMonitorJob(serviceName: string, endpoint: { port?: string; relabelings?: readonly OperatorRelabeling[] }): string | undefined {
    return applyRelabelings({ job: serviceName, endpoint: endpoint.port ?? "" }, endpoint.relabelings ?? [])?.job;
}

/** The `job` a PodMonitor endpoint's targets end up with. */
export function podMonitorJob(
    namespace: string,
    name: string,
    endpoint: { port?: string; relabelings?: readonly OperatorRelabeling[] },
): string | undefined {
    return applyRelabelings({ job: `${namespace}/${name}`, endpoint: endpoint.port ?? "" }, endpoint.relabelings ?? [])?.job;
}
