/**
 * The suites' split holds: no file of the unit suite (`*.test.ts`) reaches, through its imports, the harness module
 * that runs built programs (harness/tools/run.ts) or a call that builds them (`ensureTools(`). Those tests end in
 * `.programs.ts` (npm run test:programs). Read from the imports TypeScript itself sees (ts.preProcessFile).
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

import { REPO_ROOT } from "../support/stackConfig";

const RUNS_PROGRAMS = path.join(REPO_ROOT, "harness", "tools", "run.ts");
const BUILDER = path.join(REPO_ROOT, "harness", "tools", "build.ts");

/** The repository's own .ts files `file` imports (node_modules left out). */
function localImports(file: string): string[] {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
    return importedFiles
        .map((i) => i.fileName)
        .filter((spec) => spec.startsWith("."))
        .map((spec) => path.resolve(path.dirname(file), spec))
        .flatMap((base) => [`${base}.ts`, path.join(base, "index.ts")].filter((f) => fs.existsSync(f)).slice(0, 1));
}

/** Whether `file`'s code calls `ensureTools` (a call in the syntax tree, not a mention in a comment or a string). */
function callsEnsureTools(file: string): boolean {
    const source = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022);
    const visit = (node: ts.Node): boolean =>
        (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "ensureTools") ||
        ts.forEachChild(node, visit) === true;
    return visit(source);
}

/** Why `entry` would run or build a Go program: the chain of imports that gets there, or undefined. */
export function programPath(entry: string): string[] | undefined {
    const seen = new Set<string>();
    const walk = (file: string, chain: string[]): string[] | undefined => {
        if (seen.has(file)) return undefined;
        seen.add(file);
        const here = [...chain, path.relative(REPO_ROOT, file)];
        if (file === RUNS_PROGRAMS) return here;
        if (file !== BUILDER && callsEnsureTools(file)) return [...here, "ensureTools("];
        for (const next of localImports(file)) {
            const found = walk(next, here);
            if (found) return found;
        }
        return undefined;
    };
    return walk(entry, []);
}

function filesUnder(dir: string, suffix: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true, recursive: true })
        .filter((e) => e.isFile() && e.name.endsWith(suffix))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
}

describe("the unit suite", () => {
    const unitFiles = filesUnder(path.join(REPO_ROOT, "tests"), ".test.ts");

    it("runs and builds no Go program: no *.test.ts reaches harness/tools/run.ts or ensureTools", () => {
        expect(unitFiles.length).toBeGreaterThan(25);
        expect(unitFiles.map((f) => [path.relative(REPO_ROOT, f), programPath(f)]).filter(([, chain]) => chain !== undefined)).toEqual([]);
    });

    it("is a check that finds a program run through an import, and a build call", () => {
        expect(programPath(path.join(REPO_ROOT, "tests", "render", "nats.programs.ts"))).toEqual([
            "tests/render/nats.programs.ts",
            "harness/tools/run.ts",
        ]);
        // Through a helper: liveNats.ts starts nats-server.
        expect(programPath(path.join(REPO_ROOT, "tests", "instrumentation", "events.programs.ts"))).toEqual([
            "tests/instrumentation/events.programs.ts",
            "tests/instrumentation/liveNats.ts",
            "harness/tools/run.ts",
        ]);
        expect(programPath(path.join(REPO_ROOT, "harness", "tools", "globalSetup.ts"))).toEqual(["harness/tools/globalSetup.ts", "ensureTools("]);
    });
});
