/**
 * The metric contract of the platform's services: what each microservice exposes on /metrics (with prom-client).
 * Dashboards and rules are written against it; the `service` label is added by the scrape config (job
 * `a4co-services`), not by the service, so a service cannot mislabel itself.
 */
export interface InstrumentedMetric {
    readonly name: string;
    readonly type: "counter" | "histogram";
    readonly help: string;
    readonly labels: readonly string[];
    /** Histogram bucket upper bounds, in seconds. */
    readonly buckets?: readonly number[];
}

/** Latency buckets from 5 ms to 10 s: a p95 alert at 500 ms falls between two buckets. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export const SERVICE_METRICS: readonly InstrumentedMetric[] = [
    { name: "http_requests_total", type: "counter", help: "HTTP requests handled.", labels: ["method", "path", "status"] },
    {
        name: "http_request_duration_seconds",
        type: "histogram",
        help: "HTTP request latency.",
        labels: ["method", "path", "status"],
        buckets: LATENCY_BUCKETS,
    },
    { name: "event_published_total", type: "counter", help: "Domain events published to NATS.", labels: ["event_type"] },
    { name: "event_consumed_total", type: "counter", help: "Domain events consumed from NATS.", labels: ["event_type", "consumer"] },
    {
        name: "event_processing_errors_total",
        type: "counter",
        help: "Domain events whose handler failed.",
        labels: ["event_type", "consumer"],
    },
    {
        name: "event_processing_duration_seconds",
        type: "histogram",
        help: "Time an event handler took.",
        labels: ["event_type", "consumer"],
        buckets: LATENCY_BUCKETS,
    },
];

/** Series names a metric exposes (a histogram has _bucket, _sum and _count). */
export function seriesNames(metric: InstrumentedMetric): string[] {
    return metric.type === "histogram" ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`] : [metric.name];
}
