/**
 * Publishing domain events over NATS (core or JetStream) with the contract's `event_published_total`, and the
 * JetStream stream that stores them. Consumption lives in consumers.ts.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import { jetstream, JetStreamApiCodes, JetStreamApiError, jetstreamManager, JetStreamClient, StreamConfig } from "@nats-io/jetstream";

import { createEnvelope, DEFAULT_EVENT_STREAM, encodeEnvelope, EVENT_SUBJECT_PREFIX, EventEnvelope, eventSubject } from "./envelope";
import { eventTypeGuard, NameGuard } from "./guards";
import type { CounterCell, ServiceMetrics } from "./metrics";

export type Delivery = "jetstream" | "core";

export interface PublishOptions {
    readonly traceId?: string;
    /**
     * The envelope id (default: a new UUID). Also the JetStream message id, so retrying a publish with the same id
     * within the stream's duplicate window stores the event once.
     */
    readonly id?: string;
    /**
     * `jetstream` (default): stored by the stream, resolves once the server acked it (rejects otherwise, and the
     * event is not counted). `core`: fire-and-forget core NATS; resolves once handed to the client.
     */
    readonly delivery?: Delivery;
}

export interface PublishedEvent<T = unknown> {
    readonly envelope: EventEnvelope<T>;
    /** Stream and sequence of the stored event (JetStream only). */
    readonly stream?: string;
    readonly seq?: number;
    /** True when JetStream recognised the id as a duplicate and did not store it again. */
    readonly duplicate?: boolean;
}

export interface PreparedEvent<T = unknown> {
    readonly subject: string;
    readonly payload: string;
    readonly envelope: EventEnvelope<T>;
    /** The `event_published_total` series of the event's type. */
    readonly cell: CounterCell;
}

export interface EventPublisherOptions {
    readonly nc: NatsConnection;
    readonly metrics: ServiceMetrics;
    /** Optional allow-list of event types; without it any type matching the pattern is accepted. */
    readonly eventTypes?: readonly string[];
    readonly defaultDelivery?: Delivery;
}

/** Publishes envelopes and counts them; one per connection. */
export class EventPublisher {
    readonly guard: NameGuard;
    private readonly js: JetStreamClient;
    /** Per event type: its subject and its counter cell, so a publish after the first costs one Map lookup. */
    private readonly known = new Map<string, { subject: string; cell: CounterCell }>();

    constructor(private readonly opts: EventPublisherOptions) {
        this.guard = eventTypeGuard(opts.eventTypes);
        this.js = jetstream(opts.nc);
    }

    private lookup(type: string): { subject: string; cell: CounterCell } {
        let entry = this.known.get(type);
        if (!entry) {
            this.guard.check(type);
            entry = { subject: eventSubject(type), cell: this.opts.metrics.published.cell([type]) };
            this.known.set(type, entry);
        }
        return entry;
    }

    /**
     * Everything publishEvent does before handing the event to the client: guard, subject, envelope, JSON. The
     * caller counts with `cell.pending++` once the event is out (the benchmark uses it to time the library alone).
     */
    prepare<T>(type: string, data: T, opts: PublishOptions = {}): PreparedEvent<T> {
        const entry = this.lookup(type);
        const envelope = createEnvelope(type, data, { traceId: opts.traceId, id: opts.id });
        return { subject: entry.subject, payload: encodeEnvelope(envelope), envelope, cell: entry.cell };
    }

    /**
     * Publishes `data` as event `type` on `events.<type>`. Throws (synchronously for a bad type, so nothing is sent)
     * when the type is refused by the guard.
     */
    publishEvent<T>(type: string, data: T, opts: PublishOptions = {}): Promise<PublishedEvent<T>> {
        const p = this.prepare(type, data, opts);
        if ((opts.delivery ?? this.opts.defaultDelivery ?? "jetstream") === "core") {
            this.opts.nc.publish(p.subject, p.payload);
            p.cell.pending++;
            return Promise.resolve({ envelope: p.envelope });
        }
        return this.js.publish(p.subject, p.payload, { msgID: p.envelope.id }).then((ack) => {
            p.cell.pending++;
            return { envelope: p.envelope, stream: ack.stream, seq: ack.seq, duplicate: ack.duplicate };
        });
    }
}

export interface EventStreamOptions {
    readonly name?: string;
    /** Default `events.>`: every event subject. */
    readonly subjects?: readonly string[];
    /** Extra stream settings (limits, storage, replicas) applied when the stream is created. */
    readonly config?: Partial<StreamConfig>;
}

/**
 * Makes sure the event stream exists: creates it when missing (the `microservice` user may, through `$JS.API.>`),
 * accepts it when it exists and covers the subjects, and refuses a stream that exists with other subjects rather
 * than silently changing what someone else configured.
 */
export async function ensureEventStream(nc: NatsConnection, opts: EventStreamOptions = {}): Promise<{ name: string; created: boolean }> {
    const name = opts.name ?? DEFAULT_EVENT_STREAM;
    const subjects = [...(opts.subjects ?? [`${EVENT_SUBJECT_PREFIX}.>`])];
    const jsm = await jetstreamManager(nc);
    try {
        const info = await jsm.streams.info(name);
        const missing = subjects.filter((s) => !(info.config.subjects ?? []).includes(s));
        if (missing.length > 0) {
            throw new Error(
                `stream ${name} exists with subjects [${(info.config.subjects ?? []).join(", ")}] but not [${missing.join(", ")}]: ` +
                    `add them to the stream (nats stream edit ${name}) or pass its subjects`,
            );
        }
        return { name, created: false };
    } catch (err) {
        if (!(err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound)) throw err;
    }
    await jsm.streams.add({ ...opts.config, name, subjects });
    return { name, created: true };
}
