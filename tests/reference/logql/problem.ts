/**
 * What the LogQL checker reports: which of Loki's rules a query breaks, where, and why. Each rule names the Loki
 * v3.7.6 source it restates (grafana/loki@v3.7.6); the checks are written from those rules, not from Loki's code.
 */
export type LogqlRule =
    /** lezer-logql could not parse the query (Loki answers a parse error, HTTP 400). */
    | "syntax"
    /** A string literal Loki's lexer cannot unquote (Go escapes only): pkg/logql/syntax/lex.go. */
    | "string-literal"
    /** Every matcher of a stream selector matches the empty string: pkg/logql/syntax/parser.go validateMatchers. */
    | "empty-compatible-selector"
    /** A regex RE2 (Go's regexp, which Loki uses) refuses, or a `regexp` stage without a named capture. */
    | "regex"
    /** A label name outside the log-label contract (monitoring/logLabels.ts) that the query does not extract itself. */
    | "label-name"
    /** A range aggregation in a shape Loki refuses: pkg/logql/syntax/ast.go RangeAggregationExpr.validate. */
    | "range-aggregation"
    /** A vector aggregation in a shape Loki refuses: pkg/logql/syntax/ast.go mustNewVectorAggregationExpr. */
    | "vector-aggregation"
    /** The request's line limit over `max_entries_limit_per_query`. */
    | "max-entries"
    /** The request's time range over `max_query_length`. */
    | "max-query-length"
    /** More than 11,000 points per series (range / step). */
    | "max-points";

export interface LogqlProblem {
    readonly rule: LogqlRule;
    readonly message: string;
    /** `line:column` of the offending text (1-based), or `request` for a limit of the whole request. */
    readonly at: string;
}

/** `line:column` (1-based) of an offset in the query text. */
export function position(expr: string, offset: number): string {
    const before = expr.slice(0, offset).split("\n");
    return `${before.length}:${before[before.length - 1].length + 1}`;
}

export function problemAt(expr: string, offset: number, rule: LogqlRule, message: string): LogqlProblem {
    return { rule, message, at: position(expr, offset) };
}
