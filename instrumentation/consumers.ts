/**
 * Consuming domain events: a durable JetStream consumer (at-least-once, explicit acks) and a core-NATS variant
 * (at-most-once). Both time the handler into `event_processing_duration_seconds` and count `event_consumed_total`
 * (every handled delivery, failed ones included, so errors/consumed is the failure ratio the alerts use) and
 * `event_processing_errors_total`.
 *
 * JetStream outcomes, explicit and logged, never silent:
 *   handler resolves                          → ack
 *   handler throws, deliveries < maxDeliver   → nak with delay (redelivered later), logged at error
 *   handler throws, deliveries = maxDeliver   → term (never redelivered), logged at error as terminated
 *   payload is not an envelope / type refused → term at once, counted as event_type="invalid", logged at error
 */
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { AckPolicy, DeliverPolicy, jetstream, JetStreamApiCodes, JetStreamApiError, jetstreamManager, JsMsg } from "@nats-io/jetstream";

import { decodeEnvelope, DEFAULT_EVENT_STREAM, EventEnvelope, eventSubject } from "./envelope";
import { consumerGuard, NameGuard } from "./guards";
import type { ServiceLogger } from "./logger";
import type { ServiceMetrics } from "./metrics";

/** The one `event_type` value for payloads that are not valid envelopes: bounded, never the raw input. */
export const INVALID_EVENT_TYPE = "invalid";

export type Outcome = "ack" | "nak" | "term";

export interface HandlerContext {
    readonly consumer: string;
    readonly subject: string;
    /** 1 for the first delivery. */
    readonly deliveryCount: number;
    readonly redelivered: boolean;
}

export type EventHandler = (event: EventEnvelope, ctx: HandlerContext) => Promise<void> | void;

/** What happened to one delivery; for callers that keep their own statistics (the generator does). */
export interface DeliveryReport {
    readonly consumer: string;
    readonly eventType: string;
    readonly envelope?: EventEnvelope;
    readonly outcome: Outcome;
    readonly deliveryCount: number;
    readonly redelivered: boolean;
    readonly durationSeconds: number;
    readonly error?: Error;
}

interface CommonConsumerOptions {
    /** Consumer name: the `consumer` label, the JetStream durable name, the core queue group. */
    readonly consumer: string;
    /** Event types to receive (each must pass the event-type guard); subjects follow `events.<type>`. */
    readonly eventTypes: readonly string[];
    readonly handler: EventHandler;
    /** Handlers running at once; ordering across events holds only with 1 (the default). */
    readonly concurrency?: number;
    readonly onDelivery?: (report: DeliveryReport) => void;
}

export interface JetStreamConsumerOptions extends CommonConsumerOptions {
    readonly stream?: string;
    /** Deliveries before a failing event is terminated (default 3). */
    readonly maxDeliver?: number;
    /** Redelivery delay after a failure, in ms, by delivery count (default 1000 ms × delivery count). */
    readonly nakDelayMs?: number | ((deliveryCount: number) => number);
    /** How long the server waits for an ack before redelivering on its own (default 30 s). */
    readonly ackWaitMs?: number;
}

export interface RunningConsumer {
    readonly consumer: string;
    /** Stops fetching, waits for handlers in flight to finish and ack. Calling it again is harmless. */
    stop(): Promise<void>;
}

export interface ConsumerDeps {
    readonly nc: NatsConnection;
    readonly metrics: ServiceMetrics;
    /** Logs with component `event-handler` (the events dashboard's error panel reads exactly that). */
    readonly logger: ServiceLogger;
    readonly eventTypes: NameGuard;
    readonly consumers?: NameGuard;
}

/** Runs handlers with bounded concurrency; `idle()` resolves when none is running. */
class Limiter {
    private running = 0;
    private waiters: (() => void)[] = [];
    constructor(private readonly limit: number) {}
    async acquire(): Promise<void> {
        while (this.running >= this.limit) await new Promise<void>((r) => this.waiters.push(r));
        this.running++;
    }
    release(): void {
        this.running--;
        this.waiters.shift()?.();
        if (this.running === 0) for (const w of this.waiters.splice(0)) w();
    }
    async idle(): Promise<void> {
        while (this.running > 0) await new Promise<void>((r) => this.waiters.push(r));
    }
}

