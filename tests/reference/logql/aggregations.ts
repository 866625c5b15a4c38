/**
 * Range and vector aggregations in the shapes Loki accepts. lezer-logql parses every range function with or
 * without `| unwrap`, with or without a parameter and a grouping; Loki refuses most of those combinations when it
 * builds the expression. The grammar itself (grafana/loki@v3.7.6 pkg/logql/syntax/syntax.y rangeAggregationExpr,
 * logRangeExpr, vectorAggregationExpr) already demands a `[range]` and a metric expression under a vector
 * aggregation; lezer-logql enforces those, so they surface as `syntax` problems.
 */
import { type LogqlProblem, problemAt } from "./problem";
import { nodesNamed, type ParsedLogql, type SyntaxNode, textOf } from "./tree";

// The sets below restate grafana/loki@v3.7.6 pkg/logql/syntax/ast.go RangeAggregationExpr.validate and
// newRangeAggregationExpr.

/** Range functions that aggregate the unwrapped values. */
const WITH_UNWRAP = new Set([
    "rate",
    "rate_counter",
    "avg_over_time",
    "sum_over_time",
    "min_over_time",
    "max_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "quantile_over_time",
    "first_over_time",
    "last_over_time",
    "absent_over_time",
]);
/** Range functions that count lines or bytes, without unwrap. */
const WITHOUT_UNWRAP = new Set(["count_over_time", "rate", "bytes_over_time", "bytes_rate", "absent_over_time"]);
/** Range functions that may carry their own `by`/`without` (they keep labels the vector functions would need). */
const RANGE_GROUPING = new Set([
    "avg_over_time",
    "stddev_over_time",
    "stdvar_over_time",
    "quantile_over_time",
    "max_over_time",
    "min_over_time",
    "first_over_time",
    "last_over_time",
]);

function checkRangeAggregation(expr: string, node: SyntaxNode, problems: LogqlProblem[]): void {
    const opNode = node.getChild("RangeOp");
    const range = node.getChild("LogRangeExpr");
    if (!opNode || !range) return; // a parse error, reported as such
    const op = textOf(expr, opNode);
    const say = (message: string) => problems.push(problemAt(expr, node.from, "range-aggregation", `${op}(...): ${message}`));
    const unwrapped = nodesNamed(range, "UnwrapExpr").length > 0;
    if (unwrapped && !WITH_UNWRAP.has(op))
        say("Loki refuses | unwrap here: it counts lines or bytes, not values (use sum_over_time, avg_over_time, ...)");
    if (!unwrapped && !WITHOUT_UNWRAP.has(op)) say("Loki needs | unwrap <label> before the range: it aggregates a value extracted from each line");
    const param = node.getChild("Number");
    if (op === "quantile_over_time" && !param) say("the quantile parameter is required: quantile_over_time(0.95, ...)");
    if (param && op !== "quantile_over_time") say(`takes no parameter (${textOf(expr, param)})`);
    if (node.getChild("Grouping") && !RANGE_GROUPING.has(op))
        say("Loki refuses a by/without grouping on this range function: group in a vector aggregation around it");
}

/** grafana/loki@v3.7.6 pkg/logql/syntax/ast.go mustNewVectorAggregationExpr and validateSortGrouping (parser.go). */
function checkVectorAggregation(expr: string, node: SyntaxNode, problems: LogqlProblem[]): void {
    const opNode = node.getChild("VectorOp");
    if (!opNode) return;
    const op = textOf(expr, opNode);
    const say = (message: string) => problems.push(problemAt(expr, node.from, "vector-aggregation", `${op}(...): ${message}`));
    const param = node.getChild("Number");
    if (op === "topk" || op === "bottomk") {
        const k = param ? textOf(expr, param) : undefined;
        if (k === undefined) say("the k parameter is required");
        else if (!/^\d+$/.test(k) || Number(k) <= 0) say(`k must be an integer greater than 0, not ${k}`);
    } else if (param) {
        say(`takes no parameter (${textOf(expr, param)})`);
    }
    const grouping = node.getChild("Grouping");
    if ((op === "sort" || op === "sort_desc") && grouping && grouping.getChild("Labels")) say("Loki refuses a by/without grouping on sort");
}

export function checkAggregations(parsed: ParsedLogql, problems: LogqlProblem[]): void {
    for (const n of nodesNamed(parsed.top, "RangeAggregationExpr")) checkRangeAggregation(parsed.expr, n, problems);
    for (const n of nodesNamed(parsed.top, "VectorAggregationExpr")) checkVectorAggregation(parsed.expr, n, problems);
}

/** Whether the query is a metric query (Loki's SampleExpr), to which the line limit does not apply. */
export function isMetricQuery(parsed: ParsedLogql): boolean {
    return parsed.top.getChild("Expr")?.firstChild?.name === "MetricExpr";
}
