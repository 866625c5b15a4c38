/**
 * Every query the dev stack's content asks: PromQL of dashboard panels and template variables, recording rules and
 * alert rules, and LogQL of dashboard panels; plus the vector selectors of an alert expression (parsed with the
 * Prometheus project's own grammar, @prometheus-io/lezer-promql at the pinned Prometheus). Pure.
 */
// The package ships a CommonJS build (exports.require) but its types are ESM-only; the type comes from there.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require("@prometheus-io/lezer-promql") as typeof import("@prometheus-io/lezer-promql", { with: { "resolution-mode": "import" } });

import { DATASOURCE_UIDS } from "../../monitoring/datasources";
import { alertGroups, RECORDING_GROUPS } from "../../monitoring/rules";

export interface DashboardQuery {
    readonly dashboard: string;
    /** Panel title or `variable <name>`. */
    readonly where: string;
    readonly language: "promql" | "logql";
    /** The query with Grafana's variables replaced (see {@link grafanaToPlain}). */
    readonly expr: string;
    readonly raw: string;
}

/** Grafana's built-in and template variables replaced so the query runs as is: `$var` matches anything. */
export function grafanaToPlain(expr: string, scrapeInterval = "15s"): string {
    return expr
        .replace(/\$__rate_interval|\$\{__rate_interval\}/g, "1m")
        .replace(/\$__interval|\$\{__interval\}/g, scrapeInterval)
        .replace(/\$__range|\$\{__range\}/g, "5m")
        .replace(/(\w+)\s*=~?\s*"\$\{?\w+(?::\w+)?\}?"/g, '$1=~".+"')
        .replace(/(\w+)\s*!~?\s*"\$\{?\w+(?::\w+)?\}?"/g, '$1!~"^$"');
}

type Json = Record<string, unknown>;

const dsKind = (ds: unknown, fallback: string | undefined): string | undefined => {
    const d = ds as { uid?: string; type?: string } | undefined;
    if (d?.uid === DATASOURCE_UIDS.loki || d?.type === "loki") return "loki";
    if (d?.uid === DATASOURCE_UIDS.prometheus || d?.type === "prometheus") return "prometheus";
    return d ? undefined : fallback;
};

/** PromQL of `label_values(expr, label)` / `query_result(expr)` variables; `label_values(label)` asks every series. */
export function variableExpr(query: string): string | undefined {
    const lv = /^label_values\((.*),\s*\w+\s*\)$/.exec(query.trim());
    if (lv) return lv[1];
    const qr = /^query_result\((.*)\)$/.exec(query.trim());
    if (qr) return qr[1];
    return undefined;
}

/** Every query of a Grafana dashboard JSON. */
export function dashboardQueries(fileName: string, dashboardJson: string): DashboardQuery[] {
    const d = JSON.parse(dashboardJson) as Json;
    const out: DashboardQuery[] = [];
    const visit = (panels: unknown) => {
        for (const p of (panels as Json[] | undefined) ?? []) {
            visit(p.panels);
            for (const t of (p.targets as Json[] | undefined) ?? []) {
                const kind = dsKind(t.datasource, dsKind(p.datasource, undefined));
                if (typeof t.expr !== "string" || !t.expr) continue;
                if (kind !== "prometheus" && kind !== "loki")
                    throw new Error(
                        `${fileName} panel "${String(p.title)}": a query on datasource ${JSON.stringify(t.datasource ?? p.datasource)} the e2e cannot check`,
                    );
                out.push({
                    dashboard: fileName,
                    where: `panel "${String(p.title)}" ${String(t.refId ?? "")}`.trim(),
                    language: kind === "loki" ? "logql" : "promql",
                    expr: grafanaToPlain(t.expr),
                    raw: t.expr,
                });
            }
        }
    };
    visit(d.panels);
    for (const v of ((d.templating as Json | undefined)?.list as Json[] | undefined) ?? []) {
        if (v.type === "custom" || v.type === "constant" || v.type === "interval" || v.type === "textbox" || v.type === "datasource") continue;
        const q = typeof v.query === "string" ? v.query : ((v.query as Json | undefined)?.query as string | undefined);
        if (!q) continue;
        const kind = dsKind(v.datasource, undefined);
        if (kind !== "prometheus")
            throw new Error(`${fileName} variable ${String(v.name)}: datasource ${JSON.stringify(v.datasource)} the e2e cannot check`);
        const expr = variableExpr(q);
        if (!expr) throw new Error(`${fileName} variable ${String(v.name)}: query ${q} is neither label_values(expr, label) nor query_result(expr)`);
        out.push({ dashboard: fileName, where: `variable ${String(v.name)}`, language: "promql", expr: grafanaToPlain(expr), raw: q });
    }
    return out;
}

export interface RuleQuery {
    readonly name: string;
    readonly expr: string;
    readonly for?: string;
}

export function recordingRuleQueries(): RuleQuery[] {
    return RECORDING_GROUPS.flatMap((g) => g.rules.map((r) => ({ name: r.record, expr: r.expr })));
}

export function alertRuleQueries(runbookBaseUrl: string): RuleQuery[] {
    return alertGroups(runbookBaseUrl).flatMap((g) => g.rules.map((r) => ({ name: r.alert, expr: r.expr, for: r.for })));
}

/** The text of every vector selector (`metric{matchers}`) in a PromQL expression, from the lezer-promql tree. */
export function vectorSelectors(expr: string): string[] {
    const tree = parser.parse(expr);
    const out: string[] = [];
    let error: number | undefined;
    tree.iterate({
        enter: (node) => {
            if (node.type.isError) error ??= node.from;
            if (node.name === "VectorSelector") {
                out.push(expr.slice(node.from, node.to));
                return false;
            }
            return undefined;
        },
    });
    if (error !== undefined) throw new Error(`PromQL does not parse at ${error}: ${expr}`);
    return out;
}

const COMPARISONS = new Set(["Gtr", "Lss", "Gte", "Lte", "Eql", "Neq"]);
const SET_OPS = new Set(["And", "Or", "Unless"]);

/**
 * An alert expression without its thresholds: the data sides of its top-level comparisons and set operations,
 * `A > 0.05` -> [A]; `A < 0.9 * B` -> [A, 0.9 * B]; `(A > 0) or (absent(B) and on () (C == 1))` -> [A, absent(B), C].
 * Each (but absent(), quiet while the data is there) must return series for the alert to see its data.
 */
export function dataSides(expr: string): string[] {
    type Node = NonNullable<ReturnType<typeof parser.parse>["topNode"]["firstChild"]>;
    const text = (n: Node) => expr.slice(n.from, n.to).trim();
    const walk = (n: Node): string[] => {
        if (n.name === "ParenExpr" && n.firstChild) return walk(n.firstChild.name === "(" ? n.firstChild.nextSibling! : n.firstChild);
        if (n.name === "BinaryExpr" && n.firstChild && n.lastChild) {
            const op = n.firstChild.nextSibling;
            if (op && (COMPARISONS.has(op.name) || SET_OPS.has(op.name))) {
                return [n.firstChild, n.lastChild].filter((side) => side.name !== "NumberDurationLiteral").flatMap(walk);
            }
        }
        return [text(n)];
    };
    const top = parser.parse(expr).topNode.firstChild;
    return top ? walk(top) : [expr];
}
