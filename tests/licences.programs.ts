/**
 * The licences of the Go modules every suite builds (the recipe table, harness/tools/recipes.ts), read from the
 * modules themselves with Go (Apache-2.0, MIT or BSD), and what each program the programs suite built links (no AGPL
 * module). The npm side and the table's module names are checked without Go in tests/licences.test.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { ALL_TOOLS, PROGRAMS_SUITE_TOOLS } from "../harness/tools/recipes";
import { toolPath } from "../harness/tools/run";
import { isAgplModule, licenceFamily } from "./support/licences";

/** The licence file of `module@version`, from the Go module cache (`go mod download` fetches it once). */
function moduleLicence(module: string, version: string): string {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-licence-"));
    try {
        const r = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], {
            cwd,
            encoding: "utf8",
            env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
            timeout: 600_000,
        });
        if (r.status !== 0) throw new Error(`go mod download ${module}@${version}: ${r.stderr}${r.stdout}`);
        const dir = (JSON.parse(r.stdout) as { Dir: string }).Dir;
        const file = ["LICENSE", "LICENSE.txt", "LICENSE.md", "COPYING"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
        if (!file) throw new Error(`${module}@${version} has no licence file in ${dir}`);
        return fs.readFileSync(file, "utf8");
    } finally {
        fs.rmSync(cwd, { recursive: true, force: true });
    }
}

describe("Go modules the suites build", () => {
    it.each(ALL_TOOLS.map((s) => [`${s.name} (${s.module}@${s.version})`, s] as const))(
        "%s is under a permissive licence",
        (_name, spec) => {
            expect({ module: spec.module, licence: licenceFamily(moduleLicence(spec.module, spec.version)) }).toEqual({
                module: spec.module,
                licence: expect.stringMatching(/^(Apache-2\.0|MIT|BSD)$/),
            });
        },
        600_000,
    );
    it.each(PROGRAMS_SUITE_TOOLS.map((s) => s.name))("%s, as built, links no AGPL module (go version -m)", (name) => {
        const spec = PROGRAMS_SUITE_TOOLS.find((s) => s.name === name)!;
        const r = spawnSync("go", ["version", "-m", toolPath(spec)], { encoding: "utf8" });
        expect(r.status).toBe(0);
        const deps = [...r.stdout.matchAll(/^\s+(?:dep|=>)\s+(\S+)\s/gm)].map((m) => m[1]);
        expect(deps.length).toBeGreaterThan(0);
        expect(deps.filter(isAgplModule)).toEqual([]);
    });
});
