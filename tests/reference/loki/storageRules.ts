/** Directories, storage backends, the compactor and retention, as Loki's config wrapper and Validate() check them. */
import { ConfigDoc, isBlock, LokiConfigProblem, lokiSource, problem, valueAt } from "./problem";
import { referenceDefault } from "./reference";
import { durationMs } from "./valueGrammars";

const VALIDATION = lokiSource("pkg/loki/validation.go (validateDirectoriesExist)");
const WRAPPER = lokiSource("pkg/loki/config_wrapper.go");
const COMPACTOR = lokiSource("pkg/compactor/config.go (Config.Validate)");
const LIMITS = lokiSource("pkg/validation/limits.go (Limits.Validate)");
const DAY_MS = 86_400_000;

const setting = (doc: ConfigDoc, path: string): unknown => valueAt(doc, path) ?? referenceDefault(path);
const stores = (doc: ConfigDoc): unknown[] => {
    const configs = valueAt(doc, "schema_config.configs");
    return Array.isArray(configs) ? configs.map((c) => (isBlock(c) ? c.store : undefined)) : [];
};

/**
 * With a tsdb (or boltdb-shipper) period, the shipper's active_index_directory and cache_location must be set,
 * directly or derived from common.path_prefix (betterTSDBShipperDefaults in config_wrapper.go); the compactor's
 * working_directory must not be empty (its default /var/loki/compactor, or <path_prefix>/compactor).
 */
function directoryProblems(doc: ConfigDoc): LokiConfigProblem[] {
    const prefix = valueAt(doc, "common.path_prefix");
    const hasPrefix = typeof prefix === "string" && prefix !== "";
    const out: LokiConfigProblem[] = [];
    for (const [store, block] of [
        ["tsdb", "tsdb_shipper"],
        ["boltdb-shipper", "boltdb_shipper"],
    ]) {
        if (!stores(doc).includes(store) || hasPrefix) continue;
        for (const dir of ["active_index_directory", "cache_location"]) {
            const path = `storage_config.${block}.${dir}`;
            if (!setting(doc, path)) {
                out.push(
                    problem(
                        "index-directories",
                        path,
                        valueAt(doc, path),
                        `a ${store} period needs ${path}, and common.path_prefix is not set to derive it (Loki's CONFIG ERROR)`,
                        `set common.path_prefix (e.g. /loki) or ${path}`,
                        `${VALIDATION}; ${WRAPPER}`,
                    ),
                );
            }
        }
    }
    const working =
        hasPrefix && valueAt(doc, "compactor.working_directory") === undefined ? `${prefix}/compactor` : setting(doc, "compactor.working_directory");
    if (stores(doc).some((s) => s === "tsdb" || s === "boltdb-shipper") && !working) {
        out.push(
            problem(
                "compactor-working-directory",
                "compactor.working_directory",
                valueAt(doc, "compactor.working_directory"),
                "empty: the compactor has nowhere to work",
                "set it (e.g. /loki/compactor) or set common.path_prefix and leave it out",
                `${VALIDATION}; ${WRAPPER}`,
            ),
        );
    }
    return out;
}

/** applyStorageConfig: at most one backend under common.storage (ErrTooManyStorageConfigs). */
function commonStorageProblems(doc: ConfigDoc): LokiConfigProblem[] {
    const storage = valueAt(doc, "common.storage");
    if (!isBlock(storage)) return [];
    const backends = ["s3", "gcs", "azure", "alibabacloud", "bos", "swift", "cos", "filesystem"].filter(
        (b) => isBlock(storage[b]) && Object.keys(storage[b] as object).length > 0,
    );
    return backends.length > 1
        ? [
              problem(
                  "common-storage-backends",
                  "common.storage",
                  backends,
                  `${backends.length} storage backends (${backends.join(", ")}): Loki takes one`,
                  "keep one backend under common.storage; put others under storage_config.named_stores",
                  `${WRAPPER} (applyStorageConfig, ErrTooManyStorageConfigs)`,
              ),
          ]
        : [];
}

const pathPrefixFault = (prefix: unknown): boolean =>
    !(typeof prefix === "string" && prefix !== "" && !prefix.includes("\\") && !prefix.startsWith("/") && prefix.endsWith("/"));

