/**
 * A clone of the repository alone is enough: no tracked file but `.ci/run` (which may choose an offline chart mirror
 * beside the clone on a CI machine) refers to a `shared` folder outside the repository.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { REPO_ROOT } from "./support/stackConfig";

const OUTSIDE = /\.\.\/shared\b|["']\.\.["']\s*,\s*["']shared["']/;

describe("the repository alone", () => {
    it("refers to no folder outside it except in .ci/run", () => {
        const files = spawnSync("git", ["ls-files"], { cwd: REPO_ROOT, encoding: "utf8" }).stdout.split("\n").filter(Boolean);
        expect(files.length).toBeGreaterThan(50);
        const hits = files
            .filter((f) => f !== ".ci/run" && f !== "package-lock.json" && fs.existsSync(path.join(REPO_ROOT, f)))
            .flatMap((f) =>
                fs
                    .readFileSync(path.join(REPO_ROOT, f), "utf8")
                    .split("\n")
                    .map((line, i) => ({ where: `${f}:${i + 1}`, line }))
                    .filter((l) => OUTSIDE.test(l.line)),
            )
            .map((l) => `${l.where}: ${l.line.trim()}`);
        expect(hits).toEqual([]);
    });
    it("is a check that finds both spellings", () => {
        // Built from parts, so this file does not hold the spellings it looks for.
        const dotdot = "..";
        const samples = [`read("${dotdot}/shared/charts")`, `path.join(root, "${dotdot}", "shared")`];
        expect(samples.map((l) => OUTSIDE.test(l))).toEqual([true, true]);
        expect(OUTSIDE.test("a shared builder")).toBe(false);
    });
});
