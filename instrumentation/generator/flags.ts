/**
 * The event generator's flags: parsed with Node's util.parseArgs, each value checked with an error that names the
 * flag, the bad value and the fix.
 */
import { parseArgs } from "util";

import { CONSUMER_PATTERN } from "../guards";
import { LOG_LEVELS, LogLevel } from "../logger";
import type { Delivery } from "../events";

export interface GeneratorOptions {
    readonly nats: string;
    readonly user: string;
    /** File holding the password (its first line); NATS_PASSWORD is used when no file is given. */
    readonly passwordFile?: string;
    /** Events per second, all types together. */
    readonly rate: number;
    readonly durationMs: number;
    /** Probability that one handler call fails (each delivery draws anew, so most failures succeed on redelivery). */
    readonly errorRate: number;
    /** Requests per second to the generator's own orders API (HTTP metrics); 0 = none. */
    readonly httpRate: number;
    /** Mean simulated handler latency (exponentially distributed). */
    readonly consumerLatencyMs: number;
    readonly consumerConcurrency: number;
    readonly maxDeliver: number;
    readonly nakDelayMs: number;
    /** Port for /metrics; undefined = no endpoint, 0 = any free port. */
    readonly metricsPort?: number;
    readonly metricsHost: string;
    readonly logFile?: string;
    readonly logLevel: LogLevel;
    readonly stream: string;
    readonly createStream: boolean;
    readonly delivery: Delivery;
    /** JetStream publishes awaiting their ack at once. */
    readonly maxInflight: number;
    /** How long to wait, after publishing ends, for consumers to finish. */
    readonly drainTimeoutMs: number;
    /** Keep /metrics up this long after the run so a last scrape sees the final numbers. */
    readonly lingerMs: number;
    readonly service: string;
    readonly seed: number;
    readonly summaryJson?: string;
    readonly quiet: boolean;
}

export const GENERATOR_USAGE = `Usage: npm run generate-events -- [flags]

Publishes realistic domain events (orders → payments → shipments, causally ordered per order) to NATS JetStream,
consumes them with several durable consumers that fail at --error-rate, serves /metrics and prints a summary.

  --nats URL              NATS server (default nats://127.0.0.1:4222)
  --user NAME             NATS user (default microservice)
  --password-file FILE    file with the user's password (default: environment variable NATS_PASSWORD)
  --rate N                events per second (default 200)
  --duration D            how long to publish, e.g. 60s, 5m, 500ms (default 60s)
  --error-rate P          probability a handler call (and an HTTP request) fails, 0..1 (default 0.02)
  --http-rate N           requests per second to the generator's own orders API, for HTTP metrics (default 20; 0 = none)
  --consumer-latency D    mean simulated handler time (default 5ms)
  --consumer-concurrency N handlers in flight per consumer (default 32)
  --max-deliver N         deliveries before a failing event is terminated (default 3)
  --nak-delay D           redelivery delay after a failure (default 200ms)
  --metrics-port P        serve /metrics on this port (0 = any free port; default: no endpoint)
  --metrics-host H        address for /metrics (default 127.0.0.1; 0.0.0.0 to be scraped from containers)
  --log-file FILE         also append the JSON log lines to FILE
  --log-level L           debug, info, warn or error (default info)
  --stream NAME           JetStream stream for events.> (default EVENTS); when the generator creates it, it keeps
                          at most 256 MiB and 1 h of events, oldest dropped first
  --no-create-stream      do not create the stream when missing (when only an admin may create it)
  --delivery MODE         jetstream (default, acked) or core (fire-and-forget)
  --max-inflight N        JetStream publishes awaiting their ack at once (default 512)
  --drain-timeout D       wait this long for consumers after publishing ends (default 10s)
  --linger D              keep /metrics up this long after the run (default 0s)
  --service NAME          service name in logs (default event-generator)
  --seed N                random seed, for repeatable runs (default 1)
  --summary-json FILE     write the final summary as JSON to FILE
  --quiet                 no progress output
  --help                  this text
`;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `500ms`, `5s`, `1.5m`, `2h` → milliseconds; throws naming the flag. */
export function parseDuration(flag: string, value: string): number {
    const m = DURATION.exec(value.trim());
    if (!m) throw new Error(`--${flag} "${value}" is not a duration: use a number with ms, s, m or h (e.g. 60s)`);
    return Math.round(Number(m[1]) * UNIT_MS[m[2]]);
}

function parseNumber(flag: string, value: string, opts: { min: number; max: number; integer?: boolean }, fix: string): number {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < opts.min || n > opts.max || (opts.integer && !Number.isInteger(n))) {
        throw new Error(`--${flag} "${value}" is invalid: ${fix}`);
    }
    return n;
}

