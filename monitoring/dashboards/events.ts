import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

import { LOG_LABELS } from "../logLabels";
import { SEL } from "../rules";
import { baseDashboard, labelVariable, logsPanel, promQuery, row, statPanel, timeSeries } from "./common";

export const EVENTS_DASHBOARD_UID = "a4co-events";

const S = `${SEL.services}, service=~"$service", event_type=~"$event_type"`;

/** The design's events dashboard: publication, consumption, errors and processing latency of domain events. */
export function eventsDashboard(): dashboard.Dashboard {
    return baseDashboard(EVENTS_DASHBOARD_UID, "A4CO Domain Events", ["events", "nats"])
        .withVariable(labelVariable("service", "Service", `label_values(event_published_total{${SEL.services}}, service)`))
        .withVariable(labelVariable("event_type", "Event type", `label_values(event_published_total{${SEL.services}}, event_type)`))
        .withRow(row("Overview"))
        .withPanel(statPanel("Published / s", "ops", `sum(event:rate:5m{service=~"$service", event_type=~"$event_type"})`, 1e9, 1e9))
        .withPanel(statPanel("Consumed / s", "ops", `sum(event:consumed_rate:5m{service=~"$service", event_type=~"$event_type"})`, 1e9, 1e9))
        .withPanel(
            statPanel(
                "Processing error ratio",
                "percentunit",
                `sum(event:errors_rate:5m{service=~"$service", event_type=~"$event_type"}) / sum(event:consumed_rate:5m{service=~"$service", event_type=~"$event_type"})`,
                0.01,
                0.05,
            ),
        )
        .withPanel(statPanel("p95 processing time", "s", `max(event:processing_latency:p95{event_type=~"$event_type"})`, 0.25, 0.5))
        .withRow(row("Flow"))
        .withPanel(
            timeSeries("Publish rate by event type", "ops", [
                promQuery(`sum by (event_type) (rate(event_published_total{${S}}[$__rate_interval]))`, "{{event_type}}"),
            ]),
        )
        .withPanel(
            timeSeries("Consumption rate by consumer", "ops", [
                promQuery(`sum by (consumer, event_type) (rate(event_consumed_total{${S}}[$__rate_interval]))`, "{{consumer}} {{event_type}}"),
            ]),
        )
        .withPanel(
            timeSeries("Processing errors", "ops", [
                promQuery(
                    `sum by (consumer, event_type) (rate(event_processing_errors_total{${S}}[$__rate_interval]))`,
                    "{{consumer}} {{event_type}}",
                ),
            ]),
        )
        .withPanel(
            timeSeries("Processing latency", "s", [
                promQuery(`event:processing_latency:p95{event_type=~"$event_type"}`, "p95 {{event_type}}", "A"),
                promQuery(`event:processing_latency:p99{event_type=~"$event_type"}`, "p99 {{event_type}}", "B"),
            ]),
        )
        .withRow(row("Logs"))
        .withPanel(
            logsPanel(
                "Event handler errors",
                `{${LOG_LABELS.level}="error", ${LOG_LABELS.component}="event-handler", ${LOG_LABELS.service}=~"$service"}`,
                "Error lines from event handlers: JSON logs with level=error and component=event-handler.",
            ),
        )
        .build();
}
