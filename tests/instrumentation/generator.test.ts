/** The event generator's flags and domain model, without running it (generator.programs.ts runs the CLI). */
import { consumersPerType, DOMAIN_CONSUMERS, EVENT_TYPES, FlowScheduler, orderFlow, seededRandom } from "../../instrumentation/generator/domain";
import { parseDuration, parseGeneratorFlags } from "../../instrumentation/generator/flags";
import { percentile } from "../../instrumentation/generator/summary";

jest.setTimeout(90_000);

describe("generator flags", () => {
    it("has the documented defaults", () => {
        const o = parseGeneratorFlags(["--password-file", "pw"]);
        expect(o).toMatchObject({
            nats: "nats://127.0.0.1:4222",
            user: "microservice",
            passwordFile: "pw",
            rate: 200,
            durationMs: 60_000,
            errorRate: 0.02,
            httpRate: 20,
            metricsHost: "127.0.0.1",
            metricsPort: undefined,
            stream: "EVENTS",
            createStream: true,
            delivery: "jetstream",
        });
        expect(parseGeneratorFlags(["--help"])).toBe("help");
        expect(parseGeneratorFlags(["--no-create-stream", "--metrics-port", "0", "--metrics-host", "0.0.0.0"])).toMatchObject({
            createStream: false,
            metricsPort: 0,
            metricsHost: "0.0.0.0",
        });
    });

    it.each([
        [["--rate", "fast"], /--rate "fast" is invalid: use events per second, a number > 0/],
        [["--rate", "0"], /--rate "0" is invalid/],
        [["--duration", "5x"], /--duration "5x" is not a duration: use a number with ms, s, m or h \(e.g. 60s\)/],
        [["--error-rate", "2"], /--error-rate "2" is invalid: use a probability between 0 and 1/],
        [["--metrics-port", "70000"], /--metrics-port "70000" is invalid: use a TCP port 0-65535/],
        [["--nats", "http://localhost:4222"], /--nats "http:\/\/localhost:4222" is not a NATS URL: use nats:\/\/host:port/],
        [["--delivery", "email"], /--delivery "email" is invalid: use jetstream or core/],
        [["--log-level", "trace"], /--log-level "trace" is invalid: use one of debug, info, warn, error/],
        [["--max-deliver", "1.5"], /--max-deliver "1.5" is invalid: use an integer 1-100/],
        [["--frobnicate"], /Unknown option '--frobnicate'.*run with --help/],
    ])("refuses %j with a message naming the flag, the value and the fix", (argv, message) => {
        expect(() => parseGeneratorFlags(argv)).toThrow(message);
    });

    it("reads durations in ms, s, m and h", () => {
        expect([parseDuration("d", "250ms"), parseDuration("d", "5s"), parseDuration("d", "1.5m"), parseDuration("d", "2h")]).toEqual([
            250, 5000, 90_000, 7_200_000,
        ]);
    });
});

describe("generator domain", () => {
    it("orders flow in causal order: created, then paid or declined, then shipped or cancelled", () => {
        const random = seededRandom(7);
        const shapes = new Set<string>();
        for (let i = 1; i <= 500; i++) {
            const flow = orderFlow(random, i);
            shapes.add(flow.map((e) => e.type).join(" > "));
            expect(new Set(flow.map((e) => e.data.orderId))).toEqual(new Set([`ord-${i}`]));
        }
        expect([...shapes].sort()).toEqual([
            "order.created > payment.authorized > order.confirmed > shipment.dispatched > shipment.delivered",
            "order.created > payment.failed > order.cancelled",
        ]);
    });

    it("never hands out an order's next event before the previous one was published, and keeps its order", () => {
        const flows = new FlowScheduler(seededRandom(3));
        const unpublished = new Set<string>();
        const sequences = new Map<string, string[]>();
        const pending: (() => void)[] = [];
        for (let i = 0; i < 2000; i++) {
            const { event, published } = flows.next();
            const order = String(event.data.orderId);
            expect(unpublished.has(order)).toBe(false);
            unpublished.add(order);
            sequences.set(order, [...(sequences.get(order) ?? []), event.type]);
            pending.push(() => {
                unpublished.delete(order);
                published();
            });
            // Acks come back out of order, a few at a time.
            if (pending.length > 5) pending.splice(Math.floor(pending.length / 2), 1)[0]();
        }
        const paid = "order.created payment.authorized order.confirmed shipment.dispatched shipment.delivered";
        const declined = "order.created payment.failed order.cancelled";
        for (const seq of sequences.values()) {
            const s = seq.join(" ");
            expect(paid.startsWith(s) || declined.startsWith(s)).toBe(true);
        }
        expect([...sequences.values()].filter((s) => s.length === 5).length).toBeGreaterThan(100);
    });

    it("routes every event type to at least one consumer", () => {
        const counts = consumersPerType(DOMAIN_CONSUMERS);
        for (const t of EVENT_TYPES) expect(counts.get(t)).toBeGreaterThan(0);
    });

    it("computes nearest-rank percentiles", () => {
        const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
        expect([percentile(sorted, 0.5), percentile(sorted, 0.95), percentile(sorted, 0.99), percentile([], 0.5)]).toEqual([50, 95, 99, 0]);
    });
});
