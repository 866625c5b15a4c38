/**
 * The service metrics of the contract (monitoring/instrumentation.ts), registered with prom-client. Names,
 * types, help, labels and buckets are read from the contract, never restated here.
 *
 * Counters on hot paths (a publish costs ~1-2 µs in nats.js, a labelled prom-client `inc` ~0.4 µs) are counted in
 * plain per-series cells and folded into prom-client in the counter's `collect()` callback, which prom-client calls
 * on every scrape: the exposition is the same, the per-event cost is one integer increment.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";

import { InstrumentedMetric, SERVICE_METRICS } from "../monitoring/instrumentation";

export type ServiceMetricName =
    | "http_requests_total"
    | "http_request_duration_seconds"
    | "event_published_total"
    | "event_consumed_total"
    | "event_processing_errors_total"
    | "event_processing_duration_seconds";

/** The contract entry for `name`; throws when the contract no longer defines it (the library must follow). */
export function contractMetric(name: ServiceMetricName, contract: readonly InstrumentedMetric[] = SERVICE_METRICS): InstrumentedMetric {
    const m = contract.find((c) => c.name === name);
    if (!m) throw new Error(`metric ${name} is not in monitoring/instrumentation.ts SERVICE_METRICS: update the library to the contract`);
    return m;
}

/** One series of a folded counter: increments accumulate in `pending` until the next scrape. */
export interface CounterCell {
    pending: number;
    readonly labels: Readonly<Record<string, string>>;
}

/** A contract counter whose hot-path increments are local and folded into prom-client at scrape time. */
export class FoldedCounter {
    readonly counter: Counter<string>;
    private readonly cells = new Map<string, CounterCell>();

    constructor(
        readonly metric: InstrumentedMetric,
        registry: Registry,
    ) {
        if (metric.type !== "counter") throw new Error(`${metric.name} is a ${metric.type} in the contract, not a counter`);
        const cells = this.cells;
        this.counter = new Counter({
            name: metric.name,
            help: metric.help,
            labelNames: [...metric.labels],
            registers: [registry],
            collect() {
                for (const cell of cells.values()) {
                    if (cell.pending > 0) {
                        this.inc(cell.labels, cell.pending);
                        cell.pending = 0;
                    }
                }
            },
        });
    }

    /**
     * The cell of one series; callers cache it and do `cell.pending++`. Label values must already have passed a
     * cardinality guard. The series is created at zero at once, so it is exposed before its first event.
     */
    cell(labelValues: readonly string[]): CounterCell {
        const key = labelValues.join("\u0000");
        let cell = this.cells.get(key);
        if (!cell) {
            if (labelValues.length !== this.metric.labels.length) {
                throw new Error(`${this.metric.name} takes labels [${this.metric.labels.join(", ")}], got ${labelValues.length} values`);
            }
            const labels: Record<string, string> = {};
            this.metric.labels.forEach((name, i) => (labels[name] = labelValues[i]));
            cell = { pending: 0, labels };
            this.cells.set(key, cell);
            this.counter.inc(labels, 0);
        }
        return cell;
    }
}

/** A contract histogram, with its children cached per label set. */
export class ContractHistogram {
    readonly histogram: Histogram<string>;
    private readonly children = new Map<string, { observe(v: number): void }>();

    constructor(
        readonly metric: InstrumentedMetric,
        registry: Registry,
    ) {
        if (metric.type !== "histogram" || !metric.buckets) throw new Error(`${metric.name} is not a histogram with buckets in the contract`);
        this.histogram = new Histogram({
            name: metric.name,
            help: metric.help,
            labelNames: [...metric.labels],
            buckets: [...metric.buckets],
            registers: [registry],
        });
    }

    /** The observer of one series (label values in the contract's label order). */
    child(labelValues: readonly string[]): { observe(v: number): void } {
        const key = labelValues.join("\u0000");
        let child = this.children.get(key);
        if (!child) {
            if (labelValues.length !== this.metric.labels.length) {
                throw new Error(`${this.metric.name} takes labels [${this.metric.labels.join(", ")}], got ${labelValues.length} values`);
            }
            child = this.histogram.labels(...labelValues);
            this.children.set(key, child);
        }
        return child;
    }
}

export interface ServiceMetrics {
    readonly registry: Registry;
    readonly httpRequests: Counter<string>;
    readonly httpDuration: ContractHistogram;
    readonly published: FoldedCounter;
    readonly consumed: FoldedCounter;
    readonly processingErrors: FoldedCounter;
    readonly processingDuration: ContractHistogram;
}

export interface ServiceMetricsOptions {
    /** Registry to register into; a new one by default (never the global one, so tests and services stay apart). */
    readonly registry?: Registry;
    /** Also expose prom-client's process metrics (CPU, memory, event loop lag). Default true. */
    readonly defaultMetrics?: boolean;
}

/** Registers every metric of the contract. */
export function createServiceMetrics(opts: ServiceMetricsOptions = {}): ServiceMetrics {
    const registry = opts.registry ?? new Registry();
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
    const http = contractMetric("http_requests_total");
    return {
        registry,
        // HTTP requests are milliseconds each: a direct prom-client increment is noise there.
        httpRequests: new Counter({ name: http.name, help: http.help, labelNames: [...http.labels], registers: [registry] }),
        httpDuration: new ContractHistogram(contractMetric("http_request_duration_seconds"), registry),
        published: new FoldedCounter(contractMetric("event_published_total"), registry),
        consumed: new FoldedCounter(contractMetric("event_consumed_total"), registry),
        processingErrors: new FoldedCounter(contractMetric("event_processing_errors_total"), registry),
        processingDuration: new ContractHistogram(contractMetric("event_processing_duration_seconds"), registry),
    };
}
