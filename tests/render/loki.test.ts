/**
 * The dev stack's Loki configs pass the Loki 3.7.6 checker by reference (tests/reference/loki), and the checker
 * refuses each kind of config Loki 3.7.6 refuses: one broken variant of our real rendered config per rule, and every
 * Loki key of the original design document that Loki 3 rejects. Loki itself is not run: its module is AGPL.
 */
import { parse } from "yaml";

import { renderDockerConfigFiles } from "../../platforms/docker/services";
import { buildMonitoringContent } from "../../monitoring/content";
import { configFor, loadStackConfig } from "../../config/stack";
import { sizeTier } from "../../config/tiers";
import { LOG_LEVELS, TIER_NAMES } from "../../config/types";
import { installMocks } from "../support/mocks";
import { setStackConfig } from "../support/stackConfig";
import { checkLokiConfig, describeProblems, LOKI_CHECK_SCOPE } from "../reference/loki/configCheck";

// The stack config is read through Pulumi's config API, which needs the project the mocks set.
installMocks({ stack: "dev" });

/** Which schema period is active depends on the date: the refusal cases pin it. */
const NOW = new Date("2026-12-01T00:00:00Z");

/** The Loki config the dev stack renders for these stack settings. */
function renderedLokiConfig(overrides: Record<string, unknown> = {}): string {
    setStackConfig("dev", overrides);
    const config = configFor(loadStackConfig(), "docker");
    return renderDockerConfigFiles(config, sizeTier(config.tier), buildMonitoringContent(config)).loki;
}

type Doc = Record<string, any>;
/** Our rendered config (dev tier, defaults) changed by `mutate`. */
function brokenVariant(mutate: (doc: Doc) => void): Doc {
    const doc = parse(renderedLokiConfig()) as Doc;
    mutate(doc);
    return doc;
}
const found = (config: string | Doc) => checkLokiConfig(config, { now: NOW }).map((p) => [p.rule, p.path]);
const period = (doc: Doc, i = 0): Doc => doc.schema_config.configs[i];
const v12Period = { from: "2023-01-01", store: "tsdb", object_store: "filesystem", schema: "v12", index: { prefix: "index_", period: "24h" } };

afterAll(() => process.stdout.write(`${LOKI_CHECK_SCOPE}\n`));

describe("every Loki config the dev stack can render passes the Loki 3.7.6 checker", () => {
    const cases = TIER_NAMES.flatMap((tier) =>
        LOG_LEVELS.flatMap((logLevel) => ["24h", "744h", "2160h", "31d"].map((lokiRetention) => ({ tier, logLevel, lokiRetention }))),
    );

    it.each(cases)("tier $tier, logLevel $logLevel, retention $lokiRetention", (c) => {
        const yaml = renderedLokiConfig(c);
        expect(describeProblems(checkLokiConfig(yaml))).toEqual([]);
        expect(parse(yaml).limits_config.retention_period).toBe(c.lokiRetention);
    });
});

