/**
 * Log lines into Loki without a collector: Promtail/Alloy cannot run here, so the e2e pushes the generator's JSON
 * log lines to Loki's push API with exactly the labels of the monitoring/logLabels.ts contract, as the collector would.
 */
import * as fs from "fs";

import { LOG_LABELS } from "../../monitoring/logLabels";
import { lokiPush } from "./probes";

const PINO_LEVELS: Record<number, string> = { 10: "debug", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "error" };

/** The contract's labels for one JSON log line of `container` (what the collector attaches). Pure. */
export function logLineLabels(line: Record<string, unknown>, container: string, defaultService: string): Record<string, string> {
    const level = typeof line.level === "number" ? (PINO_LEVELS[line.level] ?? "info") : String(line.level ?? "info");
    const labels: Record<string, string> = {
        [LOG_LABELS.service]: typeof line.service === "string" ? line.service : defaultService,
        [LOG_LABELS.container]: container,
        [LOG_LABELS.stream]: "stdout",
        [LOG_LABELS.level]: level,
    };
    if (typeof line.component === "string") labels[LOG_LABELS.component] = line.component;
    return labels;
}

/** Pushes the complete lines of `file` after `offset`; returns the new offset and how many lines went. */
export async function pushLogFile(lokiUrl: string, file: string, offset: number, container: string): Promise<{ offset: number; pushed: number }> {
    if (!fs.existsSync(file)) return { offset, pushed: 0 };
    const text = fs.readFileSync(file).subarray(offset).toString("utf8");
    const end = text.lastIndexOf("\n");
    if (end < 0) return { offset, pushed: 0 };
    const streams = new Map<string, { labels: Record<string, string>; lines: { tsNs: string; line: string }[] }>();
    let n = 0;
    for (const raw of text.slice(0, end).split("\n")) {
        if (!raw.trim()) continue;
        let parsed: Record<string, unknown>;
        try {
            parsed = JSON.parse(raw) as Record<string, unknown>;
        } catch {
            continue;
        }
        const labels = logLineLabels(parsed, container, "event-generator");
        const key = JSON.stringify(labels);
        const ms = typeof parsed.time === "number" ? parsed.time : Date.now();
        const s = streams.get(key) ?? { labels, lines: [] };
        s.lines.push({ tsNs: `${BigInt(Math.floor(ms)) * 1_000_000n + BigInt(n % 1_000_000)}`, line: raw });
        streams.set(key, s);
        n++;
    }
    if (n > 0) await lokiPush(lokiUrl, [...streams.values()]);
    return { offset: offset + Buffer.byteLength(text.slice(0, end + 1), "utf8"), pushed: n };
}

/**
 * Stands in for the collector: follows `file` and ships its new lines every `everyMs`, retrying what Loki refused
 * (e.g. while it restarts) on the next round, until stopped.
 */
export class LogShipper {
    private offset = 0;
    private timer: NodeJS.Timeout | undefined;
    private round: Promise<void> = Promise.resolve();
    pushed = 0;
    failedRounds = 0;
    lastError = "";

    constructor(
        private readonly lokiUrl: () => string,
        private readonly file: string,
        private readonly container: string,
    ) {}

    start(everyMs = 2000): void {
        this.timer = setInterval(() => void this.ship(), everyMs);
    }

    /** One round at a time, so a slow push is never overtaken by the next one. */
    ship(): Promise<void> {
        this.round = this.round.then(async () => {
            try {
                const r = await pushLogFile(this.lokiUrl(), this.file, this.offset, this.container);
                this.offset = r.offset;
                this.pushed += r.pushed;
            } catch (e) {
                this.failedRounds++;
                this.lastError = (e as Error).message;
            }
        });
        return this.round;
    }

    /** Stops following and ships what is left (one last round). */
    async stop(): Promise<void> {
        this.cancel();
        await this.ship();
    }

    /** Stops following without a last round, for cleanup paths that cannot wait. */
    cancel(): void {
        if (this.timer) clearInterval(this.timer);
        this.timer = undefined;
    }
}
