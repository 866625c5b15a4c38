/**
 * JSON logs with exactly the fields the log collector promotes to labels (monitoring/logLabels.ts JSON_LOG_FIELDS, checked
 * by tests/instrumentation):
 * `level` as a word, `service`, `component`, plus `msg`, `time` and `traceId` when the caller has one.
 */
import * as fs from "fs";
import * as path from "path";

import pino, { DestinationStream, Logger } from "pino";

/** The levels the contract knows (monitoring/logLabels.ts: debug, info, warn, error). */
export type LogLevel = "debug" | "info" | "warn" | "error";
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export type ServiceLogger = Logger<never>;

export interface LoggerOptions {
    readonly level?: LogLevel;
    /** Where lines go; stdout by default. Use `logDestinations` to write to stdout and a file. */
    readonly destination?: DestinationStream;
}

const FIELD_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * A pino logger for one service component. `service` and `component` become Loki labels, so both are checked
 * against a bounded pattern; per-request context such as `traceId` goes through `logger.child({ traceId })`.
 */
export function createLogger(service: string, component: string, opts: LoggerOptions = {}): ServiceLogger {
    for (const [key, value] of [
        ["service", service],
        ["component", component],
    ] as const) {
        if (!FIELD_PATTERN.test(value)) {
            throw new Error(
                `createLogger: ${key} ${JSON.stringify(value)} is refused: it becomes a Loki label and must match ${FIELD_PATTERN} (e.g. "orders")`,
            );
        }
    }
    const level = opts.level ?? "info";
    if (!LOG_LEVELS.includes(level)) throw new Error(`createLogger: level ${JSON.stringify(level)} is not one of ${LOG_LEVELS.join(", ")}`);
    const options: pino.LoggerOptions<never> = {
        level,
        messageKey: "msg",
        // `base` replaces pino's pid/hostname: the collector promotes these fields, nothing else belongs at the top.
        base: { service, component },
        formatters: { level: (label) => ({ level: label }) },
        timestamp: pino.stdTimeFunctions.isoTime,
    };
    return opts.destination ? pino(options, opts.destination) : pino(options);
}

/**
 * stdout plus, when `file` is set, the same lines appended to that file (created with its directory). Writes are
 * synchronous so nothing is lost on exit.
 */
export function logDestinations(file?: string): DestinationStream {
    const stdout = pino.destination({ dest: 1, sync: true });
    if (!file) return stdout;
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const toFile = pino.destination({ dest: file, sync: true, append: true, mkdir: true });
    // Each stream passes everything; the logger's own level decides.
    return pino.multistream([
        { level: "debug", stream: stdout },
        { level: "debug", stream: toFile },
    ]);
}

/** Flushes a logger's buffered lines (a no-op for synchronous destinations). */
export function flushLogger(logger: ServiceLogger): Promise<void> {
    return new Promise((resolve) => logger.flush(() => resolve()));
}