function checkedCommon(deps: ConsumerDeps, opts: CommonConsumerOptions): { types: string[]; concurrency: number } {
    (deps.consumers ?? consumerGuard()).check(opts.consumer);
    if (opts.eventTypes.length === 0)
        throw new Error(`consumer ${opts.consumer}: eventTypes is empty; list the event types it handles (e.g. ["order.created"])`);
    const types = opts.eventTypes.map((t) => deps.eventTypes.check(t));
    const concurrency = opts.concurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new Error(`consumer ${opts.consumer}: concurrency ${concurrency} must be an integer ≥ 1`);
    // Series start at 0, so error panels and ratios show 0 rather than "no data" before the first failure.
    for (const t of types) {
        deps.metrics.consumed.cell([t, opts.consumer]);
        deps.metrics.processingErrors.cell([t, opts.consumer]);
    }
    return { types, concurrency };
}

/** Times the handler and records metrics; returns the outcome the caller turns into ack/nak/term. */
async function runHandler(
    deps: ConsumerDeps,
    consumer: string,
    data: string,
    ctx: HandlerContext,
    handler: EventHandler,
    failOutcome: (deliveryCount: number) => Outcome,
    core = false,
): Promise<DeliveryReport> {
    const started = process.hrtime.bigint();
    let envelope: EventEnvelope | undefined;
    let eventType = INVALID_EVENT_TYPE;
    let outcome: Outcome = "ack";
    let error: Error | undefined;
    try {
        envelope = decodeEnvelope(data);
        if (!deps.eventTypes.accepts(envelope.type)) {
            throw new Error(`event type ${JSON.stringify(envelope.type)} on ${ctx.subject} is refused by the event-type guard`);
        }
        eventType = envelope.type;
    } catch (err) {
        error = err as Error;
        outcome = "term";
    }
    if (envelope && outcome === "ack") {
        try {
            await handler(envelope, ctx);
        } catch (err) {
            error = err instanceof Error ? err : new Error(String(err));
            outcome = failOutcome(ctx.deliveryCount);
        }
    }
    const durationSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const labels = [eventType, consumer];
    deps.metrics.processingDuration.child(labels).observe(durationSeconds);
    deps.metrics.consumed.cell(labels).pending++;
    if (error) {
        deps.metrics.processingErrors.cell(labels).pending++;
        const what =
            eventType === INVALID_EVENT_TYPE
                ? "invalid event terminated"
                : core
                  ? "event handler failed, core NATS does not redeliver it"
                  : outcome === "nak"
                    ? "event handler failed, event will be redelivered"
                    : "event handler failed, event terminated";
        deps.logger.error(
            {
                ...(envelope?.traceId ? { traceId: envelope.traceId } : {}),
                eventId: envelope?.id,
                eventType,
                consumer,
                subject: ctx.subject,
                deliveryCount: ctx.deliveryCount,
                outcome,
                err: error,
            },
            what,
        );
    }
    return { consumer, eventType, envelope, outcome, deliveryCount: ctx.deliveryCount, redelivered: ctx.redelivered, durationSeconds, error };
}

/**
 * Creates (or updates) the durable consumer `opts.consumer` on the stream and processes its events until stopped.
 * Requires the stream (ensureEventStream).
 */
