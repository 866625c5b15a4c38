/**
 * A checker for Loki 3.7.6 config files, by reference: the rules Loki applies when it loads a config (strict YAML
 * decoding into its config structs, the config wrapper's derived defaults, and Config.Validate()), written in our
 * own words from grafana/loki@v3.7.6 (docs/sources/shared/configuration.md and the Go files each rule cites). Loki
 * itself is not built or run here: its module is AGPL. A config that passes is one these rules find nothing in;
 * what they do not cover (runtime behaviour, keys whose Go type the reference hides) is not checked.
 */
import { parseDocument } from "yaml";

import { keyProblems } from "./keyRules";
import { ConfigDoc, isBlock, LokiConfigProblem, lokiSource } from "./problem";
import { schemaProblems } from "./schemaRules";
import { storageProblems } from "./storageRules";
import { valueProblems } from "./valueRules";

export type { LokiConfigProblem } from "./problem";

export interface LokiCheckOptions {
    /** Which schema period is active depends on the date (ActivePeriodConfig); tests pin it. Default: now. */
    readonly now?: Date;
}

/** One line for test output: what this check is and is not. */
export const LOKI_CHECK_SCOPE =
    "Loki config checked by reference (rules of grafana/loki@v3.7.6 in our own words); Loki 3.7.6 itself is not run here: its module is AGPL";

function parseYaml(text: string): { doc?: unknown; problems: LokiConfigProblem[] } {
    // Loki decodes with gopkg.in/yaml.v2, which refuses duplicate keys as the yaml package does by default.
    const parsed = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    const problems = parsed.errors.map((e) => ({
        rule: "yaml",
        path: "<root>",
        value: e.linePos?.[0] ? `line ${e.linePos[0].line}` : undefined,
        problem: e.message,
        fix: "make the file valid YAML with each key once per block",
        source: lokiSource("pkg/util/cfg/files.go"),
    }));
    return { doc: problems.length ? undefined : parsed.toJS(), problems };
}

/** Every problem Loki 3.7.6 would have with this config (an empty list: none these rules know of). */
export function checkLokiConfig(config: string | ConfigDoc, options: LokiCheckOptions = {}): LokiConfigProblem[] {
    const { doc, problems } = typeof config === "string" ? parseYaml(config) : { doc: config, problems: [] };
    if (problems.length) return problems;
    if (!isBlock(doc)) {
        return [
            {
                rule: "yaml",
                path: "<root>",
                value: doc,
                problem: "a Loki config is a YAML mapping",
                fix: "start from the blocks of the reference",
                source: lokiSource("pkg/util/cfg/files.go"),
            },
        ];
    }
    return [...keyProblems(doc), ...valueProblems(doc), ...schemaProblems(doc, options.now ?? new Date()), ...storageProblems(doc)];
}

/** The problems as readable lines, for assertion messages. */
export const describeProblems = (problems: readonly LokiConfigProblem[]): string[] =>
    problems.map((p) => `${p.path} = ${JSON.stringify(p.value)}: ${p.problem}; fix: ${p.fix} [${p.rule}; ${p.source}]`);
