/** Relabelings that put the prod stack's scrape targets onto the job-label contract of monitoring/jobs.ts. */

export interface Relabeling {
    readonly action: "replace" | "labeldrop" | "keep";
    readonly sourceLabels?: readonly string[];
    readonly regex?: string;
    readonly targetLabel?: string;
    readonly replacement?: string;
}

/** Every target of the endpoint becomes `job=<job>`. */
export const jobRelabel = (job: string): Relabeling[] => [{ action: "replace", targetLabel: "job", replacement: job }];

/**
 * Only the targets of one ServiceMonitor endpoint (by port name) become `job=<job>`. kube-prometheus-stack copies
 * `prometheus.serviceMonitor.relabelings` (and Alertmanager's) onto both endpoints of its ServiceMonitor, the server's
 * and its config-reloader's `reloader-web`; keyed on the `endpoint` label (the port name, which the operator sets on
 * every ServiceMonitor target before the user's relabelings run), the reloader keeps its own job.
 */
export const endpointJobRelabel = (port: string, job: string): Relabeling[] => [
    { action: "replace", sourceLabels: ["endpoint"], regex: escapeRegex(port), targetLabel: "job", replacement: job },
];

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
