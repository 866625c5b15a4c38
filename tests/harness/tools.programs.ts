/** The programs the programs suite builds (harness/tools/recipes.ts), run: each reports exactly its pinned version. */
import { TOOLS, ToolName } from "../../harness/tools/recipes";
import { runTool } from "../../harness/tools/run";

/** The tools whose version line reads `version X.Y.Z` (or `nats-server: vX.Y.Z`). */
const CHECKERS: readonly ToolName[] = ["nats-server", "prometheus-nats-exporter", "promtool", "amtool"];

/** The version each tool prints, from its own --version output. */
function reportedVersion(name: ToolName): string {
    const r = runTool(name, [...TOOLS[name].versionArgs]);
    const text = r.stdout + r.stderr;
    const m = /(?:version|nats-server:)\s+v?(\d+\.\d+\.\d+)/.exec(text);
    if (!m) throw new Error(`${name} printed no version: ${text}`);
    return m[1];
}

describe("the real programs the tests use", () => {
    it.each(CHECKERS)("%s reports exactly the pinned version", (name) => {
        expect(reportedVersion(name)).toBe(TOOLS[name].reportedVersion);
    });
});
