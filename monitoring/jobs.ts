/**
 * The job-label contract. Rules and dashboards select targets by these `job` values; the Docker stack uses them as
 * scrape job names and the Kubernetes stack relabels its PodMonitors/ServiceMonitors to the same values, so one set
 * of monitoring content works on both platforms.
 */
export const JOBS = {
    prometheus: "prometheus",
    alertmanager: "alertmanager",
    loki: "loki",
    promtail: "promtail",
    /** Alloy, when it replaces Promtail as the log collector (`logCollector: alloy`). */
    alloy: "alloy",
    grafana: "grafana",
    natsExporter: "nats-exporter",
    /** The platform's own microservices; each target also carries a `service` label. */
    services: "a4co-services",
} as const;

export type JobKey = keyof typeof JOBS;
export type JobName = (typeof JOBS)[JobKey];
