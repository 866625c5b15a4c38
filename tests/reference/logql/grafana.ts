/**
 * How Grafana turns a dashboard's Loki target into query_range requests: the targets of a dashboard JSON, the
 * values its template variables can take, the expression with those values in place, and the request's time range,
 * line limit and step. Pure, from the dashboard JSON.
 */
import { DATASOURCE_TYPES, DATASOURCE_UIDS } from "../../../monitoring/datasources";
import type { LokiRangeRequest } from "./limits";

export interface GrafanaVariable {
    readonly name: string;
    /** `query` or `custom`; the others (textbox, constant, interval, ...) are not modelled. */
    readonly type?: string;
    readonly multi?: boolean;
    readonly includeAll?: boolean;
    readonly allValue?: string;
}

export interface GrafanaLokiTarget {
    readonly dashboard: string;
    /** `panel "<title>" <refId>`. */
    readonly where: string;
    /** The expression as written, with `$variables`. */
    readonly expr: string;
    readonly maxLines?: number;
    /** An explicit step (`step` of the target), which Grafana then uses as is. */
    readonly step?: string;
    /** The panel's minimum interval (`interval`). */
    readonly minInterval?: string;
}

interface Json {
    [key: string]: unknown;
}

const onLoki = (ds: unknown): boolean | undefined => {
    const d = ds as { uid?: string; type?: string } | undefined;
    return d === undefined ? undefined : d.uid === DATASOURCE_UIDS.loki || d.type === DATASOURCE_TYPES.loki;
};

/** Every Loki target of a dashboard, rows' nested panels included; a target without a datasource uses its panel's. */
export function lokiTargets(dashboard: Json): GrafanaLokiTarget[] {
    const out: GrafanaLokiTarget[] = [];
    const visit = (panels: unknown) => {
        for (const p of (panels as Json[] | undefined) ?? []) {
            visit(p.panels);
            for (const t of (p.targets as Json[] | undefined) ?? []) {
                if (!(onLoki(t.datasource) ?? onLoki(p.datasource)) || typeof t.expr !== "string" || !t.expr) continue;
                if (t.queryType !== undefined && t.queryType !== "range")
                    throw new Error(
                        `${String(dashboard.uid)} panel "${String(p.title)}": queryType ${String(t.queryType)} is not modelled (only query_range)`,
                    );
                out.push({
                    dashboard: String(dashboard.uid),
                    where: `panel "${String(p.title)}" ${String(t.refId ?? "")}`.trim(),
                    expr: t.expr,
                    maxLines: typeof t.maxLines === "number" ? t.maxLines : undefined,
                    step: typeof t.step === "string" && t.step ? t.step : undefined,
                    minInterval: typeof p.interval === "string" && p.interval ? p.interval : undefined,
                });
            }
        }
    };
    visit(dashboard.panels);
    return out;
}

export const dashboardVariables = (dashboard: Json): GrafanaVariable[] =>
    ((dashboard.templating as Json | undefined)?.list as GrafanaVariable[] | undefined) ?? [];

/**
 * Sample values of the label variables (Prometheus label values of the platform's services); the second needs
 * regex escaping, as real values with a dot would.
 */
export const SAMPLE_VARIABLE_VALUES = ["orders", "payments.v2"] as const;

/**
 * Grafana's Loki datasource escapes each value of a multi-value or include-All variable for a regex, doubling the
 * backslash because the value lands inside a LogQL string, and joins several with `|`; a custom All value goes in
 * verbatim (grafana/grafana public/app/plugins/datasource/loki/datasource.ts interpolateQueryExpr,
 * lokiSpecialRegexEscape).
 */
const regexEscapeForLogql = (value: string): string => value.replace(/\\/g, "\\\\\\\\").replace(/[$^*{}[\]+?.()|]/g, "\\\\$&");

export interface VariableChoice {
    /** e.g. `All`, `orders`, `orders + payments.v2`. */
    readonly label: string;
    readonly text: string;
}

