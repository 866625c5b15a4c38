import { stringify } from "yaml";

import { JSON_LOG_FIELDS, LOG_LABELS } from "../monitoring/logLabels";
import type { LogLevel } from "../config/types";
import { logLevelFor } from "./logLevels";

export interface LogCollectorOptions {
    /** Loki's push endpoint, e.g. `http://loki:3100/loki/api/v1/push`. */
    readonly lokiPushUrl: string;
    readonly logLevel: LogLevel;
    /** Docker label holding the compose-style service name (set on every stack container). */
    readonly serviceLabel?: string;
}

/** The Docker label the stack puts on its containers; user containers may carry it too. */
export const DEFAULT_SERVICE_LABEL = "a4co.service";
/** Docker SD meta label name of a container label (Prometheus SD sanitises `.` and `-` to `_`). */
export const dockerLabelMeta = (label: string): string => `__meta_docker_container_label_${label.replace(/[^A-Za-z0-9_]/g, "_")}`;

export const PROMTAIL_HTTP_PORT = 9080;
export const PROMTAIL_POSITIONS_FILE = "/var/lib/promtail/positions.yaml";

/**
 * Relabelling shared by Promtail and Alloy: `container` without Docker's leading slash, `stream`, and a compose-style
 * `service` from the compose label when present, else the stack's own label.
 */
export const DOCKER_RELABEL_RULES = (serviceLabel: string) => [
    { source_labels: ["__meta_docker_container_name"], regex: "/(.*)", target_label: LOG_LABELS.container },
    { source_labels: ["__meta_docker_container_log_stream"], target_label: LOG_LABELS.stream },
    { source_labels: [dockerLabelMeta(serviceLabel)], regex: "(.+)", target_label: LOG_LABELS.service },
    // Compose projects label their containers; that name wins when present.
    { source_labels: [dockerLabelMeta("com.docker.compose.service")], regex: "(.+)", target_label: LOG_LABELS.service },
];

/**
 * Renders a Promtail 3.6 config: Docker service discovery on the socket, the relabelling above, and a pipeline that
 * parses JSON log lines and promotes `level`, `service` and `component` to labels (non-JSON lines pass unchanged).
 */
export function renderPromtailConfig(opts: LogCollectorOptions): string {
    const serviceLabel = opts.serviceLabel ?? DEFAULT_SERVICE_LABEL;
    return stringify({
        server: { http_listen_port: PROMTAIL_HTTP_PORT, grpc_listen_port: 0, log_level: logLevelFor("promtail", opts.logLevel) },
        positions: { filename: PROMTAIL_POSITIONS_FILE },
        clients: [{ url: opts.lokiPushUrl }],
        scrape_configs: [
            {
                job_name: "docker",
                docker_sd_configs: [{ host: "unix:///var/run/docker.sock", refresh_interval: "5s" }],
                relabel_configs: DOCKER_RELABEL_RULES(serviceLabel),
                pipeline_stages: promtailJsonPipeline(),
            },
        ],
    });
}

/**
 * The JSON parsing stages: extract the fields, then promote them to labels. Shared with the Kubernetes stack's
 * Promtail, after its `cri` stage, so the labels mean the same on both platforms.
 */
export function promtailJsonPipeline(): Record<string, unknown>[] {
    return [
        { json: { expressions: Object.fromEntries(JSON_LOG_FIELDS.map((f) => [f, f])) } },
        { labels: Object.fromEntries(JSON_LOG_FIELDS.map((f) => [LOG_LABELS[f], f])) },
    ];
}
