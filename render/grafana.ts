import { stringify } from "yaml";

import { DATASOURCE_TYPES, DATASOURCE_UIDS } from "../monitoring/datasources";
import type { LogLevel } from "../config/types";
import { logLevelFor } from "./logLevels";

export interface GrafanaDatasourceOptions {
    readonly prometheusUrl: string;
    readonly lokiUrl: string;
    readonly alertmanagerUrl: string;
    /** Trace viewer URL for Loki's `traceId` derived field; use `${__value.raw}` for the id. */
    readonly traceUrl?: string;
}

/**
 * Grafana expands `$VAR` / `${VAR}` from the environment in provisioning files; a literal `$` is written `$$`.
 */
export const escapeProvisioningValue = (value: string): string => value.replace(/\$/g, "$$$$");

/** The provisioned datasources with their fixed uids; Prometheus is the one default. */
export function grafanaDatasources(opts: GrafanaDatasourceOptions): Record<string, unknown>[] {
    const loki: Record<string, unknown> = {
        name: "Loki",
        uid: DATASOURCE_UIDS.loki,
        type: DATASOURCE_TYPES.loki,
        access: "proxy",
        url: opts.lokiUrl,
        isDefault: false,
        editable: false,
        jsonData: { maxLines: 1000 },
    };
    if (opts.traceUrl !== undefined) {
        loki.jsonData = {
            maxLines: 1000,
            derivedFields: [
                {
                    name: "traceId",
                    matcherRegex: '"traceId":\\s*"(\\w+)"',
                    url: escapeProvisioningValue(opts.traceUrl),
                    urlDisplayLabel: "View trace",
                },
            ],
        };
    }
    return [
        {
            name: "Prometheus",
            uid: DATASOURCE_UIDS.prometheus,
            type: DATASOURCE_TYPES.prometheus,
            access: "proxy",
            url: opts.prometheusUrl,
            isDefault: true,
            editable: false,
            jsonData: { httpMethod: "POST", prometheusType: "Prometheus", timeInterval: "15s" },
        },
        loki,
        {
            name: "Alertmanager",
            uid: DATASOURCE_UIDS.alertmanager,
            type: DATASOURCE_TYPES.alertmanager,
            access: "proxy",
            url: opts.alertmanagerUrl,
            isDefault: false,
            editable: false,
            jsonData: { implementation: "prometheus", handleGrafanaManagedAlerts: false },
        },
    ];
}

/** `provisioning/datasources/*.yaml`. `prune` removes datasources that disappear from the file. */
export function renderGrafanaDatasources(opts: GrafanaDatasourceOptions): string {
    return stringify({ apiVersion: 1, prune: true, datasources: grafanaDatasources(opts) });
}

/** `provisioning/dashboards/*.yaml`: the dashboards directory, read-only in the UI, into one folder. */
export function renderGrafanaDashboardProvider(opts: { folder: string; path: string }): string {
    return stringify({
        apiVersion: 1,
        providers: [
            {
                name: "a4co",
                type: "file",
                folder: opts.folder,
                disableDeletion: true,
                allowUiUpdates: false,
                updateIntervalSeconds: 30,
                options: { path: opts.path },
            },
        ],
    });
}

export interface GrafanaEnvironmentOptions {
    readonly logLevel: LogLevel;
    readonly adminUser: string;
    /** File holding the admin password (never the password itself). */
    readonly adminPasswordFile: string;
    readonly homeDashboardPath: string;
    readonly rootUrl: string;
}

/** Grafana's environment: hardened defaults, the password from a file, no plugin downloads at start. */
export function grafanaEnvironment(opts: GrafanaEnvironmentOptions): string[] {
    return [
        `GF_SECURITY_ADMIN_USER=${opts.adminUser}`,
        // The image's entrypoint reads the file into GF_SECURITY_ADMIN_PASSWORD; the value never appears in config.
        `GF_SECURITY_ADMIN_PASSWORD__FILE=${opts.adminPasswordFile}`,
        "GF_AUTH_ANONYMOUS_ENABLED=false",
        "GF_USERS_ALLOW_SIGN_UP=false",
        // Grafana would otherwise download four apps at every start; the stack needs none (the pie chart is built in).
        "GF_PLUGINS_PREINSTALL_DISABLED=true",
        "GF_ANALYTICS_REPORTING_ENABLED=false",
        "GF_ANALYTICS_CHECK_FOR_UPDATES=false",
        "GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES=false",
        `GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH=${opts.homeDashboardPath}`,
        `GF_SERVER_ROOT_URL=${opts.rootUrl}`,
        `GF_LOG_LEVEL=${logLevelFor("grafana", opts.logLevel)}`,
    ];
}

/**
 * The Grafana container's entrypoint. Grafana applies the admin password only when it creates its database, so on
 * a kept data volume the login in the stack outputs would go stale after `destroy` + `up`. When a database exists,
 * the password is reset from the secret file (over stdin, never argv) before the image's own entrypoint starts the
 * server; if the reset fails the container exits, so the failure shows instead of a silently wrong login.
 */
export function grafanaContainerCommand(opts: { adminPasswordFile: string }): { entrypoint: string[]; command: string[] } {
    const script = `${grafanaAdminPasswordSync(opts.adminPasswordFile)}\nexec /run.sh "$@"`;
    return { entrypoint: ["/bin/sh", "-c", script, "grafana-entrypoint"], command: [] };
}

/**
 * Shell lines that set the admin password of an existing Grafana database from a file (stdin, never argv), using the
 * image's own environment (GF_PATHS_*). Nothing happens on a fresh database: Grafana creates the admin from
 * GF_SECURITY_ADMIN_PASSWORD then. Shared by the Docker entrypoint and the Kubernetes init container.
 */
export function grafanaAdminPasswordSync(adminPasswordFile: string): string {
    return [
        "set -e",
        'if [ -f "$GF_PATHS_DATA/grafana.db" ]; then',
        `  grafana cli --homepath "$GF_PATHS_HOME" --config "$GF_PATHS_CONFIG" admin reset-admin-password --password-from-stdin < ${adminPasswordFile}`,
        "fi",
    ].join("\n");
}
