/**
 * The generator's counters, latency percentiles, progress line and final summary (pure formatting).
 */

export interface GeneratorCounts {
    /** Publishes attempted. */
    sent: number;
    /** Publishes the server acknowledged (JetStream) or handed to the client (core). */
    acked: number;
    publishFailed: number;
    /** Deliveries handled by a consumer, failed ones included (= sum of event_consumed_total). */
    consumed: number;
    /** Handler failures (= sum of event_processing_errors_total). */
    failed: number;
    /** Deliveries that were redeliveries. */
    redelivered: number;
    /** Events given up on after --max-deliver failures. */
    terminated: number;
}

export function emptyCounts(): GeneratorCounts {
    return { sent: 0, acked: 0, publishFailed: 0, consumed: 0, failed: 0, redelivered: 0, terminated: 0 };
}

export interface LatencySummary {
    readonly samples: number;
    readonly p50Ms: number;
    readonly p95Ms: number;
    readonly p99Ms: number;
    readonly maxMs: number;
}

export interface GeneratorSummary extends GeneratorCounts {
    readonly elapsedSeconds: number;
    /** Publishes per second over the publishing phase. */
    readonly achievedRate: number;
    readonly targetRate: number;
    /** Orders started (each a causally ordered flow of events). */
    readonly orders: number;
    /** Deliveries still outstanding when the drain timeout ended (0 when every event was fully handled). */
    readonly unfinished: number;
    readonly stoppedEarly: boolean;
    /** From publish to the start of the handler, first delivery only. */
    readonly latency: LatencySummary;
}

/** Growable store of latency samples in ms (a Float64Array, so a million samples is 8 MB). */
export class LatencySamples {
    private data = new Float64Array(1024);
    private n = 0;
    add(ms: number): void {
        if (this.n === this.data.length) {
            const bigger = new Float64Array(this.data.length * 2);
            bigger.set(this.data);
            this.data = bigger;
        }
        this.data[this.n++] = ms;
    }
    get count(): number {
        return this.n;
    }
    summary(): LatencySummary {
        const sorted = this.data.slice(0, this.n).sort();
        return {
            samples: this.n,
            p50Ms: percentile(sorted, 0.5),
            p95Ms: percentile(sorted, 0.95),
            p99Ms: percentile(sorted, 0.99),
            maxMs: this.n ? sorted[this.n - 1] : 0,
        };
    }
}

/** Nearest-rank percentile of ascending samples; 0 for none. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
    if (sorted.length === 0) return 0;
    const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
    return sorted[rank - 1];
}

const fmt = (n: number) => n.toLocaleString("en-US");
const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 1)} ms`;

/** One live line: a bar on a TTY, the same numbers as a plain line otherwise. */
export function progressLine(c: GeneratorCounts, elapsedMs: number, durationMs: number, width = 24, bar = true): string {
    const done = Math.min(1, durationMs > 0 ? elapsedMs / durationMs : 1);
    const filled = Math.round(done * width);
    const head = bar ? `[${"=".repeat(filled)}${" ".repeat(width - filled)}] ` : "";
    const rate = elapsedMs > 0 ? (c.sent / elapsedMs) * 1000 : 0;
    return (
        `${head}${(elapsedMs / 1000).toFixed(1)}s/${(durationMs / 1000).toFixed(0)}s sent ${fmt(c.sent)} (${rate.toFixed(0)}/s) ` +
        `acked ${fmt(c.acked)} consumed ${fmt(c.consumed)} failed ${fmt(c.failed)} redelivered ${fmt(c.redelivered)} terminated ${fmt(c.terminated)}`
    );
}

export function formatSummary(s: GeneratorSummary): string {
    const lines = [
        `event generator summary${s.stoppedEarly ? " (stopped early)" : ""}`,
        `  elapsed        ${s.elapsedSeconds.toFixed(1)} s, ${fmt(s.orders)} orders`,
        `  rate           ${s.achievedRate.toFixed(1)} events/s achieved (target ${s.targetRate})`,
        `  sent           ${fmt(s.sent)}`,
        `  acked          ${fmt(s.acked)}${s.publishFailed ? ` (${fmt(s.publishFailed)} publishes failed)` : ""}`,
        `  consumed       ${fmt(s.consumed)} deliveries handled`,
        `  failed         ${fmt(s.failed)} handler failures`,
        `  redelivered    ${fmt(s.redelivered)}`,
        `  terminated     ${fmt(s.terminated)} (gave up after max deliveries)`,
        `  unfinished     ${fmt(s.unfinished)}`,
        `  latency        publish→consume p50 ${ms(s.latency.p50Ms)}, p95 ${ms(s.latency.p95Ms)}, p99 ${ms(s.latency.p99Ms)}, max ${ms(s.latency.maxMs)} (${fmt(s.latency.samples)} samples)`,
    ];
    return lines.join("\n");
}
