/** actionlint, built from its Go module at the pinned version (harness/tools/recipes.ts), on the GitHub workflows. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { runTool } from "../../harness/tools/run";
import { REPO_ROOT } from "../support/stackConfig";
import { WORKFLOW_FILES as files, WORKFLOWS_DIR } from "./workflowFiles";

const shellcheckAvailable = spawnSync("shellcheck", ["--version"]).status === 0;

describe("actionlint", () => {
    it("accepts every workflow", () => {
        if (!shellcheckAvailable) {
            // actionlint skips its shellcheck pass when shellcheck is absent (GitHub's runners have it).
            process.stderr.write(
                "[workflows] shellcheck is not installed here: actionlint checked the workflows without checking the run: scripts\n",
            );
        }
        const r = runTool("actionlint", ["-no-color", "-oneline", ...files.map((f) => path.join(".github", "workflows", f))], { cwd: REPO_ROOT });
        expect(`${r.stdout}${r.stderr}`).toBe("");
        expect(r.status).toBe(0);
        expect(files.length).toBeGreaterThanOrEqual(3);
    });

    it("rejects a broken workflow, naming the file, the line and the problem", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-actionlint-"));
        try {
            // The real test workflow without its runner, with a timeout that is not a number and a typo in a context.
            const broken = fs
                .readFileSync(path.join(WORKFLOWS_DIR, "test.yml"), "utf8")
                .replace(/^ {4}runs-on: .*\n/m, "")
                .replace("runner.os", "runner.oss")
                .replace("timeout-minutes: 45", "timeout-minutes: soon");
            const file = path.join(dir, "broken.yml");
            fs.writeFileSync(file, broken);
            const r = runTool("actionlint", ["-no-color", "-oneline", file]);
            expect(r.status).toBe(1);
            expect(r.stdout).toMatch(/broken\.yml:\d+:\d+: "runs-on" section is missing in job "test"/);
            expect(r.stdout).toMatch(
                /broken\.yml:\d+:\d+: expecting a single \$\{\{\.\.\.\}\} expression or float number literal, but found plain text node/,
            );
            expect(r.stdout).toMatch(/broken\.yml:\d+:\d+: property "oss" is not defined in object type/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
