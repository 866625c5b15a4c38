import { interleaved, median, overheadMicros, ratio } from "../../instrumentation/bench/measure";

describe("benchmark arithmetic", () => {
    it("takes medians of odd and even round counts", () => {
        expect(median([3, 1, 2])).toBe(2);
        expect(median([4, 1, 3, 2])).toBe(2.5);
        expect(() => median([])).toThrow(/no values/);
    });

    it("alternates which side runs first and reports ratio and per-event overhead from the medians", async () => {
        const order: string[] = [];
        // raw: 1000 events in 1 ms (1M/s); instrumented: 1000 events in 1.25 ms (800k/s): 0.25 µs more per event.
        const c = await interleaved(
            "x",
            4,
            () => (order.push("raw"), Promise.resolve({ events: 1000, seconds: 0.001, cpuSeconds: 0.001 })),
            () => (order.push("instr"), Promise.resolve({ events: 1000, seconds: 0.00125, cpuSeconds: 0.00125 })),
        );
        expect(order).toEqual(["raw", "instr", "instr", "raw", "raw", "instr", "instr", "raw"]);
        expect(ratio(c)).toBeCloseTo(0.8, 10);
        expect(overheadMicros(c)).toBeCloseTo(0.25, 10);
    });
});
