/**
 * Regexes as Loki compiles them: with Go's regexp, an RE2 engine, here re2js (the RE2 port, MIT). RE2 refuses what
 * backtracking engines allow, such as lookarounds `(?=x)` and backreferences `\1`, so JavaScript's RegExp would
 * pass queries Loki refuses.
 */
import { RE2JS } from "re2js";

export type Compiled = { readonly re: RE2JS } | { readonly error: string };

export function compileRe2(pattern: string): Compiled {
    try {
        return { re: RE2JS.compile(pattern) };
    } catch (e) {
        return { error: e instanceof Error ? e.message : String(e) };
    }
}

/**
 * A label matcher's regex as Prometheus' labels.NewMatcher builds it for Loki: anchored at both ends, `.` matching
 * newlines (grafana/loki@v3.7.6 vendor/github.com/prometheus/prometheus/model/labels/regexp.go NewFastRegexMatcher:
 * `^(?s:` + re + `)$`). Stream selectors and label filter stages both build their matchers so.
 */
export const anchoredLabelRegex = (pattern: string): string => `^(?s:${pattern})$`;

/** label_replace's regex, anchored without `(?s)` (grafana/loki@v3.7.6 pkg/logql/syntax/ast.go mustNewLabelReplaceExpr). */
export const anchoredLabelReplaceRegex = (pattern: string): string => `^(?:${pattern})$`;