/** What `$name` becomes for each choice a user can make: All, one value, several values. */
export function variableChoices(v: GrafanaVariable): VariableChoice[] {
    const regexFormatted = v.multi === true || v.includeAll === true;
    const format = (value: string) => (regexFormatted ? regexEscapeForLogql(value) : value.replace(/'/g, "\\\\'"));
    const all = v.allValue ?? SAMPLE_VARIABLE_VALUES.map(format).join("|");
    return [
        ...(v.includeAll ? [{ label: "All", text: all }] : []),
        { label: SAMPLE_VARIABLE_VALUES[0], text: format(SAMPLE_VARIABLE_VALUES[0]) },
        ...(v.multi ? [{ label: SAMPLE_VARIABLE_VALUES.join(" + "), text: SAMPLE_VARIABLE_VALUES.map(format).join("|") }] : []),
    ];
}

/** `$name`, `${name}` and `[[name]]`; `${name:format}` is refused, since Grafana then formats differently. */
const variablePattern = (name: string) => new RegExp(`\\$\\{${name}\\}|\\[\\[${name}\\]\\]|\\$${name}(?![A-Za-z0-9_])|\\$\\{${name}:[^}]*\\}`, "g");

export interface ExpandedQuery {
    readonly expr: string;
    /** `$service=All $event_type=orders`, empty when no variable is used. */
    readonly choices: string;
}

/** The expression for every combination of choices of the dashboard variables it uses. */
export function expandVariables(expr: string, variables: readonly GrafanaVariable[]): ExpandedQuery[] {
    let out: ExpandedQuery[] = [{ expr, choices: "" }];
    for (const v of variables) {
        const pattern = variablePattern(v.name);
        const uses = expr.match(pattern) ?? [];
        if (uses.length === 0) continue;
        const formatted = uses.find((u) => u.startsWith("${") && u.includes(":"));
        if (formatted) throw new Error(`${formatted}: a variable format is not modelled`);
        if (v.type !== undefined && v.type !== "query" && v.type !== "custom") throw new Error(`$${v.name}: a ${v.type} variable is not modelled`);
        out = out.flatMap((q) =>
            variableChoices(v).map((c) => ({ expr: q.expr.replace(pattern, () => c.text), choices: `${q.choices} $${v.name}=${c.label}`.trim() })),
        );
    }
    return out;
}

const GRAFANA_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Grafana's interval strings (`30s`, `1m`, `6h`, `2d`) in milliseconds. */
export function grafanaDurationMs(text: string): number {
    const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
    if (!m) throw new Error(`${text}: not a Grafana interval this model reads`);
    return Number(m[1]) * GRAFANA_UNITS[m[2]];
}

/** The length of a dashboard's relative time range `now-6h` .. `now`; other forms are not modelled. */
export function dashboardRangeMs(time: { from?: string; to?: string } | undefined): number {
    const from = /^now-(.+)$/.exec(time?.from ?? "");
    if (!from || time?.to !== "now") throw new Error(`time range ${JSON.stringify(time)}: only now-<duration> .. now is modelled`);
    return grafanaDurationMs(from[1]);
}

/**
 * The query_range request Grafana sends for a target (grafana/grafana pkg/tsdb/loki/step.go calculateStep): an
 * explicit step as is; otherwise the larger of the query interval and range / 11,000, rounded up to a millisecond.
 * The query interval is at least the panel's minimum interval and otherwise depends on the panel's width, which a
 * dashboard file does not fix; the step computed here is the smallest Grafana can pick, so the points it yields are
 * the most Loki can see. The line limit is the target's maxLines, else the datasource's.
 */
export function grafanaRangeRequest(target: GrafanaLokiTarget, rangeMs: number, datasourceMaxLines: number): LokiRangeRequest {
    const stepMs =
        target.step !== undefined
            ? grafanaDurationMs(target.step)
            : Math.ceil(Math.max(target.minInterval ? grafanaDurationMs(target.minInterval) : 0, rangeMs / 11_000));
    return { rangeMs, lineLimit: target.maxLines ?? datasourceMaxLines, stepMs };
}

const asDuration = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

/** Grafana's built-in `$__auto`, `$__interval` (the step stands in for the interval, which it bounds) and `$__range`. */
export function substituteBuiltins(expr: string, request: LokiRangeRequest): string {
    return expr
        .replace(/\$__auto(?!\w)|\$\{__auto\}|\$__interval(?!\w)|\$\{__interval\}/g, asDuration(request.stepMs))
        .replace(/\$__range(?!\w)|\$\{__range\}/g, asDuration(request.rangeMs));
}
