/** Which keys may appear at all. */
import { unknownKeys } from "../../allowlists/check";
import { LOKI_FORBIDDEN_KEYS } from "../../allowlists/loki";
import { ConfigDoc, LokiConfigProblem, lokiSource, valueAt } from "./problem";
import { LOKI_3_7_SCHEMA, LOKI_3_7_SOURCE } from "./reference";

const UPGRADE_GUIDE = lokiSource("docs/sources/setup/upgrade/_index.md (3.0.0)");

/** Keys Loki 3.0 removed or moved, with where their setting lives now (the upgrade guide's 3.0 section). */
const MOVED_KEYS: [RegExp, string][] = [
    [/^limits_config\.enforce_metric_name$/, "remove it: Loki 3 no longer has the setting"],
    [/\.shared_store(_key_prefix)?$/, "remove it: the period's `object_store` (and `index.path_prefix`) in schema_config say where the index goes"],
    [/^chunk_store_config\.max_look_back_period$/, "remove it; limit query lookback with limits_config.max_query_lookback"],
    [/^ingester\.max_transfer_retries$/, "remove it: the ingester's WAL replaced hand-over transfers"],
    [/^querier\.query_timeout$/, "move it to limits_config.query_timeout"],
    [/^query_range\.split_queries_by_interval$/, "move it to limits_config.split_queries_by_interval"],
    [/\.use_boltdb_shipper_as_backup$/, "remove it: the setting is gone and its old default (false) applies"],
    [/^ingester\.max_retention_period$/, "remove it (it never was a Loki key); retention is limits_config.retention_period with the compactor"],
];

/**
 * Loki reads its file with yaml.UnmarshalStrict (grafana/loki@v3.7.6:pkg/util/cfg/files.go, via cfg.go's
 * ConfigFileLoader with strict=true): any key outside its config structs stops it with `field X not found in type ...`.
 */
function unknownKeyProblems(doc: ConfigDoc): LokiConfigProblem[] {
    return unknownKeys(doc, LOKI_3_7_SCHEMA).map((entry) => {
        const path = entry.replace(/ \(expected a (list|block)\)$/, "");
        const shape = / \(expected a (list|block)\)$/.exec(entry)?.[1];
        const moved = MOVED_KEYS.find(([re]) => re.test(path.replace(/\[\d+\]/g, "")));
        return {
            rule: shape ? "block-shape" : "unknown-key",
            path,
            value: valueAt(doc, path),
            problem: shape ? `Loki expects a ${shape} here` : "Loki 3.7.6 has no such key and refuses the whole file (strict YAML decoding)",
            fix: shape ? `write ${path} as a ${shape}` : (moved?.[1] ?? "remove the key or correct its spelling and block"),
            source: `${lokiSource("pkg/util/cfg/files.go")}; keys: ${LOKI_3_7_SOURCE}${moved ? `; ${UPGRADE_GUIDE}` : ""}`,
        };
    });
}

/**
 * Blocks 3.7 still parses but that do nothing for a tsdb/filesystem store: `table_manager` only drives legacy index
 * tables (its retention relies on the object store's TTL) and the main branch removes it, so a config carrying it
 * would both mislead (no retention happens) and break on upgrade. A project rule, from the reference and upgrade guide.
 */
function ignoredBlockProblems(doc: ConfigDoc): LokiConfigProblem[] {
    return LOKI_FORBIDDEN_KEYS.filter((key) => valueAt(doc, key) !== undefined).map((key) => ({
        rule: "ignored-block",
        path: key,
        value: valueAt(doc, key),
        problem: "parsed by Loki 3.7 but ignored for tsdb: it deletes nothing, and later Loki versions refuse it",
        fix: "remove it; retention is compactor.retention_enabled with limits_config.retention_period",
        source: `${lokiSource("docs/sources/operations/storage/retention.md")}; ${lokiSource("docs/sources/shared/configuration.md (table_manager)")}`,
    }));
}

export function keyProblems(doc: ConfigDoc): LokiConfigProblem[] {
    return [...unknownKeyProblems(doc), ...ignoredBlockProblems(doc)];
}
