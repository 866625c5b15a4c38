import { stringify } from "yaml";

import type { LogLevel } from "../config/types";
import { LOKI_INDEX_PERIOD } from "./loki";
import { logLevelFor } from "./logLevels";

/** Data directory of loki-stack's Loki: its chart mounts the PVC at /data and makes the root filesystem read-only. */
export const LOKI_STACK_DATA_DIR = "/data/loki";

/**
 * Renders the Loki 2.9 config that loki-stack runs on prod (its chart takes it from a Secret we manage). Loki 2.9 is
 * not Loki 3: the schema is tsdb v12 (v13 arrived with 3.0), and the shipper and compactor still need
 * `shared_store`. Retention is the compactor's, as on dev, from the same stack setting.
 */
export function renderLokiStackConfig(opts: {
    retentionPeriod: string;
    logLevel: LogLevel;
    limits: { ingestionRateMb: number; ingestionBurstSizeMb: number; perStreamRateLimitMb: number };
}): string {
    const dir = LOKI_STACK_DATA_DIR;
    return stringify({
        auth_enabled: false,
        server: { http_listen_port: 3100, grpc_listen_port: 9095, log_level: logLevelFor("loki", opts.logLevel) },
        common: {
            path_prefix: dir,
            replication_factor: 1,
            ring: { kvstore: { store: "inmemory" } },
            storage: { filesystem: { chunks_directory: `${dir}/chunks`, rules_directory: `${dir}/rules` } },
        },
        ingester: { wal: { dir: `${dir}/wal` } },
        schema_config: {
            configs: [
                {
                    from: "2024-01-01",
                    store: "tsdb",
                    object_store: "filesystem",
                    schema: "v12",
                    index: { prefix: "index_", period: LOKI_INDEX_PERIOD },
                },
            ],
        },
        storage_config: {
            tsdb_shipper: {
                active_index_directory: `${dir}/tsdb-index`,
                cache_location: `${dir}/tsdb-cache`,
                shared_store: "filesystem",
            },
        },
        compactor: {
            working_directory: `${dir}/compactor`,
            shared_store: "filesystem",
            compaction_interval: "10m",
            retention_enabled: true,
            retention_delete_delay: "2h",
        },
        limits_config: {
            retention_period: opts.retentionPeriod,
            reject_old_samples: true,
            reject_old_samples_max_age: "168h",
            ingestion_rate_mb: opts.limits.ingestionRateMb,
            ingestion_burst_size_mb: opts.limits.ingestionBurstSizeMb,
            per_stream_rate_limit: `${opts.limits.perStreamRateLimitMb}MB`,
            per_stream_rate_limit_burst: `${opts.limits.perStreamRateLimitMb * 2}MB`,
        },
        analytics: { reporting_enabled: false },
    });
}
