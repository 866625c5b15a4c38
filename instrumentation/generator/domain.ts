/**
 * The generator's domain: order flows whose events are causally ordered (an order is created before it is paid,
 * paid before it ships), and the consumers that react to them. Pure: randomness comes from a seeded generator.
 */

export type Random = () => number;

/** mulberry32: a tiny seeded PRNG, so runs are repeatable with --seed. */
export function seededRandom(seed: number): Random {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

export const EVENT_TYPES = [
    "order.created",
    "payment.authorized",
    "payment.failed",
    "order.confirmed",
    "order.cancelled",
    "shipment.dispatched",
    "shipment.delivered",
] as const;
export type DomainEventType = (typeof EVENT_TYPES)[number];

export interface DomainEvent {
    readonly type: DomainEventType;
    readonly data: Record<string, unknown>;
}

/** Share of orders whose payment is declined (the flow then ends with order.cancelled). */
export const PAYMENT_DECLINE_RATE = 0.08;
const CARRIERS = ["dhl", "ups", "gls", "correos"] as const;

function hex(random: Random, length: number): string {
    let s = "";
    for (let i = 0; i < length; i++) s += Math.floor(random() * 16).toString(16);
    return s;
}

/** A W3C-style 32-hex trace id: one per order flow, so its events and logs correlate. */
export function traceIdFor(random: Random): string {
    return hex(random, 32);
}

/**
 * The events of one order, in causal order:
 * order.created → payment.authorized → order.confirmed → shipment.dispatched → shipment.delivered,
 * or order.created → payment.failed → order.cancelled.
 */
export function orderFlow(random: Random, orderNumber: number): DomainEvent[] {
    const orderId = `ord-${orderNumber}`;
    const items = 1 + Math.floor(random() * 4);
    const total = Math.round((5 + random() * 195) * items * 100) / 100;
    const customerId = `cus-${1 + Math.floor(random() * 5000)}`;
    const created: DomainEvent = { type: "order.created", data: { orderId, customerId, items, total, currency: "EUR" } };
    const paymentId = `pay-${orderNumber}`;
    if (random() < PAYMENT_DECLINE_RATE) {
        return [
            created,
            { type: "payment.failed", data: { orderId, paymentId, reason: random() < 0.5 ? "insufficient_funds" : "card_expired" } },
            { type: "order.cancelled", data: { orderId, reason: "payment_failed" } },
        ];
    }
    const shipmentId = `shp-${orderNumber}`;
    const carrier = CARRIERS[Math.floor(random() * CARRIERS.length)];
    return [
        created,
        { type: "payment.authorized", data: { orderId, paymentId, amount: total, currency: "EUR" } },
        { type: "order.confirmed", data: { orderId } },
        { type: "shipment.dispatched", data: { orderId, shipmentId, carrier } },
        { type: "shipment.delivered", data: { orderId, shipmentId, carrier } },
    ];
}

export interface ConsumerSpec {
    readonly name: string;
    readonly eventTypes: readonly DomainEventType[];
}

/** The services that react to the events: each is one durable JetStream consumer. */
export const DOMAIN_CONSUMERS: readonly ConsumerSpec[] = [
    { name: "billing", eventTypes: ["order.created", "order.cancelled", "payment.failed"] },
    { name: "shipping", eventTypes: ["payment.authorized", "order.confirmed", "shipment.dispatched"] },
    { name: "notifications", eventTypes: ["order.confirmed", "order.cancelled", "shipment.dispatched", "shipment.delivered"] },
];

/** How many consumers receive each event type (what "fully consumed" means for one event). */
export function consumersPerType(consumers: readonly ConsumerSpec[] = DOMAIN_CONSUMERS): Map<string, number> {
    const counts = new Map<string, number>(EVENT_TYPES.map((t) => [t, 0]));
    for (const c of consumers) for (const t of c.eventTypes) counts.set(t, (counts.get(t) ?? 0) + 1);
    return counts;
}

/** Exponentially distributed delay with the given mean (0 stays 0). */
export function simulatedLatencyMs(random: Random, meanMs: number): number {
    return meanMs <= 0 ? 0 : -Math.log(1 - random()) * meanMs;
}

/**
 * Hands out the next event to publish while keeping each order's events in order: a flow is "busy" while its
 * event is being published, and only a flow that is not busy may publish its next event.
 */
export class FlowScheduler {
    private readonly ready: { events: DomainEvent[]; next: number; traceId: string }[] = [];
    private orders = 0;

    constructor(private readonly random: Random) {}

    /** The next event and a callback to call once it is published (acked), which frees its flow. */
    next(): { event: DomainEvent; traceId: string; published: () => void } {
        let flow = this.ready.shift();
        if (!flow) {
            this.orders++;
            flow = { events: orderFlow(this.random, this.orders), next: 0, traceId: traceIdFor(this.random) };
        }
        const f = flow;
        const event = f.events[f.next++];
        return {
            event,
            traceId: f.traceId,
            published: () => {
                if (f.next < f.events.length) this.ready.push(f);
            },
        };
    }

    /** Orders started so far. */
    get ordersStarted(): number {
        return this.orders;
    }
}
