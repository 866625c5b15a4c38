/**
 * The Loki label contract. The log collector (Promtail or Alloy on Docker, loki-stack's Promtail on Kubernetes)
 * attaches these labels; dashboards and LogQL queries rely on them meaning the same thing on both platforms.
 */
export const LOG_LABELS = {
    /** Compose-style service name: the container's network alias on Docker, the `app` label on Kubernetes. */
    service: "service",
    /** Container name. */
    container: "container",
    /** `stdout` or `stderr`. */
    stream: "stream",
    /** From the JSON log line's `level` field (`debug`, `info`, `warn`, `error`). */
    level: "level",
    /** From the JSON log line's `component` field, e.g. `event-handler`. */
    component: "component",
} as const;

/**
 * JSON fields parsed out of application log lines and promoted to labels. Application logs are JSON with at least
 * `level` and `msg`; `service` and `component` are optional. A line's `service` field overrides the discovered one.
 */
export const JSON_LOG_FIELDS = ["level", "service", "component"] as const;
