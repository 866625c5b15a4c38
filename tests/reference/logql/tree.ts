/**
 * The syntax tree of a LogQL query from @grafana/lezer-logql, with the few helpers the rules share: the nodes of a
 * kind under a node, a node's text, and string literals read the way Loki's lexer reads them.
 */
import { type LogqlProblem, position, problemAt } from "./problem";

// The package ships CommonJS for require() and ESM for import; require keeps the tests CommonJS modules.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require("@grafana/lezer-logql") as typeof import("@grafana/lezer-logql", { with: { "resolution-mode": "import" } });

export type SyntaxNode = ReturnType<typeof parser.parse>["topNode"];

export interface ParsedLogql {
    readonly expr: string;
    readonly top: SyntaxNode;
    /** One problem per error node lezer inserted, with its position. */
    readonly syntaxProblems: LogqlProblem[];
}

export function parseLogql(expr: string): ParsedLogql {
    const top = parser.parse(expr).topNode;
    const syntaxProblems: LogqlProblem[] = [];
    top.cursor().iterate((node) => {
        if (!node.type.isError) return;
        const near = expr.slice(node.from, Math.max(node.to, node.from + 12)).trim();
        const message = near
            ? `LogQL does not parse at ${position(expr, node.from)} near \`${near}\``
            : `LogQL ends early at ${position(expr, node.from)}`;
        syntaxProblems.push(problemAt(expr, node.from, "syntax", message));
    });
    return { expr, top, syntaxProblems };
}

/** Every node named `name` under `node` (not `node` itself), in document order. */
export function nodesNamed(node: SyntaxNode, name: string): SyntaxNode[] {
    const out: SyntaxNode[] = [];
    for (let child = node.firstChild; child; child = child.nextSibling) {
        if (child.name === name) out.push(child);
        out.push(...nodesNamed(child, name));
    }
    return out;
}

export const textOf = (expr: string, node: SyntaxNode): string => expr.slice(node.from, node.to);

/** A string literal's value, or why Loki's lexer refuses it. */
export type Unquoted = { readonly value: string } | { readonly error: string };

const SIMPLE_ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"' };
const HEX_ESCAPES: Record<string, number> = { x: 2, u: 4, U: 8 };

/**
 * Loki's lexer reads strings as Go does: `"..."` with Go's escapes (`\n`, `\\`, `\"`, `\xhh`, `\ooo`, `\uhhhh`,
 * `\Uhhhhhhhh`; anything else, such as `\d` or `\'`, is an error) or `` `...` `` taken raw
 * (grafana/loki@v3.7.6 pkg/logql/syntax/lex.go: text/scanner strings, unquoted with Prometheus' strutil.Unquote).
 */
export function unquote(literal: string): Unquoted {
    if (literal.length >= 2 && literal.startsWith("`") && literal.endsWith("`")) return { value: literal.slice(1, -1) };
    if (literal.length < 2 || !literal.startsWith('"') || !literal.endsWith('"')) return { error: `${literal} is not a string literal` };
    const body = literal.slice(1, -1);
    let value = "";
    for (let i = 0; i < body.length; i++) {
        if (body[i] !== "\\") {
            value += body[i];
            continue;
        }
        const kind = body[i + 1] ?? "";
        if (kind in SIMPLE_ESCAPES) {
            value += SIMPLE_ESCAPES[kind];
            i++;
        } else if (kind in HEX_ESCAPES) {
            const digits = body.slice(i + 2, i + 2 + HEX_ESCAPES[kind]);
            const code = parseInt(digits, 16);
            if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== HEX_ESCAPES[kind] || code > 0x10ffff || (code >= 0xd800 && code < 0xe000))
                return { error: `invalid escape \\${kind}${digits} in ${literal}` };
            value += String.fromCodePoint(code);
            i += 1 + digits.length;
        } else if (/[0-7]/.test(kind)) {
            const digits = body.slice(i + 1, i + 4);
            if (!/^[0-7]{3}$/.test(digits) || parseInt(digits, 8) > 255) return { error: `invalid octal escape \\${digits} in ${literal}` };
            value += String.fromCharCode(parseInt(digits, 8));
            i += 3;
        } else {
            return { error: `invalid escape \\${kind} in ${literal} (LogQL strings take Go escapes: write \\\\${kind}, or use a \`raw\` string)` };
        }
    }
    return { value };
}

/** The value of a String node, or a `string-literal` problem. */
export function stringValue(expr: string, node: SyntaxNode, problems: LogqlProblem[]): string | undefined {
    const read = unquote(textOf(expr, node));
    if ("error" in read) {
        problems.push(problemAt(expr, node.from, "string-literal", read.error));
        return undefined;
    }
    return read.value;
}
