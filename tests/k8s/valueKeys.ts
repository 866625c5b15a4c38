/**
 * "Every values key the program sets changes the output": the key paths of a values object, and the values with
 * one path removed or changed, to render with and without it.
 */

/** Subtrees checked as one key: free-form maps and lists a chart copies whole into an object or a file. */
const WHOLE = new Set([
    "resources",
    "grafana.ini",
    "merge",
    "patch",
    "annotations",
    "env",
    "externalLabels",
    "disabled",
    "relabelings",
    "storageSpec",
    "storage",
    "jsonData",
    "snippets",
    "config.merge",
]);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Leaf key paths (as arrays of keys) of a values object; whole subtrees stop at the names in WHOLE. */
export function valuePaths(value: Record<string, unknown>, prefix: string[] = []): string[][] {
    return Object.entries(value).flatMap(([k, v]) => {
        const p = [...prefix, k];
        if (WHOLE.has(k) || WHOLE.has(p.join(".")) || !isPlainObject(v) || Object.keys(v).length === 0) return [p];
        return valuePaths(v, p);
    });
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function parentOf(root: Record<string, unknown>, p: string[]): Record<string, unknown> {
    let at: Record<string, unknown> = root;
    for (const k of p.slice(0, -1)) at = at[k] as Record<string, unknown>;
    return at;
}

export const getPath = (root: Record<string, unknown>, p: string[]): unknown => parentOf(root, p)[p[p.length - 1]];

/** The values without the key at `p` (the chart's default applies). */
export function withoutPath(values: Record<string, unknown>, p: string[]): Record<string, unknown> {
    const copy = clone(values);
    delete parentOf(copy, p)[p[p.length - 1]];
    return copy;
}

/** A different value of the same type: proves a key is read when the program's value equals the chart default. */
export function mutated(v: unknown): unknown {
    if (typeof v === "boolean") return !v;
    if (typeof v === "number") return v + 1;
    if (typeof v === "string") {
        const q = /^(\d+)(\D*)$/.exec(v);
        return q ? `${Number(q[1]) + 1}${q[2]}` : `${v}-changed`;
    }
    if (Array.isArray(v)) return v.length > 0 ? [] : ["changed"];
    if (isPlainObject(v)) return Object.keys(v).length > 0 ? {} : { changed: "changed" };
    return "changed";
}

export function withPathChanged(values: Record<string, unknown>, p: string[]): Record<string, unknown> {
    const copy = clone(values);
    const parent = parentOf(copy, p);
    parent[p[p.length - 1]] = mutated(parent[p[p.length - 1]]);
    return copy;
}
