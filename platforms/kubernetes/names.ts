/** Fixed names of the prod stack's Kubernetes objects and releases: services, labels and outputs depend on them. */

/** Fixed Helm release names: they name the services and the `release` labels, so they must not be auto-suffixed. */
export const RELEASES = {
    crds: "prometheus-operator-crds",
    kubePrometheusStack: "kube-prometheus-stack",
    /** Named `loki` so the loki subchart's service is `loki` (the push URL Promtail uses). */
    lokiStack: "loki",
    nats: "nats",
} as const;

/** Objects the program creates next to the releases. */
export const K8S_NAMES = {
    grafanaAdminSecret: "grafana-admin",
    receiverSecret: "alertmanager-receiver",
    lokiConfigSecret: "loki-config",
    rules: "a4co-rules",
    servicesMonitor: "a4co-services",
    lokiMonitor: "a4co-loki",
} as const;

/** Pods of the platform's own services carry this label to be scraped (port name `metrics`). */
export const SCRAPE_LABEL = { key: "a4co.io/scrape", value: "true" } as const;
export const SERVICE_METRICS_PORT = "metrics";

/** Sidecar annotation that names the Grafana folder of a dashboard ConfigMap. */
export const FOLDER_ANNOTATION = "grafana_folder";
/** Label (and value) Grafana's dashboard sidecar watches for. */
export const DASHBOARD_LABEL = { key: "grafana_dashboard", value: "1" } as const;
/** Where Grafana's sidecar writes dashboards; the folder annotation is a sub-directory of it. */
export const GRAFANA_DASHBOARDS_DIR = "/tmp/dashboards";

/** Helm release timeout: kube-prometheus-stack and PVC provisioning can take minutes. */
export const RELEASE_TIMEOUT_SECONDS = 900;