describe("the checker refuses a broken variant of our config, one per rule", () => {
    it.each<[string, (d: Doc) => void, [string, string][]]>([
        ["a misspelled key", (d) => (d.limits_config.retention_periodd = "744h"), [["unknown-key", "limits_config.retention_periodd"]]],
        ["a list written as a block", (d) => (d.common.ring = []), [["block-shape", "common.ring"]]],
        ["table_manager, ignored for tsdb", (d) => (d.table_manager = { retention_deletes_enabled: true }), [["ignored-block", "table_manager"]]],
        ["a boolean as a string", (d) => (d.auth_enabled = "no"), [["value-type", "auth_enabled"]]],
        ["an int as a string", (d) => (d.server.http_listen_port = "3100"), [["value-type", "server.http_listen_port"]]],
        ["a float MB limit with a unit", (d) => (d.limits_config.ingestion_rate_mb = "4MB"), [["value-type", "limits_config.ingestion_rate_mb"]]],
        ["a fractional byte size", (d) => (d.limits_config.per_stream_rate_limit = "1.5MB"), [["value-type", "limits_config.per_stream_rate_limit"]]],
        ["days in a Go duration", (d) => (d.compactor.compaction_interval = "1d"), [["value-type", "compactor.compaction_interval"]]],
        ["a bare number as a Go duration", (d) => (d.compactor.retention_delete_delay = 7200), [["value-type", "compactor.retention_delete_delay"]]],
        [
            "a fraction in a Prometheus duration",
            (d) => (d.limits_config.retention_period = "36.5h"),
            [["value-type", "limits_config.retention_period"]],
        ],
        ["days where the Go type is unknown", (d) => (d.ingester = { chunk_idle_period: "1d" }), [["value-type", "ingester.chunk_idle_period"]]],
        ["a string for a list of strings", (d) => (d.common.instance_interface_names = "eth0"), [["value-type", "common.instance_interface_names"]]],
        ["an unknown log level", (d) => (d.server.log_level = "verbose"), [["enum", "server.log_level"]]],
        ["an unknown ring store", (d) => (d.common.ring.kvstore.store = "inmem"), [["enum", "common.ring.kvstore.store"]]],
        ["no schema period", (d) => (d.schema_config.configs = []), [["schema-missing", "schema_config.configs"]]],
        ["schema v14", (d) => (period(d).schema = "v14"), [["schema-version", "schema_config.configs[0].schema"]]],
        [
            "an unknown index store",
            (d) => (period(d).store = "tsdb2"),
            [
                ["schema-store", "schema_config.configs[0].store"],
                ["structured-metadata-tsdb", "schema_config.configs[0].store"],
            ],
        ],
        ["an unknown object store", (d) => (period(d).object_store = "local"), [["schema-object-store", "schema_config.configs[0].object_store"]]],
        ["a tsdb index period of a week", (d) => (period(d).index.period = "168h"), [["tsdb-index-period", "schema_config.configs[0].index.period"]]],
        [
            "an older period's table period that is no multiple of 24h",
            (d) => d.schema_config.configs.unshift({ ...v12Period, store: "boltdb-shipper", index: { prefix: "i_", period: "36h" } }),
            [["index-period", "schema_config.configs[0].index.period"]],
        ],
        [
            "boltdb-shipper active and last with 48h tables",
            (d) => {
                d.schema_config.configs = [{ ...v12Period, store: "boltdb-shipper", index: { prefix: "i_", period: "48h" } }];
                d.limits_config.allow_structured_metadata = false;
            },
            [["boltdb-index-period", "schema_config.configs[0].index.period"]],
        ],
        [
            "an index path prefix starting with /",
            (d) => (period(d).index.path_prefix = "/index/"),
            [["index-path-prefix", "schema_config.configs[0].index.path_prefix"]],
        ],
        ["row_shards 0 on v13", (d) => (period(d).row_shards = 0), [["row-shards", "schema_config.configs[0].row_shards"]]],
        [
            "a from date in another format",
            (d) => (period(d).from = "2024/01/01"),
            [
                ["value-type", "schema_config.configs[0].from"],
                ["schema-from", "schema_config.configs[0].from"],
            ],
        ],
        [
            "from dates out of order",
            (d) => d.schema_config.configs.push({ ...period(d), from: "2023-06-01" }),
            [["schema-from-order", "schema_config.configs[1].from"]],
        ],
        [
            "an active v12 period with structured metadata allowed",
            (d) => (d.schema_config.configs = [v12Period]),
            [["structured-metadata-schema", "schema_config.configs[0].schema"]],
        ],
        [
            "an active v12 period when the v13 one starts in the future",
            (d) => (d.schema_config.configs = [v12Period, { ...period(d), from: "2027-01-01" }]),
            [["structured-metadata-schema", "schema_config.configs[0].schema"]],
        ],
        [
            "an active boltdb-shipper period with structured metadata allowed",
            (d) => (period(d).store = "boltdb-shipper"),
            [["structured-metadata-tsdb", "schema_config.configs[0].store"]],
        ],
        [
            "tsdb without common.path_prefix or shipper directories",
            (d) => delete d.common.path_prefix,
            [
                ["index-directories", "storage_config.tsdb_shipper.active_index_directory"],
                ["index-directories", "storage_config.tsdb_shipper.cache_location"],
            ],
        ],
        [
            "an empty compactor working directory",
            (d) => (d.compactor.working_directory = ""),
            [["compactor-working-directory", "compactor.working_directory"]],
        ],
        ["two common storage backends", (d) => (d.common.storage.s3 = { bucketnames: "logs" }), [["common-storage-backends", "common.storage"]]],
        [
            "compaction parallelism 0",
            (d) => (d.compactor.max_compaction_parallelism = 0),
            [["compactor-parallelism", "compactor.max_compaction_parallelism"]],
        ],
        [
            "retention without a delete-request store",
            (d) => delete d.compactor.delete_request_store,
            [["delete-request-store", "compactor.delete_request_store"]],
        ],
        [
            "a delete-request key prefix without trailing /",
            (d) => (d.compactor.delete_request_store_key_prefix = "deletes"),
            [["delete-request-prefix", "compactor.delete_request_store_key_prefix"]],
        ],
        [
            "a deletion-marker prefix without trailing /",
            (d) => (d.compactor.deletion_marker_object_store_prefix = "markers"),
            [["deletion-marker-prefix", "compactor.deletion_marker_object_store_prefix"]],
        ],
        ["retention of 12h", (d) => (d.limits_config.retention_period = "12h"), [["retention-minimum", "limits_config.retention_period"]]],
        [
            "a per-stream retention of 12h",
            (d) => (d.limits_config.retention_stream = [{ selector: '{service="orders"}', priority: 1, period: "12h" }]),
            [["retention-stream-minimum", "limits_config.retention_stream[0].period"]],
        ],
        [
            "tsdb_max_bytes_per_shard 0",
            (d) => (d.limits_config.tsdb_max_bytes_per_shard = "0MB"),
            [["tsdb-max-bytes-per-shard", "limits_config.tsdb_max_bytes_per_shard"]],
        ],
        [
            "a results-cache bucket below a minute",
            (d) => (d.limits_config.engine_results_cache_time_bucket_interval = "30s"),
            [["results-cache-bucket", "limits_config.engine_results_cache_time_bucket_interval"]],
        ],
    ])("%s", (_name, mutate, expected) => {
        expect(found(brokenVariant(mutate))).toEqual(expected);
    });

    it("refuses YAML Loki cannot decode: a key twice in one block", () => {
        const yaml = renderedLokiConfig().replace("auth_enabled: false\n", "auth_enabled: false\nauth_enabled: true\n");
        expect(found(yaml)).toEqual([["yaml", "<root>"]]);
    });

    it("gives each problem its value, the fix and a cited v3.7.6 source", () => {
        const [p] = checkLokiConfig(
            brokenVariant((d) => (d.compactor.compaction_interval = "1d")),
            { now: NOW },
        );
        expect(p).toMatchObject({ value: "1d", fix: expect.stringContaining("744h"), source: expect.stringContaining("grafana/loki@v3.7.6:") });
    });

    it.each<[string, (d: Doc) => void]>([
        ["Prometheus days where Loki takes model.Duration", (d) => (d.limits_config.retention_period = "31d")],
        [
            "a v12 period when structured metadata is disallowed",
            (d) => ((d.schema_config.configs = [v12Period]), (d.limits_config.allow_structured_metadata = false)),
        ],
        ["an older v12 period before the active v13 one", (d) => d.schema_config.configs.unshift(v12Period)],
        [
            "explicit shipper directories instead of common.path_prefix",
            (d) => {
                delete d.common.path_prefix;
                d.storage_config = { tsdb_shipper: { active_index_directory: "/loki/index", cache_location: "/loki/cache" } };
            },
        ],
        ["a byte count without unit", (d) => (d.limits_config.per_stream_rate_limit = 3145728)],
    ])("accepts the valid variant: %s", (_name, mutate) => {
        expect(describeProblems(checkLokiConfig(brokenVariant(mutate), { now: NOW }))).toEqual([]);
    });
});

