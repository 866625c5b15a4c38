import { stringify } from "yaml";

import { JOBS } from "./jobs";

export type Severity = "critical" | "warning" | "info" | "none";

export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly labels: { readonly severity: Severity };
    readonly annotations: { readonly summary: string; readonly description: string; readonly runbook_url: string };
}

export interface RecordingRule {
    readonly record: string;
    readonly expr: string;
}

export interface RuleGroup<R> {
    readonly name: string;
    readonly rules: readonly R[];
}

/** Selectors of the job-label contract, so every rule reads the same everywhere. */
export const SEL = {
    services: `job="${JOBS.services}"`,
    nats: `job="${JOBS.natsExporter}"`,
    loki: `job="${JOBS.loki}"`,
    prometheus: `job="${JOBS.prometheus}"`,
    alertmanager: `job="${JOBS.alertmanager}"`,
} as const;

/** Recording rules: the design's two (fixed) and every quantile or ratio a dashboard would otherwise recompute. */
export const RECORDING_GROUPS: readonly RuleGroup<RecordingRule>[] = [
    {
        name: "a4co-events.recording",
        rules: [
            // The design's `event:rate:5m`: events published per second by type.
            { record: "event:rate:5m", expr: `sum by (service, event_type) (rate(event_published_total{${SEL.services}}[5m]))` },
            { record: "event:consumed_rate:5m", expr: `sum by (service, event_type, consumer) (rate(event_consumed_total{${SEL.services}}[5m]))` },
            {
                record: "event:errors_rate:5m",
                expr: `sum by (service, event_type, consumer) (rate(event_processing_errors_total{${SEL.services}}[5m]))`,
            },
            // The design's p95, fixed: a quantile of bucket rates with `le` kept, not of a raw counter.
            {
                record: "event:processing_latency:p95",
                expr: `histogram_quantile(0.95, sum by (le, event_type) (rate(event_processing_duration_seconds_bucket{${SEL.services}}[5m])))`,
            },
            {
                record: "event:processing_latency:p99",
                expr: `histogram_quantile(0.99, sum by (le, event_type) (rate(event_processing_duration_seconds_bucket{${SEL.services}}[5m])))`,
            },
        ],
    },
    {
        name: "a4co-http.recording",
        rules: [
            {
                record: "service:http_requests:rate5m",
                expr: `sum by (service, method, path, status) (rate(http_requests_total{${SEL.services}}[5m]))`,
            },
            ...([0.5, 0.95, 0.99] as const).map((q) => ({
                record: `service:http_request_duration_seconds:p${q * 100}`,
                expr: `histogram_quantile(${q}, sum by (le, service) (rate(http_request_duration_seconds_bucket{${SEL.services}}[5m])))`,
            })),
        ],
    },
    {
        name: "a4co-nats.recording",
        rules: [
            // varz series carry only `server_id`, which changes on every restart under -use_internal_server_id; the
            // JetStream series also carry `server_name`. This join table lets dashboards select servers by name.
            { record: "nats_server:info", expr: `group by (server_id, server_name) (nats_server_total_streams{${SEL.nats}})` },
        ],
    },
];

const minutes = (m: number) => `${m}m`;

