import { performance } from "perf_hooks";

/**
 * Benchmark arithmetic: interleaved rounds, medians, ratios and per-event overhead (pure, so the numbers printed
 * are computed one way only).
 */

export interface Throughput {
    readonly events: number;
    /** Wall-clock time. */
    readonly seconds: number;
    /** CPU time (user + system) of this process over the same span. */
    readonly cpuSeconds: number;
}

export const perSecond = (t: Throughput): number => t.events / t.seconds;
export const perCpuSecond = (t: Throughput): number => t.events / t.cpuSeconds;

/** Times `work` on the wall clock and in process CPU time. */
export async function timed(events: number, work: () => Promise<void> | void): Promise<Throughput> {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await work();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    return { events, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
}

export function median(values: readonly number[]): number {
    if (values.length === 0) throw new Error("median of no values");
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export interface Comparison {
    readonly name: string;
    /** Events per wall-clock second, one per round. */
    readonly rawRates: number[];
    readonly instrumentedRates: number[];
    /** Events per CPU second of the publishing process: less sensitive to other load on shared cores. */
    readonly rawCpuRates: number[];
    readonly instrumentedCpuRates: number[];
}

export function ratio(c: Comparison): number {
    return median(c.instrumentedRates) / median(c.rawRates);
}

export function cpuRatio(c: Comparison): number {
    return median(c.instrumentedCpuRates) / median(c.rawCpuRates);
}

/** Extra time per event, in µs, of the instrumented path over the raw one (medians; negative = within noise). */
export function overheadMicros(c: Comparison): number {
    return (1 / median(c.instrumentedRates) - 1 / median(c.rawRates)) * 1e6;
}

/**
 * Runs raw and instrumented rounds alternately (raw, instr, instr, raw, ...), so drift in the machine's load (other
 * processes share these cores) hits both sides alike.
 */
export async function interleaved(
    name: string,
    rounds: number,
    raw: () => Promise<Throughput>,
    instrumented: () => Promise<Throughput>,
): Promise<Comparison> {
    const c: Comparison = { name, rawRates: [], instrumentedRates: [], rawCpuRates: [], instrumentedCpuRates: [] };
    for (let i = 0; i < rounds; i++) {
        const order = i % 2 === 0 ? [raw, instrumented] : [instrumented, raw];
        for (const run of order) {
            // Each round starts with a clean heap, so neither side pays for the other's garbage (node --expose-gc).
            (globalThis as { gc?: () => void }).gc?.();
            const t = await run();
            (run === raw ? c.rawRates : c.instrumentedRates).push(perSecond(t));
            (run === raw ? c.rawCpuRates : c.instrumentedCpuRates).push(perCpuSecond(t));
        }
    }
    return c;
}

const k = (n: number) => `${(n / 1000).toFixed(1)}k/s`;

export function formatComparison(c: Comparison, rawName = "raw client", instrumentedName = "publishEvent"): string {
    return [
        `${c.name}`,
        `  ${rawName.padEnd(16)}median ${k(median(c.rawRates))}  (rounds: ${c.rawRates.map(k).join(", ")})`,
        `  ${instrumentedName.padEnd(16)}median ${k(median(c.instrumentedRates))}  (rounds: ${c.instrumentedRates.map(k).join(", ")})`,
        `  ratio ${ratio(c).toFixed(3)} (wall clock), overhead ${overheadMicros(c).toFixed(2)} µs/event`,
        `  per CPU second: ${rawName} ${k(median(c.rawCpuRates))}, ${instrumentedName} ${k(median(c.instrumentedCpuRates))}, ratio ${cpuRatio(c).toFixed(3)}`,
    ].join("\n");
}
