import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

import { LOG_LABELS } from "../logLabels";
import { SEL } from "../rules";
import { baseDashboard, labelVariable, logsPanel, promQuery, row, statPanel, timeSeries } from "./common";

/**
 * `service` log-label values of the observability stack's own containers: "All" in the application log panel means
 * the platform's services, not Prometheus, Loki (which would log every refresh of the panel back into it) and friends.
 */
export const STACK_LOG_SERVICES = ["prometheus", "alertmanager", "loki", "promtail", "alloy", "grafana", "nats", "nats-exporter"] as const;

export const MAIN_DASHBOARD_UID = "a4co-main";

const S = `${SEL.services}, service=~"$service"`;

/** The design's main dashboard: HTTP traffic, latency and errors of the platform's services, and their logs. */
export function mainDashboard(): dashboard.Dashboard {
    return baseDashboard(MAIN_DASHBOARD_UID, "A4CO Microservices", ["services", "http"])
        .withVariable(labelVariable("service", "Service", `label_values(up{${SEL.services}}, service)`))
        .withRow(row("Overview"))
        .withPanel(statPanel("Request rate", "reqps", `sum(rate(http_requests_total{${S}}[$__rate_interval]))`, 1e9, 1e9))
        .withPanel(
            statPanel(
                "Error ratio (5xx)",
                "percentunit",
                `sum(rate(http_requests_total{${S}, status=~"5.."}[$__rate_interval])) / sum(rate(http_requests_total{${S}}[$__rate_interval]))`,
                0.01,
                0.05,
            ),
        )
        .withPanel(statPanel("p95 latency", "s", `max(service:http_request_duration_seconds:p95{service=~"$service"})`, 0.25, 0.5))
        .withPanel(statPanel("Services up", "short", `sum(up{${S}})`, 1e9, 1e9, "Scrape targets of job a4co-services that answer."))
        .withRow(row("HTTP"))
        .withPanel(
            timeSeries("Request latency", "s", [
                promQuery(`service:http_request_duration_seconds:p50{service=~"$service"}`, "p50 {{service}}", "A"),
                promQuery(`service:http_request_duration_seconds:p95{service=~"$service"}`, "p95 {{service}}", "B"),
                promQuery(`service:http_request_duration_seconds:p99{service=~"$service"}`, "p99 {{service}}", "C"),
            ]),
        )
        .withPanel(
            timeSeries("Requests by method, path and status", "reqps", [
                promQuery(
                    `sum by (service, method, path, status) (rate(http_requests_total{${S}}[$__rate_interval]))`,
                    "{{service}} {{method}} {{path}} {{status}}",
                ),
            ]),
        )
        .withPanel(
            timeSeries("Error ratio by service", "percentunit", [
                promQuery(
                    `sum by (service) (rate(http_requests_total{${S}, status=~"5.."}[$__rate_interval])) / sum by (service) (rate(http_requests_total{${S}}[$__rate_interval]))`,
                    "{{service}}",
                ),
            ]),
        )
        .withRow(row("Logs"))
        .withPanel(
            logsPanel(
                "Application logs",
                `{${LOG_LABELS.service}=~"$service", ${LOG_LABELS.service}!~"${STACK_LOG_SERVICES.join("|")}"} |= ""`,
                "Logs of the selected services, newest first (the observability stack's own logs are on Explore).",
            ),
        )
        .build();
}
