/**
 * The port each program of the stack listens on: its own default, which the Docker containers publish and the charts'
 * Services expose on Kubernetes (the grafana chart's Service alone listens on another port, GRAFANA_SERVICE_PORT in
 * platforms/kubernetes/plan.ts). One table, so a URL, a healthcheck and a scrape address cannot disagree.
 */
export const SERVICE_PORTS = {
    prometheus: 9090,
    alertmanager: 9093,
    loki: 3100,
    grafana: 3000,
    /** Client connections. */
    nats: 4222,
    /** NATS's HTTP monitoring (the exporter polls it; the NATS chart's `config.monitor.port` default). */
    natsMonitoring: 8222,
    /** prometheus-nats-exporter (the NATS chart's `promExporter.port` default). */
    natsExporter: 7777,
} as const;
