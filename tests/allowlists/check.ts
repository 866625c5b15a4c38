/**
 * A strict key checker for config files of programs that cannot run here. A schema is a tree:
 *   `true`            a scalar (or a value we do not descend into, e.g. a list of strings);
 *   `"__map__"`       a free-form map (any keys);
 *   `{ __list__: S }` a list whose items each follow S;
 *   `{ key: S, ... }` a block with exactly these allowed keys.
 */
export type Schema = true | "__map__" | { __list__: Schema } | { [key: string]: Schema };

/** Key paths in `doc` that the schema does not allow. */
export function unknownKeys(doc: unknown, schema: Schema, at = ""): string[] {
    if (schema === true || schema === "__map__") return [];
    if ("__list__" in schema && Object.keys(schema).length === 1) {
        if (!Array.isArray(doc)) return [`${at} (expected a list)`];
        return doc.flatMap((item, i) => unknownKeys(item, (schema as { __list__: Schema }).__list__, `${at}[${i}]`));
    }
    if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return [`${at || "<root>"} (expected a block)`];
    const block = schema as Record<string, Schema>;
    return Object.entries(doc as Record<string, unknown>).flatMap(([key, value]) => {
        const path = at ? `${at}.${key}` : key;
        return key in block ? unknownKeys(value, block[key], path) : [path];
    });
}
