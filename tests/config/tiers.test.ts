import {
    MAX_STACK_CPU_FRACTION,
    MAX_STACK_DISK_FRACTION,
    MAX_STACK_MEMORY_FRACTION,
    sizeTier,
    SIZED_SERVICES,
    STORED_SERVICES,
    TIER_HARDWARE,
} from "../../config/tiers";
import { TIER_NAMES } from "../../config/types";

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe.each(TIER_NAMES)("tier %s", (tier) => {
    const sizing = sizeTier(tier);
    const hw = TIER_HARDWARE[tier];

    it("keeps the stack's memory limits within 60% of the tier", () => {
        const total = sum(SIZED_SERVICES.map((s) => sizing.services[s].memoryMb));
        expect(total).toBeLessThanOrEqual(hw.memoryMb * MAX_STACK_MEMORY_FRACTION);
        expect(MAX_STACK_MEMORY_FRACTION).toBe(0.6);
    });

    it("keeps the stack's CPU limits within 60% of the tier", () => {
        expect(sum(SIZED_SERVICES.map((s) => sizing.services[s].cpus))).toBeLessThanOrEqual(hw.cpus * MAX_STACK_CPU_FRACTION);
    });

    it("keeps the storage budgets within the tier's disk", () => {
        expect(sum(STORED_SERVICES.map((s) => sizing.storageMb[s]))).toBeLessThanOrEqual(hw.diskGb * 1024 * MAX_STACK_DISK_FRACTION);
    });

    it("gives every service a positive limit", () => {
        for (const s of SIZED_SERVICES) {
            expect(sizing.services[s].memoryMb).toBeGreaterThanOrEqual(64);
            expect(sizing.services[s].cpus).toBeGreaterThan(0);
        }
    });

    it("sets Prometheus retention.size to about 80% of its volume", () => {
        const sizeMb = Number(/^(\d+)MB$/.exec(sizing.prometheusRetentionSize)?.[1]);
        expect(sizeMb / sizing.storageMb.prometheus).toBeCloseTo(0.8, 2);
    });

    it("sizes JetStream from the tier: file store below its volume, memory store below the NATS limit", () => {
        expect(sizing.jetstream.maxFileStoreMb).toBeLessThan(sizing.storageMb.nats);
        expect(sizing.jetstream.maxFileStoreMb).toBeGreaterThan(0);
        expect(sizing.jetstream.maxMemoryStoreMb).toBeLessThan(sizing.services.nats.memoryMb);
        expect(sizing.jetstream.maxMemoryStoreMb).toBeGreaterThan(0);
    });

    it("bounds Loki ingestion: burst at least the rate, per-stream at most the rate", () => {
        expect(sizing.loki.ingestionBurstSizeMb).toBeGreaterThanOrEqual(sizing.loki.ingestionRateMb);
        expect(sizing.loki.perStreamRateLimitMb).toBeLessThanOrEqual(sizing.loki.ingestionRateMb);
    });
});

describe("tier hardware", () => {
    it("matches the documented tiers", () => {
        expect(TIER_HARDWARE.dev).toEqual({ cpus: 4, memoryMb: 8192, diskGb: 20 });
        expect(TIER_HARDWARE.prod).toEqual({ cpus: 8, memoryMb: 16384, diskGb: 100 });
    });

    it("gives prod more of everything than dev", () => {
        const dev = sizeTier("dev");
        const prod = sizeTier("prod");
        for (const s of SIZED_SERVICES) expect(prod.services[s].memoryMb).toBeGreaterThan(dev.services[s].memoryMb);
        expect(prod.jetstream.maxFileStoreMb).toBeGreaterThan(dev.jetstream.maxFileStoreMb);
        // Not the design document's fixed 100GB/500GB JetStream limits, which exceed both tiers' disks.
        expect(prod.jetstream.maxFileStoreMb).toBeLessThan(100 * 1024);
    });
});
