import { NatsConnection } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";

import { createInstrumentation, DeliveryReport, ensureEventStream, EventEnvelope, Instrumentation, INVALID_EVENT_TYPE } from "../../instrumentation";
import { eventually } from "../../harness/live";
import { useLiveNats } from "./liveNats";
import { captureLogs, parseExposition, seriesValue, sumSamples } from "./support";

jest.setTimeout(60_000);

const nats = useLiveNats();

/** A service instance as a service author wires it: one connection as `microservice`, captured logs. */
async function service(stream: string): Promise<{ inst: Instrumentation; nc: NatsConnection; logs: ReturnType<typeof captureLogs> }> {
    const nc = await nats().connectService();
    const logs = captureLogs();
    const inst = createInstrumentation({ service: "orders", nc, logDestination: logs.destination, defaultMetrics: false });
    await ensureEventStream(nc, { name: stream, subjects: [`events.>`] });
    return { inst, nc, logs };
}

const value = (inst: Instrumentation, name: string, labels: Record<string, string>) => seriesValue(inst.metrics.registry, name, labels);

describe("publishEvent and consumeEvents on a real nats-server as the microservice user", () => {
    let s: Awaited<ReturnType<typeof service>>;
    beforeAll(async () => {
        s = await service("EVENTS");
    });
    afterAll(async () => {
        // The next suite's stream takes the same subjects.
        await (await jetstreamManager(s.nc)).streams.delete("EVENTS");
        await s.inst.shutdown();
    });

    it("creates the event stream once and accepts it afterwards", async () => {
        expect(await ensureEventStream(s.nc, { name: "EVENTS" })).toEqual({ name: "EVENTS", created: false });
        await expect(ensureEventStream(s.nc, { name: "EVENTS", subjects: ["commands.>"] })).rejects.toThrow(
            /stream EVENTS exists with subjects \[events.>\] but not \[commands.>\]/,
        );
    });

    it("acks every JetStream publish and consumes each event exactly once when nothing fails", async () => {
        const seen: EventEnvelope[] = [];
        const reports: DeliveryReport[] = [];
        const consumer = await s.inst.consumeEvents({
            consumer: "billing",
            eventTypes: ["order.created", "order.paid"],
            concurrency: 4,
            handler: (e) => void seen.push(e),
            onDelivery: (r) => reports.push(r),
        });
        const published = [];
        for (let i = 0; i < 60; i++) {
            published.push(await s.inst.publishEvent(i % 3 === 0 ? "order.paid" : "order.created", { orderId: `o-${i}` }, { traceId: `t-${i}` }));
        }
        // Every publish was acked by the stream with its own sequence.
        expect(published.every((p) => p.stream === "EVENTS" && typeof p.seq === "number" && !p.duplicate)).toBe(true);
        expect(new Set(published.map((p) => p.seq)).size).toBe(60);
        await eventually("60 events consumed", () => seen.length >= 60);
        await new Promise((r) => setTimeout(r, 300)); // would expose a duplicate delivery
        expect(seen.map((e) => e.id).sort()).toEqual(published.map((p) => p.envelope.id).sort());
        expect(new Set(seen.map((e) => e.id)).size).toBe(60);
        expect(seen.find((e) => e.data && (e.data as { orderId: string }).orderId === "o-7")).toMatchObject({
            type: "order.created",
            traceId: "t-7",
        });
        expect(reports.every((r) => r.outcome === "ack" && r.deliveryCount === 1)).toBe(true);

        expect(await value(s.inst, "event_published_total", { event_type: "order.created" })).toBe(40);
        expect(await value(s.inst, "event_published_total", { event_type: "order.paid" })).toBe(20);
        expect(await value(s.inst, "event_consumed_total", { event_type: "order.created", consumer: "billing" })).toBe(40);
        expect(await value(s.inst, "event_consumed_total", { event_type: "order.paid", consumer: "billing" })).toBe(20);
        expect(await value(s.inst, "event_processing_errors_total", { event_type: "order.created", consumer: "billing" })).toBe(0);
        const samples = parseExposition(await s.inst.metrics.registry.metrics());
        expect(sumSamples(samples, "event_processing_duration_seconds_count", { consumer: "billing" })).toBe(60);
        expect(sumSamples(samples, "event_processing_duration_seconds_bucket", { consumer: "billing", le: "+Inf" })).toBe(60);

        await consumer.stop();
        const info = await (await jetstreamManager(s.nc)).consumers.info("EVENTS", "billing");
        expect(info.num_ack_pending).toBe(0);
        expect(info.num_redelivered).toBe(0);
        expect(info.num_pending).toBe(0);
    });

    it("refuses a bad event type before anything is sent and creates no series for it", async () => {
        const jsm = await jetstreamManager(s.nc);
        const before = (await jsm.streams.info("EVENTS")).state.messages;
        expect(() => s.inst.publishEvent("Order Created", {})).toThrow(/event type "Order Created" is refused: it must match/);
        expect(() => s.inst.publishEvent("order.created.v2", {})).toThrow(/event type "order.created.v2" is refused/);
        expect((await jsm.streams.info("EVENTS")).state.messages).toBe(before);
        const text = await s.inst.metrics.registry.metrics();
        expect(text).not.toContain("Order Created");
        expect(text).not.toContain("order.created.v2");
        await expect(s.inst.consumeEvents({ consumer: "Bad Name", eventTypes: ["order.created"], handler: () => undefined })).rejects.toThrow(
            /consumer "Bad Name" is refused/,
        );
    });

    it("counts a core-NATS publish and delivers it to a core subscription", async () => {
        const got: EventEnvelope[] = [];
        const sub = s.inst.subscribeEvents({ consumer: "audit", eventTypes: ["payment.refunded"], handler: (e) => void got.push(e) });
        await s.nc.flush();
        const before = await value(s.inst, "event_published_total", { event_type: "payment.refunded" });
        for (let i = 0; i < 5; i++) await s.inst.publishEvent("payment.refunded", { i }, { delivery: "core" });
        await eventually("5 core events received", () => got.length === 5);
        expect(await value(s.inst, "event_published_total", { event_type: "payment.refunded" })).toBe(before + 5);
        expect(await value(s.inst, "event_consumed_total", { event_type: "payment.refunded", consumer: "audit" })).toBe(5);
        await sub.stop();
    });

    it("counts and logs a failing core handler, saying the event is not redelivered", async () => {
        const sub = s.inst.subscribeEvents({
            consumer: "ledger",
            eventTypes: ["payment.captured"],
            handler: () => {
                throw new Error("ledger is read-only");
            },
        });
        await s.nc.flush();
        await s.inst.publishEvent("payment.captured", { amount: 5 }, { delivery: "core", traceId: "trace-ledger" });
        const labels = { event_type: "payment.captured", consumer: "ledger" };
        await eventually("the failure counted", async () => (await value(s.inst, "event_processing_errors_total", labels)) === 1);
        expect(await value(s.inst, "event_consumed_total", labels)).toBe(1);
        const line = s.logs.lines.find((l) => l.consumer === "ledger");
        expect(line).toMatchObject({
            level: "error",
            component: "event-handler",
            traceId: "trace-ledger",
            msg: "event handler failed, core NATS does not redeliver it",
        });
        await sub.stop();
    });
});

