/**
 * The regexes of a query outside label matchers: line filters, the `regexp` parser stage and label_replace. Loki
 * compiles each with Go's regexp (RE2) and answers HTTP 400 when one does not compile.
 */
import { type LogqlProblem, problemAt } from "./problem";
import { anchoredLabelReplaceRegex, compileRe2 } from "./re2";
import { nodesNamed, type ParsedLogql, type SyntaxNode, stringValue } from "./tree";

/** The string operands of a line filter: `|~ "a" or "b"` has two, each of the filter's kind. */
const filterStrings = (filter: SyntaxNode): SyntaxNode[] => [
    ...filter.getChildren("String"),
    ...nodesNamed(filter, "OrFilter").flatMap((o) => o.getChildren("String")),
];

/**
 * `|~` and `!~` take an unanchored regex (grafana/loki@v3.7.6 pkg/logql/log/filter.go NewFilter -> parseRegexpFilter:
 * parsed with Go's regexp/syntax, Perl flags); `|=`, `!=` take literals and `|>`, `!>` patterns.
 */
function checkLineFilters(parsed: ParsedLogql, problems: LogqlProblem[]): void {
    for (const filter of nodesNamed(parsed.top, "LineFilter")) {
        const kind = filter.getChild("Filter")?.firstChild?.name;
        if ((kind !== "PipeMatch" && kind !== "Nre") || filter.getChild("FilterOp")) continue;
        for (const s of filterStrings(filter)) {
            const pattern = stringValue(parsed.expr, s, problems);
            if (pattern === undefined) continue;
            const compiled = compileRe2(pattern);
            if ("error" in compiled)
                problems.push(problemAt(parsed.expr, s.from, "regex", `line filter regex ${pattern}: RE2 refuses it: ${compiled.error}`));
        }
    }
}

/**
 * `| regexp "..."` compiles unanchored and must have at least one named capture, whose names become labels
 * (grafana/loki@v3.7.6 pkg/logql/log/parser.go NewRegexpParser). Returns the names it extracts.
 */
function checkRegexpStages(parsed: ParsedLogql, problems: LogqlProblem[]): string[] {
    const names: string[] = [];
    for (const stage of nodesNamed(parsed.top, "LabelParser").filter((p) => p.getChild("Regexp"))) {
        const s = stage.getChild("String");
        const pattern = s ? stringValue(parsed.expr, s, problems) : undefined;
        if (!s || pattern === undefined) continue;
        const compiled = compileRe2(pattern);
        if ("error" in compiled) {
            problems.push(problemAt(parsed.expr, s.from, "regex", `regexp stage ${pattern}: RE2 refuses it: ${compiled.error}`));
            continue;
        }
        const captured = Object.keys(compiled.re.namedGroups());
        if (captured.length === 0)
            problems.push(
                problemAt(parsed.expr, s.from, "regex", `regexp stage ${pattern} has no named capture (?P<name>...): it would extract nothing`),
            );
        names.push(...captured);
    }
    return names;
}

/**
 * label_replace(v, "dst", "replacement", "src", "regex"): the regex is anchored and compiled when the query parses
 * (grafana/loki@v3.7.6 pkg/logql/syntax/syntax.y labelReplaceExpr, ast.go mustNewLabelReplaceExpr). Returns the
 * labels it writes and reads.
 */
function checkLabelReplace(parsed: ParsedLogql, problems: LogqlProblem[]): { writes: string[]; reads: { name: string; node: SyntaxNode }[] } {
    const writes: string[] = [];
    const reads: { name: string; node: SyntaxNode }[] = [];
    for (const call of nodesNamed(parsed.top, "LabelReplaceExpr")) {
        const [dst, , src, regex] = call.getChildren("String");
        if (!regex) continue; // a parse error
        const dstName = stringValue(parsed.expr, dst, problems);
        const srcName = stringValue(parsed.expr, src, problems);
        const pattern = stringValue(parsed.expr, regex, problems);
        if (dstName !== undefined) writes.push(dstName);
        if (srcName !== undefined) reads.push({ name: srcName, node: src });
        if (pattern === undefined) continue;
        const compiled = compileRe2(anchoredLabelReplaceRegex(pattern));
        if ("error" in compiled)
            problems.push(problemAt(parsed.expr, regex.from, "regex", `label_replace regex ${pattern}: RE2 refuses it: ${compiled.error}`));
    }
    return { writes, reads };
}

export interface PipelineFacts {
    /** Label names the query's own stages create: regexp captures and label_replace destinations. */
    readonly extracted: string[];
    /** Label names label_replace reads. */
    readonly labelReplaceSources: { name: string; node: SyntaxNode }[];
}

export function checkPipelineRegexes(parsed: ParsedLogql, problems: LogqlProblem[]): PipelineFacts {
    checkLineFilters(parsed, problems);
    const captured = checkRegexpStages(parsed, problems);
    const replaced = checkLabelReplace(parsed, problems);
    return { extracted: [...captured, ...replaced.writes], labelReplaceSources: replaced.reads };
}