describe("the checker refuses the design document's Loki keys that Loki 3 rejects", () => {
    it.each<[string, (d: Doc) => void, [string, string][]]>([
        [
            "limits_config.enforce_metric_name",
            (d) => (d.limits_config.enforce_metric_name = false),
            [["unknown-key", "limits_config.enforce_metric_name"]],
        ],
        [
            "storage_config.tsdb_shipper.shared_store",
            (d) => (d.storage_config = { tsdb_shipper: { shared_store: "filesystem" } }),
            [["unknown-key", "storage_config.tsdb_shipper.shared_store"]],
        ],
        [
            "storage_config.boltdb_shipper.shared_store",
            (d) => (d.storage_config = { boltdb_shipper: { shared_store: "filesystem" } }),
            [["unknown-key", "storage_config.boltdb_shipper.shared_store"]],
        ],
        ["compactor.shared_store", (d) => (d.compactor.shared_store = "filesystem"), [["unknown-key", "compactor.shared_store"]]],
        [
            "chunk_store_config.max_look_back_period",
            (d) => (d.chunk_store_config = { max_look_back_period: "0s" }),
            [["unknown-key", "chunk_store_config.max_look_back_period"]],
        ],
        ["ingester.max_transfer_retries", (d) => (d.ingester = { max_transfer_retries: 0 }), [["unknown-key", "ingester.max_transfer_retries"]]],
        ["ingester.max_retention_period", (d) => (d.ingester = { max_retention_period: "744h" }), [["unknown-key", "ingester.max_retention_period"]]],
        ["querier.query_timeout", (d) => (d.querier = { query_timeout: "1m" }), [["unknown-key", "querier.query_timeout"]]],
        [
            "query_range.split_queries_by_interval",
            (d) => (d.query_range = { split_queries_by_interval: "15m" }),
            [["unknown-key", "query_range.split_queries_by_interval"]],
        ],
        [
            "use_boltdb_shipper_as_backup",
            (d) => (d.storage_config = { tsdb_shipper: { use_boltdb_shipper_as_backup: false } }),
            [["unknown-key", "storage_config.tsdb_shipper.use_boltdb_shipper_as_backup"]],
        ],
        [
            "boltdb-shipper with schema v11 as the active period",
            (d) => (d.schema_config.configs = [{ ...v12Period, store: "boltdb-shipper", schema: "v11" }]),
            [
                ["structured-metadata-schema", "schema_config.configs[0].schema"],
                ["structured-metadata-tsdb", "schema_config.configs[0].store"],
            ],
        ],
        [
            "retention_enabled without delete_request_store",
            (d) => delete d.compactor.delete_request_store,
            [["delete-request-store", "compactor.delete_request_store"]],
        ],
        ["retention below 24h", (d) => (d.limits_config.retention_period = "1h"), [["retention-minimum", "limits_config.retention_period"]]],
        [
            "table_manager retention",
            (d) => (d.table_manager = { retention_deletes_enabled: true, retention_period: "744h" }),
            [["ignored-block", "table_manager"]],
        ],
    ])("%s", (_name, mutate, expected) => {
        expect(found(brokenVariant(mutate))).toEqual(expected);
    });

    it("names where a moved key lives now", () => {
        const [p] = checkLokiConfig(
            brokenVariant((d) => (d.querier = { query_timeout: "1m" })),
            { now: NOW },
        );
        expect(p.fix).toBe("move it to limits_config.query_timeout");
        expect(p.source).toContain("docs/sources/setup/upgrade/_index.md");
    });
});
