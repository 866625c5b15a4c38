import { stringify } from "yaml";

import type { LogLevel } from "../config/types";
import { logLevelFor } from "./logLevels";

export interface LokiConfigOptions {
    /** `limits_config.retention_period`, a Go duration of at least 24h. */
    readonly retentionPeriod: string;
    readonly logLevel: LogLevel;
    /** Per-tenant ingestion limits from the tier. */
    readonly limits: { readonly ingestionRateMb: number; readonly ingestionBurstSizeMb: number; readonly perStreamRateLimitMb: number };
    /** Alertmanager for Loki's ruler. */
    readonly alertmanagerUrl: string;
    /** Data directory: the container's volume. */
    readonly dataDir?: string;
    readonly httpPort?: number;
}

/** Loki's minimum retention period and index period: retention needs a 24h index period. */
export const LOKI_INDEX_PERIOD = "24h";

/**
 * Renders a Loki 3.7 single-binary config: TSDB index with schema v13 (required for structured metadata, which is
 * on by default), filesystem storage on the data volume, and compactor-based retention. Loki parses its config
 * strictly, so only keys of the 3.7 configuration reference appear (checked by tests/allowlists).
 */
export function renderLokiConfig(opts: LokiConfigOptions): string {
    const dir = opts.dataDir ?? "/loki";
    return stringify({
        auth_enabled: false,
        server: {
            http_listen_port: opts.httpPort ?? 3100,
            grpc_listen_port: 9096,
            log_level: logLevelFor("loki", opts.logLevel),
        },
        common: {
            instance_addr: "127.0.0.1",
            path_prefix: dir,
            storage: { filesystem: { chunks_directory: `${dir}/chunks`, rules_directory: `${dir}/rules` } },
            replication_factor: 1,
            ring: { kvstore: { store: "inmemory" } },
        },
        schema_config: {
            configs: [
                {
                    from: "2024-01-01",
                    store: "tsdb",
                    object_store: "filesystem",
                    schema: "v13",
                    index: { prefix: "index_", period: LOKI_INDEX_PERIOD },
                },
            ],
        },
        compactor: {
            working_directory: `${dir}/compactor`,
            compaction_interval: "10m",
            retention_enabled: true,
            retention_delete_delay: "2h",
            // Required since Loki 3.0 whenever retention is enabled.
            delete_request_store: "filesystem",
        },
        limits_config: {
            retention_period: opts.retentionPeriod,
            reject_old_samples: true,
            reject_old_samples_max_age: "168h",
            allow_structured_metadata: true,
            volume_enabled: true,
            ingestion_rate_mb: opts.limits.ingestionRateMb,
            ingestion_burst_size_mb: opts.limits.ingestionBurstSizeMb,
            per_stream_rate_limit: `${opts.limits.perStreamRateLimitMb}MB`,
            per_stream_rate_limit_burst: `${opts.limits.perStreamRateLimitMb * 2}MB`,
        },
        ruler: { alertmanager_url: opts.alertmanagerUrl },
        analytics: { reporting_enabled: false },
    });
}
