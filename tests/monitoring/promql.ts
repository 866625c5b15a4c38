/** PromQL keywords and aggregation modifiers that look like identifiers. */
const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan"]);

/**
 * Metric names referenced by a PromQL expression. Strings, label matchers, ranges and grouping lists are removed
 * first; what remains are identifiers, of which those not called as functions and not keywords are metric names.
 */
export function metricNames(expr: string): string[] {
    let s = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
    s = s.replace(/\{[^}]*\}/g, " ");
    s = s.replace(/\[[^\]]*\]/g, " ");
    s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
    const names = new Set<string>();
    for (const m of s.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
        const name = m[0];
        const after = s.slice((m.index ?? 0) + name.length).trimStart();
        if (after.startsWith("(") || KEYWORDS.has(name.toLowerCase())) continue;
        const before = s.slice(0, m.index ?? 0);
        if (/[0-9.]$/.test(before)) continue; // unit suffix of a number such as 5m
        names.add(name);
    }
    return [...names].sort();
}

/** Grafana template variables replaced by sample values, so the query is plain PromQL. */
export function substituteGrafanaVariables(expr: string): string {
    return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, "5m").replace(/\$\{?(\w+)\}?/g, "sample");
}
