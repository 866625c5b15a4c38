/**
 * Label matchers (`name op "value"`), in stream selectors and in label filter stages: their regexes compile under
 * RE2, and each stream selector narrows the streams the way Loki demands.
 */
import { type LogqlProblem, problemAt } from "./problem";
import { anchoredLabelRegex, compileRe2 } from "./re2";
import { nodesNamed, type ParsedLogql, type SyntaxNode, stringValue, textOf } from "./tree";

export type MatchOp = "=" | "!=" | "=~" | "!~";

export interface LabelMatcher {
    readonly name: string;
    readonly op: MatchOp;
    readonly value: string;
    readonly node: SyntaxNode;
    /** Whether the matcher accepts a stream that lacks the label (its value is then ""); undefined if it does not compile. */
    readonly matchesEmpty: boolean | undefined;
}

const OPS: Record<string, MatchOp> = { Eq: "=", Neq: "!=", Re: "=~", Nre: "!~" };

/**
 * Whether a matcher accepts the empty value, as Prometheus' labels.Matcher.Matches("") answers it for Loki: `=` only
 * for "", `!=` for any value but "", `=~` when the anchored regex matches "", `!~` when it does not.
 */
function matchesEmpty(op: MatchOp, value: string): boolean | undefined {
    if (op === "=") return value === "";
    if (op === "!=") return value !== "";
    const compiled = compileRe2(anchoredLabelRegex(value));
    if ("error" in compiled) return undefined;
    const matches = compiled.re.matches("");
    return op === "=~" ? matches : !matches;
}

/** Reads a Matcher node; reports a regex RE2 refuses or a bad string literal, and returns undefined for those. */
export function readMatcher(parsed: ParsedLogql, node: SyntaxNode, problems: LogqlProblem[]): LabelMatcher | undefined {
    const nameNode = node.getChild("Identifier");
    const opNode = Object.keys(OPS)
        .map((k) => node.getChild(k))
        .find((n) => n !== null);
    const valueNode = node.getChild("String");
    if (!nameNode || !opNode || !valueNode) return undefined; // a parse error, reported as such
    const value = stringValue(parsed.expr, valueNode, problems);
    if (value === undefined) return undefined;
    const op = OPS[opNode.name];
    if (op === "=~" || op === "!~") {
        const compiled = compileRe2(anchoredLabelRegex(value));
        if ("error" in compiled) {
            problems.push(
                problemAt(parsed.expr, valueNode.from, "regex", `matcher ${textOf(parsed.expr, node)}: RE2 refuses the regex: ${compiled.error}`),
            );
            return undefined;
        }
    }
    return { name: textOf(parsed.expr, nameNode), op, value, node, matchesEmpty: matchesEmpty(op, value) };
}

/**
 * Loki refuses a stream selector none of whose matchers excludes the empty value: such a selector would select every
 * stream in the range. Any matcher that does not match "" counts, whatever its operator, so `{a!=""}` passes while
 * `{a=~".*"}`, `{a=""}` and `{a!="x"}` do not (grafana/loki@v3.7.6 pkg/logql/syntax/parser.go validateMatchers, over
 * pkg/util/matchers.go SplitFiltersAndMatchers; run for every selector of the query by validateSampleExpr and
 * validateLogSelectorExpression).
 */
export function checkStreamSelectors(parsed: ParsedLogql, problems: LogqlProblem[]): LabelMatcher[] {
    const all: LabelMatcher[] = [];
    for (const selector of nodesNamed(parsed.top, "Selector")) {
        const nodes = nodesNamed(selector, "Matcher");
        const matchers = nodes.map((n) => readMatcher(parsed, n, problems)).filter((m): m is LabelMatcher => m !== undefined);
        all.push(...matchers);
        // A matcher that did not read is reported already; Loki stops at that error before this rule.
        if (matchers.length < nodes.length || nodes.length === 0) continue;
        if (matchers.every((m) => m.matchesEmpty)) {
            problems.push(
                problemAt(
                    parsed.expr,
                    selector.from,
                    "empty-compatible-selector",
                    `stream selector ${textOf(parsed.expr, selector)} has no matcher that excludes the empty value, so Loki refuses it: ` +
                        `give it an = with a non-empty value or an =~ whose regex cannot match "" (=~".+", not =~".*")`,
                ),
            );
        }
    }
    return all;
}

/** Matchers of label filter stages (`| level=~"warn|error"`): outside stream selectors, built the same way. */
export function labelFilterMatchers(parsed: ParsedLogql, problems: LogqlProblem[]): LabelMatcher[] {
    return nodesNamed(parsed.top, "LabelFilter")
        .flatMap((f) => (f.getChild("Matcher") ? [f.getChild("Matcher")!] : []))
        .map((n) => readMatcher(parsed, n, problems))
        .filter((m): m is LabelMatcher => m !== undefined);
}