/** The alert rules; every alert links to `<runbookBaseUrl>/<AlertName>.md`. */
export function alertGroups(runbookBaseUrl: string): RuleGroup<AlertRule>[] {
    const alert = (name: string, severity: Severity, forMinutes: number, expr: string, summary: string, description: string): AlertRule => ({
        alert: name,
        expr,
        for: minutes(forMinutes),
        labels: { severity },
        annotations: { summary, description, runbook_url: `${runbookBaseUrl}/${name}.md` },
    });

    return [
        {
            name: "a4co-meta",
            rules: [
                alert(
                    "Watchdog",
                    "none",
                    0,
                    "vector(1)",
                    "Alerting pipeline is working",
                    "Always firing. If it stops arriving in Alertmanager, Prometheus cannot evaluate rules or reach Alertmanager.",
                ),
                alert(
                    "TargetDown",
                    "warning",
                    5,
                    "up == 0",
                    "Scrape target {{ $labels.job }} ({{ $labels.instance }}) is down",
                    "Prometheus could not scrape {{ $labels.instance }} of job {{ $labels.job }} for 5 minutes.",
                ),
                alert(
                    "PrometheusRuleEvaluationFailures",
                    "critical",
                    5,
                    `increase(prometheus_rule_evaluation_failures_total{${SEL.prometheus}}[5m]) > 0`,
                    "Prometheus fails to evaluate rules in {{ $labels.rule_group }}",
                    "{{ $value | humanize }} rule evaluations failed in 5 minutes; alerts from that group may be missing.",
                ),
                alert(
                    "AlertmanagerNotificationsFailing",
                    "critical",
                    5,
                    `sum by (integration) (rate(alertmanager_notifications_failed_total{${SEL.alertmanager}}[5m])) > 0`,
                    "Alertmanager cannot deliver {{ $labels.integration }} notifications",
                    "Notifications through {{ $labels.integration }} fail; alerts are not reaching people.",
                ),
                alert(
                    "LokiRequestErrors",
                    "warning",
                    10,
                    `sum by (route) (rate(loki_request_duration_seconds_count{${SEL.loki}, status_code=~"5.."}[5m])) / sum by (route) (rate(loki_request_duration_seconds_count{${SEL.loki}}[5m])) > 0.05`,
                    "Loki answers {{ $value | humanizePercentage }} of {{ $labels.route }} requests with errors",
                    "More than 5% of Loki requests on {{ $labels.route }} failed over 5 minutes; logs may be lost or unqueryable.",
                ),
            ],
        },
        {
            name: "a4co-nats",
            rules: [
                alert(
                    "NatsServerDown",
                    "critical",
                    2,
                    // When nats-server dies the exporter keeps answering: it drops nats_healthz_status (and reports
                    // varz gauges as 0), so "healthz missing from a target that is up" means down; healthz 1 means
                    // unhealthy. Per target, so one server of a prod cluster going down is seen too.
                    `(nats_healthz_status{${SEL.nats}} > 0) or (up{${SEL.nats}} == 1 unless on (instance) nats_healthz_status{${SEL.nats}})`,
                    "NATS server is down or unhealthy",
                    "The exporter is up but NATS reports unhealthy or stopped answering; services cannot publish or consume events.",
                ),
                // No slower than NatsServerDown, which it blinds: when NATS and its exporter go together (the engine
                // restarts, or on Kubernetes the NATS pod, of which the exporter is a sidecar, is lost) this is the
                // only NATS alert that can fire. TargetDown still reports the same target, as a warning, after 5m.
                alert(
                    "NatsExporterDown",
                    "critical",
                    2,
                    // Per target (one exporter per NATS server in prod), or no target at all.
                    `(up{${SEL.nats}} == 0) or absent(up{${SEL.nats}})`,
                    "prometheus-nats-exporter is down",
                    "No NATS metrics are collected; NATS alerts cannot fire.",
                ),
                alert(
                    "NatsHighConnections",
                    "warning",
                    10,
                    `nats_varz_connections{${SEL.nats}} / nats_varz_max_connections{${SEL.nats}} > 0.8`,
                    "NATS uses {{ $value | humanizePercentage }} of its connection limit",
                    "Client connections are above 80% of max_connections; new clients will be refused at the limit.",
                ),
                alert(
                    "NatsSlowConsumers",
                    "warning",
                    5,
                    `increase(nats_varz_slow_consumers{${SEL.nats}}[5m]) > 0`,
                    "NATS is dropping messages for slow consumers",
                    "{{ $value | humanize }} slow-consumer events in 5 minutes: a subscriber does not keep up and loses messages.",
                ),
                alert(
                    "JetStreamStorageNearLimit",
                    "warning",
                    10,
                    `nats_varz_jetstream_stats_storage{${SEL.nats}} / nats_varz_jetstream_config_max_storage{${SEL.nats}} > 0.85`,
                    "JetStream file storage is {{ $value | humanizePercentage }} full",
                    "Above 85% of max_file_store; at the limit, publishes to file-backed streams fail.",
                ),
                alert(
                    "JetStreamApiErrors",
                    "warning",
                    10,
                    `rate(nats_varz_jetstream_stats_api_errors{${SEL.nats}}[5m]) > 0.1`,
                    "JetStream API errors are rising",
                    '{{ $value | printf "%.2f" }} JetStream API errors per second: clients fail to create streams/consumers or to publish.',
                ),
            ],
        },
        {
            name: "a4co-events",
            rules: [
                // The design's latency alert, fixed: p95 from bucket rates, per event type.
                alert(
                    "EventProcessingLatencyHigh",
                    "warning",
                    10,
                    `histogram_quantile(0.95, sum by (le, event_type) (rate(event_processing_duration_seconds_bucket{${SEL.services}}[5m]))) > 0.5`,
                    "p95 processing time of {{ $labels.event_type }} events is {{ $value | humanizeDuration }}",
                    "Event handlers for {{ $labels.event_type }} take more than 500 ms at the 95th percentile.",
                ),
                alert(
                    "EventProcessingErrorRatioHigh",
                    "critical",
                    10,
                    `sum by (service, event_type) (rate(event_processing_errors_total{${SEL.services}}[5m])) / sum by (service, event_type) (rate(event_consumed_total{${SEL.services}}[5m])) > 0.05`,
                    "{{ $labels.service }} fails {{ $value | humanizePercentage }} of {{ $labels.event_type }} events",
                    "More than 5% of consumed events fail in their handler.",
                ),
                alert(
                    "EventConsumptionLagging",
                    "warning",
                    15,
                    `sum by (event_type) (rate(event_consumed_total{${SEL.services}}[10m])) < 0.9 * sum by (event_type) (rate(event_published_total{${SEL.services}}[10m]))`,
                    "{{ $labels.event_type }} events are consumed slower than they are published",
                    "Consumers process less than 90% of the publication rate for 15 minutes; a backlog is building.",
                ),
                alert(
                    "HttpErrorRatioHigh",
                    "warning",
                    10,
                    `sum by (service) (rate(http_requests_total{${SEL.services}, status=~"5.."}[5m])) / sum by (service) (rate(http_requests_total{${SEL.services}}[5m])) > 0.05`,
                    "{{ $labels.service }} answers {{ $value | humanizePercentage }} of HTTP requests with 5xx",
                    "More than 5% of requests to {{ $labels.service }} fail with a server error.",
                ),
            ],
        },
    ];
}

/** A Prometheus rule file (also the `spec` of a PrometheusRule). */
export function renderRuleFile(groups: readonly RuleGroup<AlertRule | RecordingRule>[]): string {
    return stringify({ groups: groups.map((g) => ({ name: g.name, rules: g.rules.map((r) => ({ ...r })) })) });
}
