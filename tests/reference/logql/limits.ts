/**
 * Loki's per-request limits on a query_range request (what Grafana sends for a dashboard panel): the line limit,
 * the length of the time range, and the points per series. Taken from our rendered Loki config where it sets them,
 * else Loki's defaults.
 */
import { parse } from "yaml";

import { parsePrometheusDuration } from "../../../config/duration";
import type { LogqlProblem } from "./problem";

export interface LokiQueryLimits {
    /** `limits_config.max_entries_limit_per_query`; 0 disables. */
    readonly maxEntriesLimitPerQuery: number;
    /** `limits_config.max_query_length` in milliseconds; 0 disables. */
    readonly maxQueryLengthMs: number;
    /** Fixed in Loki, not configurable. */
    readonly maxPointsPerSeries: number;
    /** Where each value came from: our config or Loki's default. */
    readonly source: { readonly maxEntriesLimitPerQuery: "config" | "default"; readonly maxQueryLength: "config" | "default" };
}

/**
 * Loki v3.7.6's defaults (grafana/loki@v3.7.6 pkg/validation/limits.go RegisterFlags: `validation.max-entries-limit`
 * 5000, `store.max-query-length` 721h) and its fixed resolution bound (pkg/loghttp/query.go ParseRangeQuery and
 * pkg/querier/queryrange/queryrangebase/query_range.go: more than 11,000 points per series is refused).
 */
export const LOKI_DEFAULT_LIMITS = { maxEntriesLimitPerQuery: 5000, maxQueryLength: "721h", maxPointsPerSeries: 11_000 } as const;

/** The limits a Loki running `renderedConfig` (YAML) applies. Loki parses these durations as Prometheus durations. */
export function lokiQueryLimits(renderedConfig: string): LokiQueryLimits {
    const limits: Record<string, unknown> = (parse(renderedConfig) as { limits_config?: Record<string, unknown> } | null)?.limits_config ?? {};
    const entries = limits.max_entries_limit_per_query;
    const length = limits.max_query_length;
    if (entries !== undefined && (typeof entries !== "number" || !Number.isInteger(entries)))
        throw new Error(`max_entries_limit_per_query ${String(entries)} is not an integer`);
    const lengthMs = parsePrometheusDuration(typeof length === "string" ? length : LOKI_DEFAULT_LIMITS.maxQueryLength);
    if (lengthMs === undefined) throw new Error(`max_query_length ${String(length)} is not a duration`);
    return {
        maxEntriesLimitPerQuery: entries ?? LOKI_DEFAULT_LIMITS.maxEntriesLimitPerQuery,
        maxQueryLengthMs: lengthMs,
        maxPointsPerSeries: LOKI_DEFAULT_LIMITS.maxPointsPerSeries,
        source: {
            maxEntriesLimitPerQuery: entries === undefined ? "default" : "config",
            maxQueryLength: length === undefined ? "default" : "config",
        },
    };
}

/** A query_range request as Loki receives it. */
export interface LokiRangeRequest {
    /** end - start. */
    readonly rangeMs: number;
    /** The `limit` parameter: the most log lines to return. */
    readonly lineLimit: number;
    readonly stepMs: number;
}

const hours = (ms: number) => `${Math.round((ms / 3_600_000) * 100) / 100}h`;

/**
 * The request-level checks, in our words:
 * - the line limit applies to log queries only (grafana/loki@v3.7.6 pkg/querier/http.go validateMaxEntriesLimits
 *   skips metric queries; pkg/querier/queryrange/limits.go validateMaxEntriesLimits in the frontend);
 * - end - start within max_query_length (pkg/querier/queryrange/limits.go limitsMiddleware.Do);
 * - (end - start) / step, in whole steps, at most 11,000 (pkg/loghttp/query.go ParseRangeQuery).
 */
export function checkRangeRequest(request: LokiRangeRequest, metricQuery: boolean, limits: LokiQueryLimits): LogqlProblem[] {
    const problems: LogqlProblem[] = [];
    const say = (rule: LogqlProblem["rule"], message: string) => problems.push({ rule, message, at: "request" });
    const maxEntries = limits.maxEntriesLimitPerQuery;
    if (!metricQuery && maxEntries > 0 && request.lineLimit > maxEntries)
        say(
            "max-entries",
            `line limit ${request.lineLimit} is over max_entries_limit_per_query ${maxEntries} (${limits.source.maxEntriesLimitPerQuery})`,
        );
    if (limits.maxQueryLengthMs > 0 && request.rangeMs > limits.maxQueryLengthMs)
        say(
            "max-query-length",
            `time range ${hours(request.rangeMs)} is over max_query_length ${hours(limits.maxQueryLengthMs)} (${limits.source.maxQueryLength})`,
        );
    if (request.stepMs <= 0) say("max-points", `step ${request.stepMs} ms is not positive`);
    else if (Math.floor(request.rangeMs / request.stepMs) > limits.maxPointsPerSeries)
        say(
            "max-points",
            `${Math.floor(request.rangeMs / request.stepMs)} points per series (range ${hours(request.rangeMs)} / step ${request.stepMs / 1000} s) is over ${limits.maxPointsPerSeries}`,
        );
    return problems;
}
