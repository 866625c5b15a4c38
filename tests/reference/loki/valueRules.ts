/**
 * Types and units per key, from the placeholder types the reference gives every setting (`<duration>`, `<int>`,
 * `<boolean>`, `<string>`, `<float>`, `<daytime>`, `<list of strings>`, maps) and, where the placeholder hides two Go
 * types, the Go type the extraction read from Loki's structs (see scripts/extract-loki-config-keys.ts).
 */
import { ConfigDoc, isBlock, LokiConfigProblem, lokiSource } from "./problem";
import { KeyType, LOKI_KEY_TYPES, LOKI_3_7_SOURCE, typePath } from "./reference";
import { isByteSize, isDayTime, isGoDuration, isPrometheusDuration } from "./valueGrammars";

const PLACEHOLDERS = `${LOKI_3_7_SOURCE} (placeholder types, "Generic placeholders")`;

/**
 * Period tables decode their `period` through model.Duration although the field is a time.Duration
 * (grafana/loki@v3.7.6:pkg/storage/config/schema_config.go, IndexPeriodicTableConfig/PeriodicTableConfig.UnmarshalYAML).
 */
const GO_TYPE_OVERRIDES: Record<string, string> = {
    "schema_config.configs[].index.period": "model.Duration",
    "schema_config.configs[].chunks.period": "model.Duration",
};

/** Closed sets of values, each from the code that parses the key. */
const ENUMS: { readonly path: RegExp; readonly values: readonly string[]; readonly source: string }[] = [
    {
        path: /^server\.log_level$/,
        values: ["debug", "info", "warn", "error"],
        source: lokiSource("vendor/github.com/grafana/dskit/log/level.go (Level.Set)"),
    },
    {
        path: /(^|\.)kvstore\.store$/,
        values: ["consul", "etcd", "inmemory", "memberlist", "multi"],
        source: `${LOKI_3_7_SOURCE} (kvstore "store": "Supported values are")`,
    },
];

type Kind = "boolean" | "int" | "float" | "string" | "daytime" | "list" | "map" | "byteSize" | "goDuration" | "promDuration" | "eitherDuration";

/** Which grammar a key's value follows. A `<duration>` whose Go type is unknown must satisfy both grammars. */
function kindOf(path: string, t: KeyType): Kind | undefined {
    const go = GO_TYPE_OVERRIDES[path] ?? t.go;
    switch (t.type) {
        case "boolean":
        case "float":
        case "daytime":
            return t.type;
        case "string":
        case "url":
        case "secret":
            return "string";
        case "list of strings":
            return "list";
        case "int":
            // A byte-size default such as `3MB` or `0B` shows a flagext.ByteSize even where no Go struct was read.
            return go === "flagext.ByteSize" || /[A-Za-z]/.test(t.default ?? "") ? "byteSize" : "int";
        case "duration":
            // model.Duration prints `1w`, `1d`: a default in those units shows the Prometheus grammar.
            if (go === "model.Duration" || /\d[ywd]/.test(t.default ?? "")) return "promDuration";
            return go === "time.Duration" ? "goDuration" : "eitherDuration";
        default:
            return t.type.startsWith("map of ") ? "map" : undefined; // Regexp, time, relabel configs: not checked here
    }
}

const isScalar = (v: unknown) => ["string", "number", "boolean"].includes(typeof v);

