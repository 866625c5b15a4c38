import { renderPrometheusConfig } from "../../render/prometheus";
import { JOBS } from "../../monitoring/jobs";

/** prometheus.yml for a dev stack with two services, loading `ruleFiles`. */
export const testPrometheusYaml = (ruleFiles: string[]) =>
    renderPrometheusConfig({
        scrapeInterval: "15s",
        evaluationInterval: "15s",
        ruleFiles,
        alertmanagers: ["alertmanager:9093"],
        targets: {
            prometheus: "localhost:9090",
            alertmanager: "alertmanager:9093",
            loki: "loki:3100",
            grafana: "grafana:3000",
            natsExporter: "nats-exporter:7777",
            logCollector: { job: JOBS.promtail, address: "promtail:9080" },
        },
        services: [
            { service: "orders", address: "host.docker.internal:3001", metricsPath: "/metrics" },
            { service: "billing", address: "billing:8080", metricsPath: "/internal/metrics" },
        ],
        externalLabels: { platform: "docker", tier: "dev" },
    });
