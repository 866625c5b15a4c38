/**
 * One generator run: connect as a service user, make sure the stream exists, start the domain consumers, publish
 * order flows at the target rate with bounded in-flight acks, drain, summarise. The CLI (cli.ts) is a thin wrapper.
 */
import { randomUUID } from "crypto";
import * as fs from "fs";
import { performance } from "perf_hooks";
import { setTimeout as sleep } from "timers/promises";

import { DiscardPolicy } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { DestinationStream } from "pino";

import { createInstrumentation, DeliveryReport, ensureEventStream, MetricsServer, RunningConsumer } from "..";
import { consumersPerType, DOMAIN_CONSUMERS, EVENT_TYPES, FlowScheduler, seededRandom, simulatedLatencyMs } from "./domain";
import type { GeneratorOptions } from "./flags";
import { callOrdersApi, OrdersApi, startOrdersApi } from "./ordersApi";
import { emptyCounts, formatSummary, GeneratorSummary, LatencySamples, progressLine } from "./summary";

/**
 * Limits of the stream the generator creates, so repeated load runs cannot fill the JetStream store of the dev tier:
 * the oldest events go first (publishes keep succeeding).
 */
export const GENERATOR_STREAM_LIMITS = { max_age: 3600 * 1e9, max_bytes: 256 * 1024 * 1024, discard: DiscardPolicy.Old };

export interface GeneratorIo {
    readonly password: string;
    /** Where JSON log lines go (default: stdout, plus --log-file). */
    readonly logDestination?: DestinationStream;
    /** Human progress and summary (stderr in the CLI). */
    readonly progress?: { write(s: string): unknown; isTTY?: boolean };
    /** Aborting stops publishing early; consumers still drain and the summary is printed. */
    readonly signal?: AbortSignal;
    /** Told the /metrics URL once it is up. */
    readonly onMetricsServer?: (server: MetricsServer) => void;
}

/** Reads the password file's first line; the error names the flag and the fix. */
export function readPassword(opts: Pick<GeneratorOptions, "passwordFile">, env: NodeJS.ProcessEnv = process.env): string {
    if (opts.passwordFile) {
        let text: string;
        try {
            text = fs.readFileSync(opts.passwordFile, "utf8");
        } catch (err) {
            throw new Error(
                `--password-file "${opts.passwordFile}" cannot be read (${(err as NodeJS.ErrnoException).code}): point it at a file holding the NATS password`,
                { cause: err },
            );
        }
        const pw = text.split(/\r?\n/)[0];
        if (!pw) throw new Error(`--password-file "${opts.passwordFile}" is empty: write the NATS password on its first line`);
        return pw;
    }
    if (env.NATS_PASSWORD) return env.NATS_PASSWORD;
    throw new Error(
        "no NATS password: pass --password-file FILE or set NATS_PASSWORD (dev stack: pulumi stack output natsCredentials --show-secrets)",
    );
}

