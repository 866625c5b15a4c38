import type { Schema } from "./check";
import tree from "./loki-3.7.6.json";

/**
 * Every key of Loki's config file at v3.7.6, per block, extracted from the configuration reference
 * grafana/loki@v3.7.6:docs/sources/shared/configuration.md ("Supported contents and default values of loki.yaml",
 * nested blocks expanded from their own sections, inlined blocks such as `[<tls_config>]` merged in) by
 * scripts/extract-loki-config-keys.ts, which regenerates it (and loki-3.7.6-types.json) on a version bump. Loki
 * parses its config with yaml.UnmarshalStrict: any other key stops it. tests/reference/loki checks the rest.
 */
export const LOKI_3_7_SCHEMA = tree as unknown as Schema;
export const LOKI_3_7_SOURCE = "grafana/loki@v3.7.6:docs/sources/shared/configuration.md";

/**
 * Design-document keys the allow-list cannot catch because 3.7 still parses them: `table_manager` does nothing for
 * tsdb/filesystem (it is removed on Loki's main branch). The removed keys (`enforce_metric_name`, `shared_store`,
 * `max_look_back_period`) are absent from the 3.7 reference, so the allow-list rejects them.
 */
export const LOKI_FORBIDDEN_KEYS = ["table_manager"];
