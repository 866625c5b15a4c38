/**
 * Label names against the log-label contract (monitoring/logLabels.ts). Stream selectors may name only the labels the
 * collectors attach; label filters, groupings, unwrap and label_replace may also name what the query extracts itself.
 * Loki accepts any name there (an absent label reads as ""), so this is the project's rule, not Loki's: a name outside
 * the contract selects nothing on one platform or both.
 */
import type { LabelMatcher } from "./matchers";
import type { PipelineFacts } from "./pipeline";
import { type LogqlProblem, problemAt } from "./problem";
import { nodesNamed, type ParsedLogql, type SyntaxNode, stringValue, textOf } from "./tree";

/** Labels Loki itself adds when a stage fails (grafana/loki@v3.7.6 pkg/logqlmodel/error.go ErrorLabel, ErrorDetailsLabel). */
const LOKI_ERROR_LABELS = ["__error__", "__error_details__"];

/** `<name>` captures of a pattern stage (grafana/loki@v3.7.6 pkg/logql/log/pattern/lexer.rl: identifier); `<_>` captures nothing. */
const patternCaptures = (pattern: string): string[] => [...pattern.matchAll(/<([A-Za-z_][A-Za-z0-9_]*)>/g)].map((m) => m[1]).filter((n) => n !== "_");

/** Names the query's parser and format stages create: json/logfmt extractions, pattern captures, label_format targets. */
function stageOutputs(parsed: ParsedLogql, problems: LogqlProblem[]): string[] {
    const identifierOf = (n: SyntaxNode) => {
        const id = n.getChild("Identifier");
        return id ? [textOf(parsed.expr, id)] : [];
    };
    const patterns = nodesNamed(parsed.top, "LabelParser")
        .filter((p) => p.getChild("Pattern"))
        .flatMap((p) => {
            const s = p.getChild("String");
            const value = s ? stringValue(parsed.expr, s, problems) : undefined;
            return value === undefined ? [] : patternCaptures(value);
        });
    return [
        ...nodesNamed(parsed.top, "LabelExtractionExpression").flatMap(identifierOf),
        ...nodesNamed(parsed.top, "LabelFormatMatcher").flatMap(identifierOf),
        ...patterns,
    ];
}

/** Every place outside stream selectors where a query names a label, with the node to point at. */
function labelReferences(parsed: ParsedLogql, matchers: LabelMatcher[], facts: PipelineFacts): { name: string; node: SyntaxNode; role: string }[] {
    const idIn = (parents: string[], role: string) =>
        parents.flatMap((kind) =>
            nodesNamed(parsed.top, kind).flatMap((n) => n.getChildren("Identifier").map((id) => ({ name: textOf(parsed.expr, id), node: id, role }))),
        );
    return [
        ...matchers.map((m) => ({ name: m.name, node: m.node, role: "label filter" })),
        ...idIn(["NumberFilter", "DurationFilter", "BytesFilter", "IpLabelFilter"], "label filter"),
        ...idIn(["Labels"], "grouping"),
        ...nodesNamed(parsed.top, "LabelName").map((n) => ({ name: textOf(parsed.expr, n), node: n, role: "on/ignoring/group" })),
        ...idIn(["UnwrapExpr"], "unwrap"),
        ...facts.labelReplaceSources.map((s) => ({ ...s, role: "label_replace source" })),
    ];
}

export function checkLabelNames(
    parsed: ParsedLogql,
    streamLabels: readonly string[],
    selectorMatchers: LabelMatcher[],
    filterMatchers: LabelMatcher[],
    facts: PipelineFacts,
    problems: LogqlProblem[],
): void {
    const contract = new Set(streamLabels);
    for (const m of selectorMatchers) {
        if (!contract.has(m.name))
            problems.push(
                problemAt(
                    parsed.expr,
                    m.node.from,
                    "label-name",
                    `stream selector label ${m.name} is not in the log-label contract (${[...contract].join(", ")})`,
                ),
            );
    }
    const known = new Set([...contract, ...LOKI_ERROR_LABELS, ...facts.extracted, ...stageOutputs(parsed, problems)]);
    for (const ref of labelReferences(parsed, filterMatchers, facts)) {
        if (!known.has(ref.name))
            problems.push(
                problemAt(
                    parsed.expr,
                    ref.node.from,
                    "label-name",
                    `${ref.role} label ${ref.name} is neither in the log-label contract nor extracted by the query (json/logfmt x="...", regexp (?P<x>), pattern <x>, label_format)`,
                ),
            );
    }
}