export async function consumeEvents(deps: ConsumerDeps, opts: JetStreamConsumerOptions): Promise<RunningConsumer> {
    const { types, concurrency } = checkedCommon(deps, opts);
    const stream = opts.stream ?? DEFAULT_EVENT_STREAM;
    const maxDeliver = opts.maxDeliver ?? 3;
    if (!Number.isInteger(maxDeliver) || maxDeliver < 1)
        throw new Error(`consumer ${opts.consumer}: maxDeliver ${maxDeliver} must be an integer ≥ 1`);
    const ackWaitMs = opts.ackWaitMs ?? 30_000;
    const nakDelay = (n: number): number => (typeof opts.nakDelayMs === "function" ? opts.nakDelayMs(n) : (opts.nakDelayMs ?? 1000) * n);

    const jsm = await jetstreamManager(deps.nc);
    const settings = {
        ack_wait: ackWaitMs * 1_000_000,
        // The server's limit is a backstop for a crashed process; the handler path terms explicitly at maxDeliver.
        max_deliver: maxDeliver,
        filter_subjects: types.map(eventSubject),
        max_ack_pending: Math.max(1000, concurrency * 4),
    };
    try {
        await jsm.consumers.info(stream, opts.consumer);
        await jsm.consumers.update(stream, opts.consumer, settings);
    } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.ConsumerNotFound)) throw err;
        await jsm.consumers.add(stream, {
            durable_name: opts.consumer,
            ack_policy: AckPolicy.Explicit,
            deliver_policy: DeliverPolicy.All,
            ...settings,
        });
    }
    const consumer = await jetstream(deps.nc).consumers.get(stream, opts.consumer);
    const messages = await consumer.consume({ max_messages: Math.max(100, concurrency * 2) });
    const limiter = new Limiter(concurrency);

    const handle = async (m: JsMsg): Promise<void> => {
        const ctx: HandlerContext = { consumer: opts.consumer, subject: m.subject, deliveryCount: m.info.deliveryCount, redelivered: m.redelivered };
        const report = await runHandler(deps, opts.consumer, m.string(), ctx, opts.handler, (n) => (n >= maxDeliver ? "term" : "nak"));
        if (report.outcome === "ack") m.ack();
        else if (report.outcome === "nak") m.nak(nakDelay(report.deliveryCount));
        else m.term(report.error?.message.slice(0, 200));
        opts.onDelivery?.(report);
    };
    const loop = (async () => {
        for await (const m of messages) {
            await limiter.acquire();
            void handle(m)
                // Only ack/nak/term can throw here (e.g. the connection closed): the server redelivers after ack_wait.
                .catch((err: Error) =>
                    deps.logger.error({ consumer: opts.consumer, subject: m.subject, err }, "acknowledging an event failed; it will be redelivered"),
                )
                .finally(() => limiter.release());
        }
    })().catch((err: Error) => deps.logger.error({ consumer: opts.consumer, stream, err }, "consumer stopped on an error"));

    return {
        consumer: opts.consumer,
        async stop() {
            messages.stop();
            await loop;
            await limiter.idle();
        },
    };
}

/**
 * Core-NATS variant: a queue subscription (group = consumer name) per event type. At-most-once: a failed handler
 * is counted and logged, and the event is not redelivered (use consumeEvents when that matters).
 */
export function subscribeEvents(deps: ConsumerDeps, opts: CommonConsumerOptions): RunningConsumer {
    const { types, concurrency } = checkedCommon(deps, opts);
    const limiter = new Limiter(concurrency);
    const subs: Subscription[] = types.map((type) =>
        deps.nc.subscribe(eventSubject(type), {
            queue: opts.consumer,
            callback: (err, m) => {
                if (err) {
                    deps.logger.error({ consumer: opts.consumer, err }, "core subscription failed");
                    return;
                }
                const ctx: HandlerContext = { consumer: opts.consumer, subject: m.subject, deliveryCount: 1, redelivered: false };
                void limiter.acquire().then(() =>
                    runHandler(deps, opts.consumer, m.string(), ctx, opts.handler, () => "term", true)
                        .then((report) => opts.onDelivery?.(report))
                        .finally(() => limiter.release()),
                );
            },
        }),
    );
    return {
        consumer: opts.consumer,
        async stop() {
            await Promise.all(subs.filter((s) => !s.isClosed()).map((s) => s.drain()));
            await limiter.idle();
        },
    };
}
