/**
 * How each service of the stack takes the stack's `logLevel`, on each platform, and the service's own word for it.
 * One table, read by the renderers (render/*), the Docker container plan and the Kubernetes values builders, so a
 * service cannot be left out on one platform unnoticed (tests/render/logLevels.test.ts renders every row).
 *
 * Sources (read at the pinned versions):
 * - Prometheus, Alertmanager: `--log.level` (prometheus/common promslog flag: debug, info, warn, error); on Kubernetes
 *   the operator passes `prometheusSpec.logLevel` / `alertmanagerSpec.logLevel` (kube-prometheus-stack 88.5.3
 *   templates/prometheus/prometheus.yaml, templates/alertmanager/alertmanager.yaml), and `prometheusOperator.logLevel`
 *   becomes the operator's `--log-level` (templates/prometheus-operator/deployment.yaml).
 * - Grafana: `GF_LOG_LEVEL`, the environment form of `grafana.ini` `[log] level` (debug, info, warn, error, critical).
 * - Loki, Promtail: `server.log_level`; the loki-stack chart's Promtail takes `promtail.config.logLevel`.
 * - Alloy: the `logging { level }` block (debug, info, warn, error).
 * - nats-server: only `debug` and `trace` switch on more output; it has no quieter level than its default, so warn and
 *   error log as info does.
 * - prometheus-nats-exporter v0.20.1 (`-h` of the pinned build): `-D` debug, `-V` trace, `-DV` both, and nothing
 *   quieter than its default; so debug adds `-D` and the others add nothing.
 */
import type { LogLevel } from "../config/types";

/** The standard four words, which most of the services take as they are. */
const same = (level: LogLevel): string => level;

export const LOG_LEVELS_BY_SERVICE = {
    prometheus: {
        takes: { docker: "flag --log.level", kubernetes: "kube-prometheus-stack prometheus.prometheusSpec.logLevel" },
        word: same,
    },
    alertmanager: {
        takes: { docker: "flag --log.level", kubernetes: "kube-prometheus-stack alertmanager.alertmanagerSpec.logLevel" },
        word: same,
    },
    prometheusOperator: {
        takes: { kubernetes: "kube-prometheus-stack prometheusOperator.logLevel (flag --log-level)" },
        word: same,
    },
    grafana: {
        takes: { docker: "env GF_LOG_LEVEL", kubernetes: "kube-prometheus-stack grafana.grafana.ini log.level" },
        word: same,
    },
    loki: {
        takes: { docker: "loki.yaml server.log_level", kubernetes: "loki-2.9 config Secret server.log_level" },
        word: same,
    },
    promtail: {
        takes: { docker: "config.yml server.log_level", kubernetes: "loki-stack promtail.config.logLevel" },
        word: same,
    },
    alloy: {
        takes: { docker: "config.alloy logging { level }" },
        word: same,
    },
    nats: {
        takes: { docker: "nats.conf debug", kubernetes: "nats chart config.merge debug (nats.conf)" },
        /** nats.conf `debug`; `trace` (every protocol message) is never switched on by the stack. */
        word: (level: LogLevel): { debug: boolean } => ({ debug: level === "debug" }),
    },
    natsExporter: {
        takes: { docker: "flag -D", kubernetes: "nats chart promExporter args (flag -D)" },
        word: (level: LogLevel): readonly string[] => (level === "debug" ? ["-D"] : []),
    },
} as const;

export type LoggingService = keyof typeof LOG_LEVELS_BY_SERVICE;

/** The service's own setting for the stack's log level. */
export function logLevelFor<S extends LoggingService>(service: S, level: LogLevel): ReturnType<(typeof LOG_LEVELS_BY_SERVICE)[S]["word"]> {
    return LOG_LEVELS_BY_SERVICE[service].word(level) as ReturnType<(typeof LOG_LEVELS_BY_SERVICE)[S]["word"]>;
}
