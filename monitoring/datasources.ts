/**
 * Fixed Grafana datasource uids. Dashboards reference these; the Docker stack provisions datasources with them and
 * the Kubernetes stack gets the same uids (kube-prometheus-stack's own Prometheus datasource uid is `prometheus`).
 */
export const DATASOURCE_UIDS = {
    prometheus: "prometheus",
    loki: "loki",
    alertmanager: "alertmanager",
} as const;

export type DatasourceKey = keyof typeof DATASOURCE_UIDS;

/** Grafana plugin type per datasource. */
export const DATASOURCE_TYPES: Readonly<Record<DatasourceKey, string>> = {
    prometheus: "prometheus",
    loki: "loki",
    alertmanager: "alertmanager",
};
