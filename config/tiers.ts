import type { TierName } from "./types";

/** The hardware a tier stands for: what the whole machine (dev) or cluster (prod) has. */
export interface TierHardware {
    readonly cpus: number;
    readonly memoryMb: number;
    readonly diskGb: number;
}

export const TIER_HARDWARE: Readonly<Record<TierName, TierHardware>> = {
    dev: { cpus: 4, memoryMb: 8 * 1024, diskGb: 20 },
    prod: { cpus: 8, memoryMb: 16 * 1024, diskGb: 100 },
};

/** Services of the stack that get a CPU/memory budget. */
export const SIZED_SERVICES = ["prometheus", "alertmanager", "loki", "logCollector", "grafana", "nats", "natsExporter"] as const;
export type SizedService = (typeof SIZED_SERVICES)[number];

/** Services with persistent data. */
export const STORED_SERVICES = ["prometheus", "alertmanager", "loki", "grafana", "nats"] as const;
export type StoredService = (typeof STORED_SERVICES)[number];

/**
 * The one sizing table: each service's share of the tier. Memory shares add up to 0.58 of the tier (the rest, 42%,
 * is for the microservices); CPU shares are limits, so they may overlap less strictly but stay below 60% too.
 * Disk shares add up to 0.75 (images, container logs and the OS need the rest).
 */
export const MEMORY_SHARE: Readonly<Record<SizedService, number>> = {
    prometheus: 0.18,
    alertmanager: 0.02,
    loki: 0.12,
    logCollector: 0.04,
    grafana: 0.06,
    nats: 0.14,
    natsExporter: 0.02,
};

export const CPU_SHARE: Readonly<Record<SizedService, number>> = {
    prometheus: 0.15,
    alertmanager: 0.025,
    loki: 0.1,
    logCollector: 0.05,
    grafana: 0.075,
    nats: 0.15,
    natsExporter: 0.025,
};

export const DISK_SHARE: Readonly<Record<StoredService, number>> = {
    prometheus: 0.35,
    alertmanager: 0.01,
    loki: 0.22,
    grafana: 0.02,
    nats: 0.15,
};

/** Stack-wide caps the table must respect; tests check the table against them. */
export const MAX_STACK_MEMORY_FRACTION = 0.6;
export const MAX_STACK_CPU_FRACTION = 0.6;
export const MAX_STACK_DISK_FRACTION = 0.8;

/** Prometheus `retention.size` as a fraction of its volume: WAL and head blocks count against the volume too. */
export const PROMETHEUS_RETENTION_SIZE_FRACTION = 0.8;
/** JetStream file store as a fraction of its volume (leaves room for the meta/raft files). */
export const JETSTREAM_FILE_STORE_FRACTION = 0.9;
/** JetStream memory store as a fraction of the NATS container's memory limit (the server needs the rest). */
export const JETSTREAM_MEMORY_STORE_FRACTION = 0.5;

export interface ServiceSize {
    /** CPU limit in cores, e.g. 0.6. */
    readonly cpus: number;
    /** Memory limit in MiB. */
    readonly memoryMb: number;
}

export interface TierSizing {
    readonly tier: TierName;
    readonly hardware: TierHardware;
    readonly services: Readonly<Record<SizedService, ServiceSize>>;
    /** Volume budget per stored service, in MiB. */
    readonly storageMb: Readonly<Record<StoredService, number>>;
    /** Prometheus `--storage.tsdb.retention.size`, e.g. `5734MB`. */
    readonly prometheusRetentionSize: string;
    readonly jetstream: { readonly maxFileStoreMb: number; readonly maxMemoryStoreMb: number };
    /** Loki per-tenant ingestion limits. */
    readonly loki: { readonly ingestionRateMb: number; readonly ingestionBurstSizeMb: number; readonly perStreamRateLimitMb: number };
}

/** Turns a tier into per-service limits and storage budgets. Pure; the only place sizes are computed. */
export function sizeTier(tier: TierName): TierSizing {
    const hw = TIER_HARDWARE[tier];
    const services = Object.fromEntries(
        SIZED_SERVICES.map((s) => [
            s,
            {
                cpus: Math.round(hw.cpus * CPU_SHARE[s] * 100) / 100,
                memoryMb: Math.floor(hw.memoryMb * MEMORY_SHARE[s]),
            },
        ]),
    ) as Record<SizedService, ServiceSize>;
    const diskMb = hw.diskGb * 1024;
    const storageMb = Object.fromEntries(STORED_SERVICES.map((s) => [s, Math.floor(diskMb * DISK_SHARE[s])])) as Record<StoredService, number>;
    // Loki's bound on disk is time-based (retention) and best-effort: these limits cap how fast it can fill.
    const lokiRate = Math.max(2, Math.round(storageMb.loki / 1024));
    return {
        tier,
        hardware: hw,
        services,
        storageMb,
        prometheusRetentionSize: `${Math.floor(storageMb.prometheus * PROMETHEUS_RETENTION_SIZE_FRACTION)}MB`,
        jetstream: {
            maxFileStoreMb: Math.floor(storageMb.nats * JETSTREAM_FILE_STORE_FRACTION),
            maxMemoryStoreMb: Math.floor(services.nats.memoryMb * JETSTREAM_MEMORY_STORE_FRACTION),
        },
        loki: {
            ingestionRateMb: lokiRate,
            ingestionBurstSizeMb: lokiRate * 2,
            perStreamRateLimitMb: Math.max(1, Math.floor(lokiRate / 2)),
        },
    };
}
