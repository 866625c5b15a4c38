import type { Schema } from "./check";

/**
 * Keys of Grafana's provisioning files (apiVersion 1). Datasources: the yaml tags of `configsV1` /
 * `upsertDataSourceFromConfigV1` in grafana/grafana pkg/services/provisioning/datasources/types.go, plus `prune`
 * (added in Grafana 11.1, documented in docs/sources/administration/provisioning/index.md for 13.x). Dashboards: the
 * provider keys of the same provisioning documentation (`updateIntervalSeconds`, `allowUiUpdates`, `folderUid` and
 * `options.foldersFromFilesStructure` are newer than the stored types.go). `jsonData` is free-form per plugin; the
 * keys we set are checked separately against each plugin's documented options.
 */
export const GRAFANA_DATASOURCES_SCHEMA: Schema = {
    apiVersion: true,
    prune: true,
    deleteDatasources: { __list__: { orgId: true, orgName: true, name: true } },
    datasources: {
        __list__: {
            orgId: true,
            orgName: true,
            version: true,
            name: true,
            type: true,
            access: true,
            url: true,
            user: true,
            database: true,
            basicAuth: true,
            basicAuthUser: true,
            withCredentials: true,
            isDefault: true,
            correlations: true,
            jsonData: "__map__",
            secureJsonData: "__map__",
            editable: true,
            uid: true,
        },
    },
};

export const GRAFANA_DASHBOARD_PROVIDERS_SCHEMA: Schema = {
    apiVersion: true,
    providers: {
        __list__: {
            name: true,
            orgId: true,
            folder: true,
            folderUid: true,
            type: true,
            disableDeletion: true,
            editable: true,
            updateIntervalSeconds: true,
            allowUiUpdates: true,
            options: { path: true, foldersFromFilesStructure: true },
        },
    },
};

/** jsonData options we set, per datasource plugin (Grafana's datasource provisioning docs, per type). */
export const GRAFANA_JSONDATA_KEYS: Readonly<Record<string, readonly string[]>> = {
    prometheus: [
        "httpMethod",
        "prometheusType",
        "prometheusVersion",
        "timeInterval",
        "queryTimeout",
        "manageAlerts",
        "cacheLevel",
        "exemplarTraceIdDestinations",
    ],
    loki: ["maxLines", "derivedFields", "timeout"],
    alertmanager: ["implementation", "handleGrafanaManagedAlerts"],
};
