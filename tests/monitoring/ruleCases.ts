/**
 * promtool unit tests for every alert: each alert fires on the series it is meant for (with its exact labels and
 * rendered annotations) and stays silent on healthy ones.
 */
export interface AlertCase {
    /** Input series in promtool notation. */
    readonly series: Record<string, string>;
    readonly evalTime: string;
    /** Expected alerts: labels besides alertname, and rendered summary/description. Empty = silent. */
    readonly expect: { labels: Record<string, string>; summary: string; description: string }[];
}

export interface AlertCases {
    readonly alert: string;
    readonly firing: AlertCase[];
    /** Healthy input on which the alert must not fire (Watchdog has none: it always fires). */
    readonly healthy: AlertCase[];
}

const EXP = 'job="nats-exporter", instance="nats-exporter:7777", server_id="S1"';
const SVC = 'job="a4co-services", instance="billing:8080", service="billing"';

export const ALERT_CASES: readonly AlertCases[] = [
    {
        alert: "Watchdog",
        firing: [
            {
                series: {},
                evalTime: "1m",
                expect: [
                    {
                        labels: { severity: "none" },
                        summary: "Alerting pipeline is working",
                        description: "Always firing. If it stops arriving in Alertmanager, Prometheus cannot evaluate rules or reach Alertmanager.",
                    },
                ],
            },
        ],
        healthy: [],
    },
    {
        alert: "TargetDown",
        firing: [
            {
                series: { 'up{job="loki", instance="loki:3100"}': "0x15" },
                evalTime: "10m",
                expect: [
                    {
                        labels: { severity: "warning", job: "loki", instance: "loki:3100" },
                        summary: "Scrape target loki (loki:3100) is down",
                        description: "Prometheus could not scrape loki:3100 of job loki for 5 minutes.",
                    },
                ],
            },
        ],
        healthy: [{ series: { 'up{job="loki", instance="loki:3100"}': "1x15" }, evalTime: "10m", expect: [] }],
    },
    {
        alert: "PrometheusRuleEvaluationFailures",
        firing: [
            {
                series: {
                    'prometheus_rule_evaluation_failures_total{job="prometheus", instance="localhost:9090", rule_group="alerts.yml;a4co-nats"}':
                        "0+1x20",
                },
                evalTime: "10m",
                expect: [
                    {
                        labels: { severity: "critical", job: "prometheus", instance: "localhost:9090", rule_group: "alerts.yml;a4co-nats" },
                        summary: "Prometheus fails to evaluate rules in alerts.yml;a4co-nats",
                        description: "5 rule evaluations failed in 5 minutes; alerts from that group may be missing.",
                    },
                ],
            },
        ],
        healthy: [
            {
                series: {
                    'prometheus_rule_evaluation_failures_total{job="prometheus", instance="localhost:9090", rule_group="alerts.yml;a4co-nats"}':
                        "3x20",
                },
                evalTime: "10m",
                expect: [],
            },
        ],
    },
    {
        alert: "AlertmanagerNotificationsFailing",
        firing: [
            {
                series: {
                    'alertmanager_notifications_failed_total{job="alertmanager", instance="alertmanager:9093", integration="webhook"}': "0+2x20",
                },
                evalTime: "10m",
                expect: [
                    {
                        labels: { severity: "critical", integration: "webhook" },
                        summary: "Alertmanager cannot deliver webhook notifications",
                        description: "Notifications through webhook fail; alerts are not reaching people.",
                    },
                ],
            },
        ],
        healthy: [
            {
                series: {
                    'alertmanager_notifications_failed_total{job="alertmanager", instance="alertmanager:9093", integration="webhook"}': "0x20",
                },
                evalTime: "10m",
                expect: [],
            },
        ],
    },
    {
        alert: "LokiRequestErrors",
        firing: [
            {
                series: {
                    'loki_request_duration_seconds_count{job="loki", route="loki_api_v1_push", status_code="500"}': "0+10x30",
                    'loki_request_duration_seconds_count{job="loki", route="loki_api_v1_push", status_code="204"}': "0+90x30",
                },
                evalTime: "20m",
                expect: [
                    {
                        labels: { severity: "warning", route: "loki_api_v1_push" },
                        summary: "Loki answers 10% of loki_api_v1_push requests with errors",
                        description: "More than 5% of Loki requests on loki_api_v1_push failed over 5 minutes; logs may be lost or unqueryable.",
                    },
                ],
            },
        ],
        healthy: [
            {
                series: {
                    'loki_request_duration_seconds_count{job="loki", route="loki_api_v1_push", status_code="500"}': "0x30",
                    'loki_request_duration_seconds_count{job="loki", route="loki_api_v1_push", status_code="204"}': "0+90x30",
                },
                evalTime: "20m",
                expect: [],
            },
        ],
    },
    {
        alert: "NatsServerDown",
        firing: [
            {
                // nats-server stopped: the exporter answers and reports varz gauges as 0, but drops healthz
                // (observed with the pinned exporter in tests/monitoring/exporterMetrics.programs.ts).
                series: {
                    'up{job="nats-exporter", instance="nats-exporter:7777"}': "1x10",
                    [`nats_varz_connections{${EXP}}`]: "0x10",
                },
                evalTime: "5m",
                expect: [
                    {
                        labels: { severity: "critical", job: "nats-exporter", instance: "nats-exporter:7777" },
                        summary: "NATS server is down or unhealthy",
                        description: "The exporter is up but NATS reports unhealthy or stopped answering; services cannot publish or consume events.",
                    },
                ],
            },
            {
                // nats-server answers but reports unhealthy (the exporter's healthz metric is 1 when not OK).
                series: {
                    'up{job="nats-exporter", instance="nats-exporter:7777"}': "1x10",
                    [`nats_varz_connections{${EXP}}`]: "3x10",
                    [`nats_healthz_status{${EXP}}`]: "1x10",
                },
                evalTime: "5m",
                expect: [
                    {
                        labels: { severity: "critical", job: "nats-exporter", instance: "nats-exporter:7777", server_id: "S1" },
                        summary: "NATS server is down or unhealthy",
                        description: "The exporter is up but NATS reports unhealthy or stopped answering; services cannot publish or consume events.",
                    },
                ],
            },
            {
                // One server of a three-server cluster stops; the other two stay healthy.
                series: {
                    'up{job="nats-exporter", instance="nats-0:7777"}': "1x10",
                    'up{job="nats-exporter", instance="nats-1:7777"}': "1x10",
                    'up{job="nats-exporter", instance="nats-2:7777"}': "1x10",
                    'nats_healthz_status{job="nats-exporter", instance="nats-0:7777", server_id="S0"}': "0x10",
                    'nats_healthz_status{job="nats-exporter", instance="nats-1:7777", server_id="S1"}': "0x10",
                },
                evalTime: "5m",
                expect: [
                    {
                        labels: { severity: "critical", job: "nats-exporter", instance: "nats-2:7777" },
                        summary: "NATS server is down or unhealthy",
                        description: "The exporter is up but NATS reports unhealthy or stopped answering; services cannot publish or consume events.",
                    },
                ],
            },
        ],
        healthy: [
            {
                series: {
                    'up{job="nats-exporter", instance="nats-exporter:7777"}': "1x10",
                    [`nats_varz_connections{${EXP}}`]: "3x10",
                    [`nats_healthz_status{${EXP}}`]: "0x10",
                },
                evalTime: "5m",
                expect: [],
            },
            // The exporter itself is down: NatsExporterDown fires instead.
            { series: { 'up{job="nats-exporter", instance="nats-exporter:7777"}': "0x10" }, evalTime: "5m", expect: [] },
        ],
    },
    {
        alert: "NatsExporterDown",
        firing: [
            {
                series: { 'up{job="nats-exporter", instance="nats-exporter:7777"}': "0x10" },
                evalTime: "3m",
                expect: [
                    {
                        labels: { severity: "critical", job: "nats-exporter", instance: "nats-exporter:7777" },
                        summary: "prometheus-nats-exporter is down",
                        description: "No NATS metrics are collected; NATS alerts cannot fire.",
                    },
                ],
            },
            {
                // The exporter of one server of three (prod: a sidecar per NATS pod).
                series: {
                    'up{job="nats-exporter", instance="nats-0:7777"}': "1x10",
                    'up{job="nats-exporter", instance="nats-1:7777"}': "0x10",
                    'up{job="nats-exporter", instance="nats-2:7777"}': "1x10",
                },
                evalTime: "3m",
                expect: [
                    {
                        labels: { severity: "critical", job: "nats-exporter", instance: "nats-1:7777" },
                        summary: "prometheus-nats-exporter is down",
                        description: "No NATS metrics are collected; NATS alerts cannot fire.",
                    },
                ],
            },
            {
                // Never scraped at all (e.g. the job is missing from the scrape config).
                series: { 'up{job="prometheus", instance="localhost:9090"}': "1x10" },
                evalTime: "3m",
                expect: [
                    {
                        labels: { severity: "critical", job: "nats-exporter" },
                        summary: "prometheus-nats-exporter is down",
                        description: "No NATS metrics are collected; NATS alerts cannot fire.",
                    },
                ],
            },
        ],
        healthy: [
            { series: { 'up{job="nats-exporter", instance="nats-exporter:7777"}': "1x10" }, evalTime: "8m", expect: [] },
            // A restart blip (one failed scrape) stays quiet.
            { series: { 'up{job="nats-exporter", instance="nats-exporter:7777"}': "1 1 1 0 1 1 1 1 1 1" }, evalTime: "6m", expect: [] },
        ],
    },
    {
        alert: "NatsHighConnections",
        firing: [
            {
                series: { [`nats_varz_connections{${EXP}}`]: "90x20", [`nats_varz_max_connections{${EXP}}`]: "100x20" },
                evalTime: "15m",
                expect: [
                    {
                        labels: { severity: "warning", job: "nats-exporter", instance: "nats-exporter:7777", server_id: "S1" },
                        summary: "NATS uses 90% of its connection limit",
                        description: "Client connections are above 80% of max_connections; new clients will be refused at the limit.",
                    },
                ],
            },
        ],
        healthy: [
            { series: { [`nats_varz_connections{${EXP}}`]: "10x20", [`nats_varz_max_connections{${EXP}}`]: "100x20" }, evalTime: "15m", expect: [] },
        ],
    },
    {
        alert: "NatsSlowConsumers",
        firing: [
            {
                series: { [`nats_varz_slow_consumers{${EXP}}`]: "0+1x20" },
                evalTime: "10m",
                expect: [
                    {
                        labels: { severity: "warning", job: "nats-exporter", instance: "nats-exporter:7777", server_id: "S1" },
                        summary: "NATS is dropping messages for slow consumers",
                        description: "5 slow-consumer events in 5 minutes: a subscriber does not keep up and loses messages.",
                    },
                ],
            },
        ],
        healthy: [{ series: { [`nats_varz_slow_consumers{${EXP}}`]: "3x20" }, evalTime: "10m", expect: [] }],
    },
    {
        alert: "JetStreamStorageNearLimit",
        firing: [
            {
                series: {
                    [`nats_varz_jetstream_stats_storage{${EXP}}`]: "90x20",
                    [`nats_varz_jetstream_config_max_storage{${EXP}}`]: "100x20",
                },
                evalTime: "15m",
                expect: [
                    {
                        labels: { severity: "warning", job: "nats-exporter", instance: "nats-exporter:7777", server_id: "S1" },
                        summary: "JetStream file storage is 90% full",
                        description: "Above 85% of max_file_store; at the limit, publishes to file-backed streams fail.",
                    },
                ],
            },
        ],
        healthy: [
            {
                series: {
                    [`nats_varz_jetstream_stats_storage{${EXP}}`]: "10x20",
                    [`nats_varz_jetstream_config_max_storage{${EXP}}`]: "100x20",
                },
                evalTime: "15m",
                expect: [],
            },
        ],
    },
    {
        alert: "JetStreamApiErrors",
        firing: [
            {
                series: { [`nats_varz_jetstream_stats_api_errors{${EXP}}`]: "0+30x30" },
                evalTime: "20m",
                expect: [
                    {
                        labels: { severity: "warning", job: "nats-exporter", instance: "nats-exporter:7777", server_id: "S1" },
                        summary: "JetStream API errors are rising",
                        description: "0.50 JetStream API errors per second: clients fail to create streams/consumers or to publish.",
                    },
                ],
            },
        ],
        healthy: [{ series: { [`nats_varz_jetstream_stats_api_errors{${EXP}}`]: "2x30" }, evalTime: "20m", expect: [] }],
    },
    {
        alert: "EventProcessingLatencyHigh",
        firing: [
            {
                // Every observation between 0.5 s and 1 s: p95 interpolates to 0.975 s.
                series: {
                    [`event_processing_duration_seconds_bucket{${SVC}, event_type="OrderCreated", consumer="billing", le="0.5"}`]: "0x30",
                    [`event_processing_duration_seconds_bucket{${SVC}, event_type="OrderCreated", consumer="billing", le="1"}`]: "0+10x30",
                    [`event_processing_duration_seconds_bucket{${SVC}, event_type="OrderCreated", consumer="billing", le="+Inf"}`]: "0+10x30",
                },
                evalTime: "20m",
                expect: [
                    {
                        labels: { severity: "warning", event_type: "OrderCreated" },
                        summary: "p95 processing time of OrderCreated events is 975ms",
                        description: "Event handlers for OrderCreated take more than 500 ms at the 95th percentile.",
                    },
                ],
            },
        ],
        healthy: [
            {
                series: {
                    [`event_processing_duration_seconds_bucket{${SVC}, event_type="OrderCreated", consumer="billing", le="0.1"}`]: "0+10x30",
                    [`event_processing_duration_seconds_bucket{${SVC}, event_type="OrderCreated", consumer="billing", le="0.5"}`]: "0+10x30",
                    [`event_processing_duration_seconds_bucket{${SVC}, event_type="OrderCreated", consumer="billing", le="+Inf"}`]: "0+10x30",
                },
                evalTime: "20m",
                expect: [],
            },
        ],
    },
    {
        alert: "EventProcessingErrorRatioHigh",
        firing: [
            {
                series: {
                    [`event_processing_errors_total{${SVC}, event_type="OrderCreated", consumer="billing"}`]: "0+10x30",
                    [`event_consumed_total{${SVC}, event_type="OrderCreated", consumer="billing"}`]: "0+100x30",
                },
                evalTime: "20m",
                expect: [
                    {
                        labels: { severity: "critical", service: "billing", event_type: "OrderCreated" },
                        summary: "billing fails 10% of OrderCreated events",
                        description: "More than 5% of consumed events fail in their handler.",
                    },
                ],
            },
        ],
        healthy: [
            {
                series: {
                    [`event_processing_errors_total{${SVC}, event_type="OrderCreated", consumer="billing"}`]: "0x30",
                    [`event_consumed_total{${SVC}, event_type="OrderCreated", consumer="billing"}`]: "0+100x30",
                },
                evalTime: "20m",
                expect: [],
            },
        ],
    },
    {
        alert: "EventConsumptionLagging",
        firing: [
            {
                series: {
                    'event_published_total{job="a4co-services", instance="orders:8080", service="orders", event_type="OrderCreated"}': "0+100x40",
                    [`event_consumed_total{${SVC}, event_type="OrderCreated", consumer="billing"}`]: "0+50x40",
                },
                evalTime: "30m",
                expect: [
                    {
                        labels: { severity: "warning", event_type: "OrderCreated" },
                        summary: "OrderCreated events are consumed slower than they are published",
                        description: "Consumers process less than 90% of the publication rate for 15 minutes; a backlog is building.",
                    },
                ],
            },
        ],
        healthy: [
            {
                series: {
                    'event_published_total{job="a4co-services", instance="orders:8080", service="orders", event_type="OrderCreated"}': "0+100x40",
                    [`event_consumed_total{${SVC}, event_type="OrderCreated", consumer="billing"}`]: "0+100x40",
                },
                evalTime: "30m",
                expect: [],
            },
        ],
    },
    {
        alert: "HttpErrorRatioHigh",
        firing: [
            {
                series: {
                    [`http_requests_total{${SVC}, method="GET", path="/orders", status="500"}`]: "0+10x30",
                    [`http_requests_total{${SVC}, method="GET", path="/orders", status="200"}`]: "0+90x30",
                },
                evalTime: "20m",
                expect: [
                    {
                        labels: { severity: "warning", service: "billing" },
                        summary: "billing answers 10% of HTTP requests with 5xx",
                        description: "More than 5% of requests to billing fail with a server error.",
                    },
                ],
            },
        ],
        healthy: [
            {
                series: {
                    [`http_requests_total{${SVC}, method="GET", path="/orders", status="500"}`]: "0x30",
                    [`http_requests_total{${SVC}, method="GET", path="/orders", status="200"}`]: "0+90x30",
                },
                evalTime: "20m",
                expect: [],
            },
        ],
    },
];
