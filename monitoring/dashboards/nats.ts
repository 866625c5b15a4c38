import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

import { SEL } from "../rules";
import { baseDashboard, labelVariable, promQuery, row, statPanel, timeSeries } from "./common";

export const NATS_DASHBOARD_UID = "a4co-nats";

/**
 * varz series carry only `server_id`, which changes on every restart under `-use_internal_server_id`; the
 * `nats_server:info` recording rule maps it to the stable `server_name`, and every varz query joins on it.
 */
const withServerName = (expr: string) => `${expr} * on (server_id) group_left (server_name) nats_server:info{server_name=~"$server"}`;
/** A varz gauge, joined to its server's name. */
const byName = (metric: string) => withServerName(`${metric}{${SEL.nats}}`);
/** The per-second rate of a varz counter, joined to its server's name. */
const rateByName = (metric: string) => withServerName(`rate(${metric}{${SEL.nats}}[$__rate_interval])`);
const JS = `${SEL.nats}, server_name=~"$server"`;

/** The design's NATS dashboard, on the names prometheus-nats-exporter really emits with `-prefix=nats`. */
export function natsDashboard(): dashboard.Dashboard {
    return baseDashboard(NATS_DASHBOARD_UID, "A4CO NATS & JetStream", ["nats", "jetstream"])
        .withVariable(labelVariable("server", "Server", "label_values(nats_server:info, server_name)"))
        .withRow(row("Server"))
        .withPanel(
            statPanel(
                "Health",
                "short",
                // The exporter drops the series when NATS is unreachable: no series reads as 1 (unhealthy).
                `max(nats_healthz_status{${SEL.nats}}) or vector(1)`,
                1,
                1,
                "0 = healthy, 1 = unhealthy or unreachable (the exporter's healthz metric is inverted).",
            ),
        )
        .withPanel(statPanel("Connections", "short", `sum by (server_name) (${byName("nats_varz_connections")})`, 1e9, 1e9))
        .withPanel(statPanel("Slow consumers", "short", `sum(${byName("nats_varz_slow_consumers")})`, 1, 10))
        .withPanel(statPanel("Streams", "short", `sum(nats_server_total_streams{${JS}})`, 1e9, 1e9))
        .withPanel(
            timeSeries("Connections", "short", [
                promQuery(`sum by (server_name) (${byName("nats_varz_connections")})`, "{{server_name}} current", "A"),
                promQuery(`sum by (server_name) (${byName("nats_varz_max_connections")})`, "{{server_name}} limit", "B"),
            ]),
        )
        .withPanel(
            timeSeries("Messages in / out", "ops", [
                promQuery(`sum by (server_name) (${rateByName("nats_varz_in_msgs")})`, "{{server_name}} in", "A"),
                promQuery(`sum by (server_name) (${rateByName("nats_varz_out_msgs")})`, "{{server_name}} out", "B"),
            ]),
        )
        .withPanel(
            timeSeries("Bytes in / out", "Bps", [
                promQuery(`sum by (server_name) (${rateByName("nats_varz_in_bytes")})`, "{{server_name}} in", "A"),
                promQuery(`sum by (server_name) (${rateByName("nats_varz_out_bytes")})`, "{{server_name}} out", "B"),
            ]),
        )
        .withPanel(timeSeries("Memory", "bytes", [promQuery(`sum by (server_name) (${byName("nats_varz_mem")})`, "{{server_name}}")]))
        .withPanel(timeSeries("CPU", "percent", [promQuery(`sum by (server_name) (${byName("nats_varz_cpu")})`, "{{server_name}}")]))
        .withRow(row("JetStream"))
        .withPanel(
            timeSeries("Storage used vs limit", "bytes", [
                promQuery(`sum by (server_name) (${byName("nats_varz_jetstream_stats_storage")})`, "{{server_name}} file used", "A"),
                promQuery(`sum by (server_name) (${byName("nats_varz_jetstream_config_max_storage")})`, "{{server_name}} file limit", "B"),
                promQuery(`sum by (server_name) (${byName("nats_varz_jetstream_stats_memory")})`, "{{server_name}} memory used", "C"),
                promQuery(`sum by (server_name) (${byName("nats_varz_jetstream_config_max_memory")})`, "{{server_name}} memory limit", "D"),
            ]),
        )
        .withPanel(
            timeSeries("Streams and consumers", "short", [
                promQuery(`sum by (server_name) (nats_server_total_streams{${JS}})`, "{{server_name}} streams", "A"),
                promQuery(`sum by (server_name) (nats_server_total_consumers{${JS}})`, "{{server_name}} consumers", "B"),
            ]),
        )
        .withPanel(
            timeSeries("Stored messages by stream", "short", [
                promQuery(`sum by (stream_name) (nats_stream_total_messages{${JS}})`, "{{stream_name}}"),
            ]),
        )
        .withPanel(
            timeSeries("Consumer backlog (pending)", "short", [
                promQuery(`sum by (stream_name, consumer_name) (nats_consumer_num_pending{${JS}})`, "{{stream_name}}/{{consumer_name}}"),
            ]),
        )
        .withPanel(
            timeSeries("JetStream API errors", "ops", [
                promQuery(`sum by (server_name) (${rateByName("nats_varz_jetstream_stats_api_errors")})`, "{{server_name}}"),
            ]),
        )
        .build();
}
