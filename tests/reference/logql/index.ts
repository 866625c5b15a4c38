/**
 * A LogQL checker by reference: the rules Loki v3.7.6 applies to a query and to a query_range request, restated in
 * our own words on @grafana/lezer-logql's syntax tree, with RE2 (re2js) for every regex. Loki itself is not built or
 * run (its module is AGPL); each rule cites the Loki source it comes from. See ./problem.ts for the rules.
 */
import { LOG_LABELS } from "../../../monitoring/logLabels";
import { checkAggregations, isMetricQuery } from "./aggregations";
import { checkLabelNames } from "./labels";
import { checkRangeRequest, type LokiQueryLimits, type LokiRangeRequest } from "./limits";
import { checkStreamSelectors, labelFilterMatchers } from "./matchers";
import { checkPipelineRegexes } from "./pipeline";
import type { LogqlProblem } from "./problem";
import { parseLogql } from "./tree";

export type { LogqlProblem, LogqlRule } from "./problem";
export { LOKI_DEFAULT_LIMITS, lokiQueryLimits, type LokiQueryLimits, type LokiRangeRequest } from "./limits";

export interface LogqlCheckOptions {
    /** The stream labels queries may select on; the log-label contract by default. */
    readonly streamLabels?: readonly string[];
}

export const CONTRACT_STREAM_LABELS: readonly string[] = Object.values(LOG_LABELS);

/** Every problem Loki (or the label contract) has with the query text, [] when it would run. */
export function checkLogql(expr: string, options: LogqlCheckOptions = {}): LogqlProblem[] {
    const parsed = parseLogql(expr);
    // Loki stops at a parse error; the tree around an error node says little, so report only that.
    if (parsed.syntaxProblems.length > 0) return parsed.syntaxProblems;
    const problems: LogqlProblem[] = [];
    const selectorMatchers = checkStreamSelectors(parsed, problems);
    const filterMatchers = labelFilterMatchers(parsed, problems);
    const facts = checkPipelineRegexes(parsed, problems);
    checkAggregations(parsed, problems);
    checkLabelNames(parsed, options.streamLabels ?? CONTRACT_STREAM_LABELS, selectorMatchers, filterMatchers, facts, problems);
    return problems;
}

/** The query's problems plus those of the query_range request that carries it. */
export function checkLogqlRequest(
    request: LokiRangeRequest & { readonly expr: string },
    limits: LokiQueryLimits,
    options: LogqlCheckOptions = {},
): LogqlProblem[] {
    const parsed = parseLogql(request.expr);
    const queryProblems = checkLogql(request.expr, options);
    return [...queryProblems, ...checkRangeRequest(request, isMetricQuery(parsed), limits)];
}