export async function runGenerator(opts: GeneratorOptions, io: GeneratorIo): Promise<GeneratorSummary> {
    const nc = await connect({ servers: opts.nats, user: opts.user, pass: io.password, timeout: 5000, name: opts.service }).catch((err: Error) => {
        throw new Error(`cannot connect to ${opts.nats} as ${opts.user}: ${err.message} (check --nats, --user and the password)`, { cause: err });
    });
    const inst = createInstrumentation({
        service: opts.service,
        nc,
        eventTypes: EVENT_TYPES,
        consumers: DOMAIN_CONSUMERS.map((c) => c.name),
        logLevel: opts.logLevel,
        logDestination: io.logDestination,
    });
    const log = inst.logger("generator");
    const out = io.progress;
    const random = seededRandom(opts.seed);
    const counts = emptyCounts();
    const latency = new LatencySamples();
    const perType = consumersPerType();
    /** Publish time (performance.now) and deliveries still expected, per event id. */
    const inflightEvents = new Map<string, { sentAt: number; remaining: number }>();
    let outstanding = 0;
    let drained: (() => void) | undefined;

    const onDelivery = (r: DeliveryReport) => {
        counts.consumed++;
        if (r.error) counts.failed++;
        if (r.redelivered) counts.redelivered++;
        if (r.outcome === "term") counts.terminated++;
        const tracked = r.envelope ? inflightEvents.get(r.envelope.id) : undefined;
        if (!tracked) return;
        if (r.deliveryCount === 1) latency.add(performance.now() - r.durationSeconds * 1000 - tracked.sentAt);
        if (r.outcome !== "nak") {
            outstanding--;
            if (--tracked.remaining === 0) inflightEvents.delete(r.envelope!.id);
            if (outstanding === 0) drained?.();
        }
    };

    const consumers: RunningConsumer[] = [];
    let ordersApi: OrdersApi | undefined;
    const httpCalls = new Set<Promise<void>>();
    const http = { sent: 0, failed: 0 };
    let metricsServer: MetricsServer | undefined;
    let started: number | undefined;
    let publishEnded: number | undefined;
    let stoppedEarly: boolean | undefined;
    const flows = new FlowScheduler(random);
    try {
        if (opts.createStream) {
            const s = await ensureEventStream(nc, { name: opts.stream, config: GENERATOR_STREAM_LIMITS });
            log.info({ stream: s.name, created: s.created }, s.created ? "created event stream" : "event stream exists");
        }
        if (opts.metricsPort !== undefined) {
            metricsServer = await inst.serveMetrics({ port: opts.metricsPort, host: opts.metricsHost });
            io.onMetricsServer?.(metricsServer);
            log.info({ url: metricsServer.url }, "serving metrics");
        }
        for (const spec of DOMAIN_CONSUMERS) {
            consumers.push(
                await inst.consumeEvents({
                    stream: opts.stream,
                    consumer: spec.name,
                    eventTypes: spec.eventTypes,
                    concurrency: opts.consumerConcurrency,
                    maxDeliver: opts.maxDeliver,
                    nakDelayMs: opts.nakDelayMs,
                    onDelivery,
                    handler: async (event) => {
                        const delay = simulatedLatencyMs(random, opts.consumerLatencyMs);
                        if (delay > 0) await sleep(delay);
                        if (random() < opts.errorRate)
                            throw new Error(`simulated failure: ${spec.name} could not process ${event.type} (--error-rate ${opts.errorRate})`);
                    },
                }),
            );
        }
        if (opts.httpRate > 0)
            ordersApi = await startOrdersApi(inst.metrics, { errorRate: opts.errorRate, latencyMs: opts.consumerLatencyMs, random });
        log.info(
            { rate: opts.rate, httpRate: opts.httpRate, durationMs: opts.durationMs, errorRate: opts.errorRate, delivery: opts.delivery },
            "generating events",
        );
        // The clock starts now: setting up the stream and consumers must not become a backlog burst.
        const t0 = performance.now();
        started = t0;

        // Publishing: every tick, publish what the target rate owes so far, within the in-flight window.
        let inflight = 0;
        let windowFreed: (() => void) | undefined;
        const tickMs = 5;
        let lastProgress = 0;
        const tty = Boolean(out?.isTTY);
        // Without a TTY (CI logs, files): about ten plain lines per run, at least 1 s and at most 10 s apart.
        const plainEveryMs = Math.min(10_000, Math.max(1000, opts.durationMs / 10));
        const publishOne = () => {
            const { event, traceId, published } = flows.next();
            counts.sent++;
            inflight++;
            // Tracked before publishing: a consumer may receive the event before its publish ack arrives.
            const id = randomUUID();
            const remaining = perType.get(event.type) ?? 0;
            if (remaining > 0) inflightEvents.set(id, { sentAt: performance.now(), remaining });
            outstanding += remaining;
            inst.publishEvent(event.type, event.data, { id, traceId, delivery: opts.delivery })
                .then(
                    () => {
                        counts.acked++;
                        published();
                    },
                    (err: Error) => {
                        counts.publishFailed++;
                        outstanding -= inflightEvents.get(id)?.remaining ?? 0;
                        inflightEvents.delete(id);
                        log.error({ traceId, eventType: event.type, err }, "publish failed; the order flow is abandoned");
                    },
                )
                .finally(() => {
                    inflight--;
                    windowFreed?.();
                });
        };
        while (!io.signal?.aborted) {
            const elapsed = performance.now() - t0;
            if (elapsed >= opts.durationMs) break;
            if (ordersApi) {
                const api = ordersApi;
                for (let owedHttp = Math.floor((opts.httpRate * elapsed) / 1000) - http.sent; owedHttp > 0; owedHttp--) {
                    http.sent++;
                    const call = callOrdersApi(api, random).then(
                        (status) => void (status >= 500 && http.failed++),
                        (err: Error) => {
                            http.failed++;
                            log.warn({ err }, "orders API call failed");
                        },
                    );
                    httpCalls.add(call);
                    void call.finally(() => httpCalls.delete(call));
                }
            }
            const owed = Math.floor((opts.rate * elapsed) / 1000) - counts.sent;
            for (let i = 0; i < owed; i++) {
                if (inflight >= opts.maxInflight) {
                    await new Promise<void>((r) => (windowFreed = r));
                    windowFreed = undefined;
                }
                publishOne();
            }
            if (out && !opts.quiet && elapsed - lastProgress >= (tty ? 250 : plainEveryMs)) {
                lastProgress = elapsed;
                out.write(
                    tty
                        ? `\r${progressLine(counts, elapsed, opts.durationMs)}\x1b[K`
                        : `${progressLine(counts, elapsed, opts.durationMs, 0, false)}\n`,
                );
            }
            await sleep(tickMs);
        }
        stoppedEarly = Boolean(io.signal?.aborted);
        publishEnded = performance.now();
        while (inflight > 0) await new Promise<void>((r) => (windowFreed = r));
        await Promise.all([...httpCalls]);
        if (ordersApi) log.info({ requests: http.sent, failed: http.failed }, "orders API traffic");
        if (out && !opts.quiet && tty) out.write(`\r${progressLine(counts, publishEnded - t0, opts.durationMs)}\x1b[K\n`);

        // Draining: wait until every acked event was handled by all its consumers (acked or terminated).
        if (outstanding > 0) {
            if (out && !opts.quiet)
                out.write(`waiting up to ${opts.drainTimeoutMs / 1000} s for consumers to finish ${outstanding} deliveries ...\n`);
            await Promise.race([new Promise<void>((r) => (drained = r)), sleep(opts.drainTimeoutMs)]);
        }
    } catch (err) {
        await inst.shutdown().catch(() => undefined);
        throw err;
    } finally {
        for (const c of consumers) await c.stop();
        await ordersApi?.close();
    }

    // Both are set once publishing began; an error before that was rethrown above.
    const publishSeconds = ((publishEnded ?? 0) - (started ?? 0)) / 1000;
    const summary: GeneratorSummary = {
        ...counts,
        elapsedSeconds: (performance.now() - (started ?? 0)) / 1000,
        achievedRate: publishSeconds > 0 ? counts.sent / publishSeconds : 0,
        targetRate: opts.rate,
        orders: flows.ordersStarted,
        unfinished: outstanding,
        stoppedEarly: stoppedEarly ?? false,
        latency: latency.summary(),
    };
    try {
        log.info({ summary }, "summary");
        if (opts.summaryJson) fs.writeFileSync(opts.summaryJson, `${JSON.stringify(summary, null, 2)}\n`);
        if (out) out.write(`${formatSummary(summary)}\n`);
        if (metricsServer && opts.lingerMs > 0) {
            if (out && !opts.quiet) out.write(`keeping ${metricsServer.url} up for ${opts.lingerMs / 1000} s\n`);
            await sleep(opts.lingerMs, undefined, { signal: io.signal }).catch(() => undefined);
        }
    } finally {
        await inst.shutdown();
    }
    return summary;
}