/** The value's fault under a kind, or undefined when it fits. */
function misfit(kind: Kind, value: unknown): { problem: string; fix: string } | undefined {
    const text = typeof value === "string" ? value : undefined;
    const durationText = text ?? (value === 0 ? "0" : undefined);
    switch (kind) {
        case "boolean":
            return typeof value === "boolean" ? undefined : { problem: "Loki wants a boolean", fix: "write true or false" };
        case "int":
            return Number.isInteger(value)
                ? undefined
                : { problem: "Loki wants a plain integer", fix: "write a whole number without unit or quotes" };
        case "float":
            return typeof value === "number" ? undefined : { problem: "Loki wants a plain number", fix: "write a number without unit or quotes" };
        case "string":
            return isScalar(value) ? undefined : { problem: "Loki wants a single string", fix: "write one value, not a block or list" };
        case "daytime":
            return text !== undefined && isDayTime(text)
                ? undefined
                : { problem: "Loki wants a date in YYYY-MM-DD form", fix: 'quote a real date, e.g. "2024-01-01"' };
        case "list":
            return Array.isArray(value) && value.every(isScalar) ? undefined : { problem: "Loki wants a list of strings", fix: "write a YAML list" };
        case "map":
            return isBlock(value) ? undefined : { problem: "Loki wants a map", fix: "write key: value pairs" };
        case "byteSize":
            return Number.isInteger(value) || (text !== undefined && isByteSize(text))
                ? undefined
                : {
                      problem: "not a byte size: whole digits and an optional unit (B, KB, MB, GB, ...), no fractions",
                      fix: 'write e.g. "3MB" or a byte count',
                  };
        case "goDuration":
            return durationText !== undefined && isGoDuration(durationText)
                ? undefined
                : {
                      problem: "not a Go duration (time.Duration has no d, w or y, and a bare number would be nanoseconds)",
                      fix: "write hours and smaller units, e.g. 744h or 10m",
                  };
        case "promDuration":
            return durationText !== undefined && isPrometheusDuration(durationText)
                ? undefined
                : {
                      problem: "not a Prometheus duration (model.Duration: whole numbers, units y w d h m s ms in that order)",
                      fix: "write e.g. 744h, 31d or 1w",
                  };
        case "eitherDuration":
            return durationText !== undefined && isGoDuration(durationText) && isPrometheusDuration(durationText)
                ? undefined
                : {
                      problem: "not a duration both Go and Prometheus accept, and the reference does not say which this key uses",
                      fix: "write whole numbers of h, m, s or ms, e.g. 2h or 30s",
                  };
    }
}

function kindSource(kind: Kind, t: KeyType): string {
    if (kind === "byteSize") return `${PLACEHOLDERS}; ${lokiSource("pkg/util/flagext/bytesize.go")}`;
    if (kind.endsWith("Duration") && (t.go || kind === "promDuration"))
        return `${PLACEHOLDERS}; Go type ${t.go ?? "model.Duration"} read from Loki's source`;
    return PLACEHOLDERS;
}

/** Every scalar key of the document with its path (list items indexed), descending blocks and lists of blocks. */
function* settings(node: unknown, at: string): Generator<[string, unknown]> {
    if (Array.isArray(node)) {
        for (const [i, item] of node.entries()) yield* settings(item, `${at}[${i}]`);
    } else if (isBlock(node)) {
        for (const [key, value] of Object.entries(node)) {
            const path = at ? `${at}.${key}` : key;
            if (LOKI_KEY_TYPES[typePath(path)]) yield [path, value];
            else yield* settings(value, path);
        }
    }
}

export function valueProblems(doc: ConfigDoc): LokiConfigProblem[] {
    const problems: LokiConfigProblem[] = [];
    for (const [path, value] of settings(doc, "")) {
        const t = LOKI_KEY_TYPES[typePath(path)];
        const kind = kindOf(typePath(path), t);
        const fault = kind && value !== null ? misfit(kind, value) : undefined;
        if (kind && fault) problems.push({ rule: "value-type", path, value, ...fault, source: kindSource(kind, t) });
        const allowed = ENUMS.find((e) => e.path.test(path));
        if (allowed && typeof value === "string" && !allowed.values.includes(value)) {
            problems.push({
                rule: "enum",
                path,
                value,
                problem: `not one of ${allowed.values.join(", ")}`,
                fix: `use one of ${allowed.values.join(", ")}`,
                source: allowed.source,
            });
        }
    }
    return problems;
}
