import type { DestinationStream } from "pino";
import type { Registry } from "prom-client";

/** A pino destination that keeps every line, parsed, for assertions. */
export function captureLogs(): { destination: DestinationStream; lines: Record<string, unknown>[]; raw: string[] } {
    const lines: Record<string, unknown>[] = [];
    const raw: string[] = [];
    return {
        lines,
        raw,
        destination: {
            write(s: string) {
                for (const line of s.split("\n").filter((l) => l !== "")) {
                    raw.push(line);
                    lines.push(JSON.parse(line));
                }
            },
        },
    };
}

/** Value of one series (exact label match) through prom-client's own collection, 0 when absent. */
export async function seriesValue(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
    const metric = registry.getSingleMetric(name);
    if (!metric) throw new Error(`metric ${name} is not registered`);
    const { values } = await metric.get();
    const keys = Object.keys(labels);
    const hit = values.find((v) => {
        const l = v.labels as Record<string, string | number>;
        return Object.keys(l).length === keys.length && keys.every((k) => String(l[k]) === labels[k]);
    });
    return hit?.value ?? 0;
}

/** Sample lines of the text exposition, as {name, labels, value}. */
export function parseExposition(text: string): { name: string; labels: Record<string, string>; value: number }[] {
    const out: { name: string; labels: Record<string, string>; value: number }[] = [];
    for (const line of text.split("\n")) {
        if (line === "" || line.startsWith("#")) continue;
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
        if (!m) throw new Error(`unparseable exposition line: ${line}`);
        const labels: Record<string, string> = {};
        for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
        out.push({ name: m[1], labels, value: Number(m[3]) });
    }
    return out;
}

/** Sum of the samples of `name` whose labels include `match`. */
export function sumSamples(samples: ReturnType<typeof parseExposition>, name: string, match: Record<string, string> = {}): number {
    return samples.filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}