/** Parses argv (without node and script); throws an Error whose message is what the user should read. */
export function parseGeneratorFlags(argv: readonly string[]): GeneratorOptions | "help" {
    let parsed;
    try {
        parsed = parseArgs({
            args: [...argv],
            strict: true,
            allowPositionals: false,
            options: {
                nats: { type: "string", default: "nats://127.0.0.1:4222" },
                user: { type: "string", default: "microservice" },
                "password-file": { type: "string" },
                rate: { type: "string", default: "200" },
                duration: { type: "string", default: "60s" },
                "error-rate": { type: "string", default: "0.02" },
                "http-rate": { type: "string", default: "20" },
                "consumer-latency": { type: "string", default: "5ms" },
                "consumer-concurrency": { type: "string", default: "32" },
                "max-deliver": { type: "string", default: "3" },
                "nak-delay": { type: "string", default: "200ms" },
                "metrics-port": { type: "string" },
                "metrics-host": { type: "string", default: "127.0.0.1" },
                "log-file": { type: "string" },
                "log-level": { type: "string", default: "info" },
                stream: { type: "string", default: "EVENTS" },
                "no-create-stream": { type: "boolean", default: false },
                delivery: { type: "string", default: "jetstream" },
                "max-inflight": { type: "string", default: "512" },
                "drain-timeout": { type: "string", default: "10s" },
                linger: { type: "string", default: "0s" },
                service: { type: "string", default: "event-generator" },
                seed: { type: "string", default: "1" },
                "summary-json": { type: "string" },
                quiet: { type: "boolean", default: false },
                help: { type: "boolean", default: false },
            },
        });
    } catch (err) {
        throw new Error(`${(err as Error).message} (run with --help for the flags)`, { cause: err });
    }
    const v = parsed.values;
    if (v.help) return "help";
    const nats = v.nats;
    if (!/^(nats|tls):\/\/[^\s/]+$/.test(nats))
        throw new Error(`--nats "${nats}" is not a NATS URL: use nats://host:port (e.g. nats://127.0.0.1:4222)`);
    const logLevel = v["log-level"] as LogLevel;
    if (!LOG_LEVELS.includes(logLevel)) throw new Error(`--log-level "${logLevel}" is invalid: use one of ${LOG_LEVELS.join(", ")}`);
    const delivery = v.delivery;
    if (delivery !== "jetstream" && delivery !== "core") throw new Error(`--delivery "${delivery}" is invalid: use jetstream or core`);
    const stream = v.stream;
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(stream))
        throw new Error(`--stream "${stream}" is not a valid stream name: use letters, digits, - and _ (e.g. EVENTS)`);
    const service = v.service;
    if (!CONSUMER_PATTERN.test(service))
        throw new Error(`--service "${service}" is invalid: it becomes a log label; use lower case letters, digits and - (e.g. event-generator)`);
    return {
        nats,
        user: v.user,
        passwordFile: v["password-file"],
        rate: parseNumber("rate", v.rate, { min: 0.1, max: 1_000_000 }, "use events per second, a number > 0 (e.g. 200)"),
        durationMs: parseDuration("duration", v.duration),
        errorRate: parseNumber("error-rate", v["error-rate"], { min: 0, max: 1 }, "use a probability between 0 and 1 (e.g. 0.02 for 2%)"),
        httpRate: parseNumber(
            "http-rate",
            v["http-rate"],
            { min: 0, max: 10_000 },
            "use requests per second, a number ≥ 0 (e.g. 20; 0 = no HTTP traffic)",
        ),
        consumerLatencyMs: parseDuration("consumer-latency", v["consumer-latency"]),
        consumerConcurrency: parseNumber(
            "consumer-concurrency",
            v["consumer-concurrency"],
            { min: 1, max: 10_000, integer: true },
            "use an integer ≥ 1 (e.g. 32)",
        ),
        maxDeliver: parseNumber("max-deliver", v["max-deliver"], { min: 1, max: 100, integer: true }, "use an integer 1-100 (e.g. 3)"),
        nakDelayMs: parseDuration("nak-delay", v["nak-delay"]),
        metricsPort:
            v["metrics-port"] === undefined
                ? undefined
                : parseNumber(
                      "metrics-port",
                      v["metrics-port"],
                      { min: 0, max: 65535, integer: true },
                      "use a TCP port 0-65535 (e.g. 9464; 0 = any free port)",
                  ),
        metricsHost: v["metrics-host"],
        logFile: v["log-file"],
        logLevel,
        stream,
        createStream: !v["no-create-stream"],
        delivery,
        maxInflight: parseNumber("max-inflight", v["max-inflight"], { min: 1, max: 100_000, integer: true }, "use an integer ≥ 1 (e.g. 512)"),
        drainTimeoutMs: parseDuration("drain-timeout", v["drain-timeout"]),
        lingerMs: parseDuration("linger", v.linger),
        service,
        seed: parseNumber("seed", v.seed, { min: 0, max: 2 ** 31 - 1, integer: true }, "use an integer ≥ 0"),
        summaryJson: v["summary-json"],
        quiet: v.quiet,
    };
}
