/** One reason Loki 3.7.6 would refuse (or silently misread) a config, with where the rule comes from. */
export interface LokiConfigProblem {
    /** Stable rule id, e.g. `unknown-key`; tests assert on it. */
    readonly rule: string;
    /** Key path in the config, e.g. `schema_config.configs[0].index.period` (`<root>` for the whole file). */
    readonly path: string;
    readonly value: unknown;
    /** What is wrong, in our words. */
    readonly problem: string;
    readonly fix: string;
    /** The rule's source: repository@tag:file. */
    readonly source: string;
}

/** One problem, in the order the rules state them. */
export const problem = (rule: string, path: string, value: unknown, text: string, fix: string, source: string): LokiConfigProblem => ({
    rule,
    path,
    value,
    problem: text,
    fix,
    source,
});

export const LOKI_VERSION = "3.7.6";
/** Every rule cites a file of grafana/loki at the pinned tag. */
export const lokiSource = (file: string): string => `grafana/loki@v${LOKI_VERSION}:${file}`;

export type ConfigDoc = Record<string, unknown>;

/** The value at a dotted path (`a.b.c`, list items as `a[0].b`), or undefined. */
export function valueAt(doc: unknown, path: string): unknown {
    return path
        .split(/\.|(?=\[)/)
        .filter(Boolean)
        .reduce<unknown>((node, part) => {
            if (node === null || typeof node !== "object") return undefined;
            const index = /^\[(\d+)\]$/.exec(part);
            return index ? (Array.isArray(node) ? node[Number(index[1])] : undefined) : (node as Record<string, unknown>)[part];
        }, doc);
}

export const isBlock = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