describe("failure handling: nak with delay, redelivery, then term, all counted and logged", () => {
    let s: Awaited<ReturnType<typeof service>>;
    beforeAll(async () => {
        s = await service("EVENTS2");
    });
    afterAll(async () => {
        await s?.inst.shutdown();
    });

    it("redelivers a failing event up to maxDeliver, then terminates and logs it; others are unaffected", async () => {
        const attempts = new Map<string, number>();
        const reports: DeliveryReport[] = [];
        const consumer = await s.inst.consumeEvents({
            stream: "EVENTS2",
            consumer: "shipping",
            eventTypes: ["payment.authorized"],
            maxDeliver: 3,
            nakDelayMs: 100,
            ackWaitMs: 1000,
            handler: (e) => {
                const n = (attempts.get(e.id) ?? 0) + 1;
                attempts.set(e.id, n);
                const kind = (e.data as { kind: string }).kind;
                if (kind === "poison") throw new Error("carrier API rejected the address");
                if (kind === "flaky" && n === 1) throw new Error("carrier API timed out");
            },
            onDelivery: (r) => reports.push(r),
        });
        const poison = await s.inst.publishEvent("payment.authorized", { kind: "poison" }, { traceId: "trace-poison" });
        const flaky = await s.inst.publishEvent("payment.authorized", { kind: "flaky" });
        const fine = await s.inst.publishEvent("payment.authorized", { kind: "fine" });

        await eventually(
            "poison terminated and flaky acked",
            () => reports.some((r) => r.outcome === "term") && reports.filter((r) => r.outcome === "ack").length === 2,
        );
        // Longer than ack wait + nak delay: a terminated event must not come back.
        await new Promise((r) => setTimeout(r, 1500));
        expect(attempts.get(poison.envelope.id)).toBe(3);
        expect(attempts.get(flaky.envelope.id)).toBe(2);
        expect(attempts.get(fine.envelope.id)).toBe(1);
        const poisonReports = reports.filter((r) => r.envelope?.id === poison.envelope.id);
        expect(poisonReports.map((r) => [r.outcome, r.deliveryCount, r.redelivered])).toEqual([
            ["nak", 1, false],
            ["nak", 2, true],
            ["term", 3, true],
        ]);

        const labels = { event_type: "payment.authorized", consumer: "shipping" };
        expect(await value(s.inst, "event_consumed_total", labels)).toBe(6); // 3 + 2 + 1 deliveries handled
        expect(await value(s.inst, "event_processing_errors_total", labels)).toBe(4); // 3 poison + 1 flaky

        const errors = s.logs.lines.filter((l) => l.level === "error");
        expect(errors).toHaveLength(4);
        for (const l of errors)
            expect(l).toMatchObject({ service: "orders", component: "event-handler", consumer: "shipping", eventType: "payment.authorized" });
        const terminated = errors.filter((l) => l.outcome === "term");
        expect(terminated).toHaveLength(1);
        expect(terminated[0]).toMatchObject({
            msg: "event handler failed, event terminated",
            traceId: "trace-poison",
            eventId: poison.envelope.id,
            deliveryCount: 3,
        });
        expect((terminated[0].err as { message: string }).message).toBe("carrier API rejected the address");

        await consumer.stop();
        const info = await (await jetstreamManager(s.nc)).consumers.info("EVENTS2", "shipping");
        expect(info.num_ack_pending).toBe(0);
        expect(info.num_pending).toBe(0);
    });

    it("terminates a payload that is not an envelope, counted under event_type=invalid and logged", async () => {
        const handled: EventEnvelope[] = [];
        const reports: DeliveryReport[] = [];
        const consumer = await s.inst.consumeEvents({
            stream: "EVENTS2",
            consumer: "notifications",
            eventTypes: ["shipment.dispatched"],
            handler: (e) => void handled.push(e),
            onDelivery: (r) => reports.push(r),
        });
        s.nc.publish("events.shipment.dispatched", "this is not an envelope");
        await s.nc.flush();
        await eventually("invalid payload handled", () => reports.length === 1);
        expect(reports[0]).toMatchObject({ outcome: "term", eventType: INVALID_EVENT_TYPE, deliveryCount: 1 });
        expect(handled).toHaveLength(0);
        expect(await value(s.inst, "event_processing_errors_total", { event_type: INVALID_EVENT_TYPE, consumer: "notifications" })).toBe(1);
        expect(s.logs.lines.some((l) => l.msg === "invalid event terminated" && l.consumer === "notifications" && l.level === "error")).toBe(true);
        await consumer.stop();
    });
});
