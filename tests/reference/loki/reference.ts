/**
 * What the checker knows about each key of Loki 3.7.6, all generated from the reference by
 * scripts/extract-loki-config-keys.ts: the key allow-list, and per scalar key its placeholder type (`duration`, `int`,
 * `boolean`, ...), its documented default and, for the blocks read from Go source, the Go type behind the placeholder.
 */
import { LOKI_3_7_SCHEMA, LOKI_3_7_SOURCE } from "../../allowlists/loki";
import types from "../../allowlists/loki-3.7.6-types.json";

export interface KeyType {
    readonly type: string;
    readonly default?: string;
    readonly go?: string;
}

export const LOKI_KEY_TYPES = types as Record<string, KeyType>;
export { LOKI_3_7_SCHEMA, LOKI_3_7_SOURCE };

/** A path with list indexes generalised: `schema_config.configs[2].index.period` → `schema_config.configs[].index.period`. */
export const typePath = (path: string): string => path.replace(/\[\d+\]/g, "[]");

/** The documented default of a key, unquoted (`"/var/loki/compactor"` → `/var/loki/compactor`). */
export function referenceDefault(path: string): string | undefined {
    const d = LOKI_KEY_TYPES[typePath(path)]?.default;
    return d === undefined ? undefined : d.replace(/^"(.*)"$/, "$1");
}