function compactorProblems(doc: ConfigDoc): LokiConfigProblem[] {
    const out: LokiConfigProblem[] = [];
    const parallelism = valueAt(doc, "compactor.max_compaction_parallelism");
    if (typeof parallelism === "number" && parallelism < 1) {
        out.push(
            problem(
                "compactor-parallelism",
                "compactor.max_compaction_parallelism",
                parallelism,
                "must be at least 1",
                "leave it out (default 1)",
                COMPACTOR,
            ),
        );
    }
    // compactor_ring.num_tokens / replication_factor (which Validate refuses to change) are hidden from the reference,
    // so the key allow-list already refuses them.
    if (valueAt(doc, "compactor.retention_enabled") !== true) return out;
    if (!valueAt(doc, "compactor.delete_request_store")) {
        out.push(
            problem(
                "delete-request-store",
                "compactor.delete_request_store",
                valueAt(doc, "compactor.delete_request_store"),
                "retention is enabled but no delete-request store is set (required since Loki 3.0)",
                "set compactor.delete_request_store to the object store, e.g. filesystem",
                COMPACTOR,
            ),
        );
    }
    const keyPrefix = setting(doc, "compactor.delete_request_store_key_prefix");
    if (pathPrefixFault(keyPrefix)) {
        out.push(
            problem(
                "delete-request-prefix",
                "compactor.delete_request_store_key_prefix",
                keyPrefix,
                "must use '/' separators, not start with '/' and end with '/'",
                "leave it out (default index/)",
                `${COMPACTOR}; ${lokiSource("pkg/storage/config/schema_config.go (ValidatePathPrefix)")}`,
            ),
        );
    }
    const marker = valueAt(doc, "compactor.deletion_marker_object_store_prefix");
    if (typeof marker === "string" && marker !== "" && !marker.endsWith("/")) {
        out.push(
            problem(
                "deletion-marker-prefix",
                "compactor.deletion_marker_object_store_prefix",
                marker,
                "must end with '/'",
                "add the trailing /",
                COMPACTOR,
            ),
        );
    }
    return out;
}

/**
 * Retention: every retention_stream period must be ≥ 24h (Limits.Validate). Loki's Validate does not check the global
 * retention_period, but the retention guide states the 24h minimum (retention deletes whole daily index tables), and
 * our stack config promises it: the checker holds it to that (0 disables retention and is allowed).
 */
function retentionProblems(doc: ConfigDoc): LokiConfigProblem[] {
    const out: LokiConfigProblem[] = [];
    const period = valueAt(doc, "limits_config.retention_period");
    const ms = typeof period === "string" ? durationMs(period) : undefined;
    if (ms !== undefined && ms !== 0 && ms < DAY_MS) {
        out.push(
            problem(
                "retention-minimum",
                "limits_config.retention_period",
                period,
                "below the documented 24h minimum of retention",
                "use at least 24h (or 0 for no retention)",
                lokiSource("docs/sources/operations/storage/retention.md"),
            ),
        );
    }
    const streams = valueAt(doc, "limits_config.retention_stream");
    (Array.isArray(streams) ? streams : []).forEach((rule, i) => {
        const p = isBlock(rule) && typeof rule.period === "string" ? durationMs(rule.period) : undefined;
        if (p === undefined || p < DAY_MS) {
            out.push(
                problem(
                    "retention-stream-minimum",
                    `limits_config.retention_stream[${i}].period`,
                    isBlock(rule) ? rule.period : rule,
                    "a per-stream retention period must be at least 24h",
                    "use at least 24h",
                    LIMITS,
                ),
            );
        }
    });
    return out;
}

/** The limits whose bounds Limits.Validate enforces. */
function limitProblems(doc: ConfigDoc): LokiConfigProblem[] {
    const out: LokiConfigProblem[] = [];
    const shard = valueAt(doc, "limits_config.tsdb_max_bytes_per_shard");
    if (shard === 0 || shard === "0" || (typeof shard === "string" && /^0+\s*[A-Za-z]*$/.test(shard))) {
        out.push(
            problem(
                "tsdb-max-bytes-per-shard",
                "limits_config.tsdb_max_bytes_per_shard",
                shard,
                "must be greater than 0",
                "leave it out (default 600MB)",
                LIMITS,
            ),
        );
    }
    const bucket = valueAt(doc, "limits_config.engine_results_cache_time_bucket_interval");
    const bucketMs = typeof bucket === "string" ? durationMs(bucket) : undefined;
    if (bucketMs !== undefined && bucketMs < 60_000) {
        out.push(
            problem(
                "results-cache-bucket",
                "limits_config.engine_results_cache_time_bucket_interval",
                bucket,
                "must be at least 1m",
                "use 1m or more (default 1d)",
                LIMITS,
            ),
        );
    }
    return out;
}

export function storageProblems(doc: ConfigDoc): LokiConfigProblem[] {
    return [...directoryProblems(doc), ...commonStorageProblems(doc), ...compactorProblems(doc), ...retentionProblems(doc), ...limitProblems(doc)];
}
