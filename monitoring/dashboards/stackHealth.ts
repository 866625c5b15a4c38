import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

import { JOBS } from "../jobs";
import { SEL } from "../rules";
import { baseDashboard, promQuery, row, statPanel, timeSeries } from "./common";

export const STACK_HEALTH_DASHBOARD_UID = "a4co-stack-health";

/** What Loki may keep: its volume budget from the tier and its retention period. */
export interface LokiStorageBudget {
    readonly volumeBytes: number;
    readonly retentionHours: number;
}

/**
 * Loki has no size-based retention, so the dashboard shows where its disk use is heading: the chunk bytes it stored
 * over the last day, times the days it keeps them, against the volume budget. An estimate (the index and
 * compaction add a little, a quiet day under-states it); when the projection nears the budget, shorten
 * `lokiRetention` or lower the log volume.
 */
export function lokiStorageProjection(budget: LokiStorageBudget): { projected: string; budget: string } {
    const retentionDays = budget.retentionHours / 24;
    return {
        // Loki creates the stored-bytes series at its first chunk flush (30 min to 2 h after start); until then the
        // bytes it received stand in, an upper bound (chunks are compressed).
        projected: `(sum(increase(loki_ingester_chunk_stored_bytes_total{${SEL.loki}}[1d])) or sum(increase(loki_distributor_bytes_received_total{${SEL.loki}}[1d]))) * ${retentionDays}`,
        budget: `vector(${budget.volumeBytes})`,
    };
}

/** The observability stack watching itself: targets, Prometheus, Loki, the log collector and Alertmanager. */
export function stackHealthDashboard(lokiBudget: LokiStorageBudget): dashboard.Dashboard {
    const lokiStorage = lokiStorageProjection(lokiBudget);
    const collectors = `job=~"${JOBS.promtail}|${JOBS.alloy}"`;
    return baseDashboard(STACK_HEALTH_DASHBOARD_UID, "A4CO Stack Health", ["stack"])
        .withRow(row("Targets"))
        .withPanel(statPanel("Targets down", "short", "count(up == 0) or vector(0)", 1, 1))
        .withPanel(statPanel("Firing alerts", "short", `count(ALERTS{alertstate="firing", alertname!="Watchdog"}) or vector(0)`, 1, 5))
        .withPanel(
            statPanel(
                "Rule evaluation failures (1h)",
                "short",
                `sum(increase(prometheus_rule_evaluation_failures_total{${SEL.prometheus}}[1h]))`,
                1,
                1,
            ),
        )
        .withPanel(
            statPanel("Failed notifications (1h)", "short", `sum(increase(alertmanager_notifications_failed_total{${SEL.alertmanager}}[1h]))`, 1, 1),
        )
        .withPanel(timeSeries("Scrape targets up", "short", [promQuery("sum by (job) (up)", "{{job}}")]))
        .withRow(row("Prometheus"))
        .withPanel(
            timeSeries("TSDB size against the retention bound", "bytes", [
                promQuery(
                    `prometheus_tsdb_storage_blocks_bytes{${SEL.prometheus}} + prometheus_tsdb_wal_storage_size_bytes{${SEL.prometheus}}`,
                    "blocks + WAL",
                    "A",
                ),
                promQuery(`prometheus_tsdb_retention_limit_bytes{${SEL.prometheus}}`, "retention.size", "B"),
            ]),
        )
        .withPanel(timeSeries("Head series", "short", [promQuery(`prometheus_tsdb_head_series{${SEL.prometheus}}`, "series")]))
        .withRow(row("Logs"))
        .withPanel(
            timeSeries("Loki ingestion rate", "Bps", [
                promQuery(`sum(rate(loki_distributor_bytes_received_total{${SEL.loki}}[$__rate_interval]))`, "bytes", "A"),
            ]),
        )
        .withPanel(
            timeSeries("Loki storage: projected at retention against its volume", "bytes", [
                promQuery(lokiStorage.projected, "stored in the last 24h × retention days (received, before the first flush)", "A"),
                promQuery(lokiStorage.budget, "Loki volume budget", "B"),
            ]),
        )
        .withPanel(
            timeSeries("Dropped and discarded log lines", "short", [
                promQuery(
                    // The series appears at Loki's first discard: 0 until then.
                    `sum by (reason) (increase(loki_discarded_samples_total{${SEL.loki}}[$__rate_interval])) or vector(0)`,
                    "Loki discarded {{reason}}",
                    "A",
                ),
                promQuery(
                    `sum by (job) (increase(promtail_dropped_entries_total{${collectors}}[$__rate_interval]))`,
                    "collector dropped ({{job}})",
                    "B",
                ),
            ]),
        )
        .withPanel(
            timeSeries("Loki request errors", "percentunit", [
                promQuery(
                    `sum by (route) (rate(loki_request_duration_seconds_count{${SEL.loki}, status_code=~"5.."}[$__rate_interval])) / sum by (route) (rate(loki_request_duration_seconds_count{${SEL.loki}}[$__rate_interval]))`,
                    "{{route}}",
                ),
            ]),
        )
        .withRow(row("Alertmanager"))
        .withPanel(
            timeSeries("Notifications", "ops", [
                promQuery(
                    `sum by (integration) (rate(alertmanager_notifications_total{${SEL.alertmanager}}[$__rate_interval]))`,
                    "sent {{integration}}",
                    "A",
                ),
                promQuery(
                    `sum by (integration) (rate(alertmanager_notifications_failed_total{${SEL.alertmanager}}[$__rate_interval]))`,
                    "failed {{integration}}",
                    "B",
                ),
            ]),
        )
        .build();
}
