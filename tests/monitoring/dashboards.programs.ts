/** Every PromQL expression of the dashboards, parsed by promtool at the pinned version (harness/tools/recipes.ts). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { renderRuleFile } from "../../monitoring/rules";
import { runTool } from "../../harness/tools/run";
import { PROMQL } from "./dashboardQueries";
import { substituteGrafanaVariables } from "./promql";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-dash-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs promtool on expressions wrapped as recording rules; returns promtool's verdict. */
function promtoolParses(exprs: string[]): { status: number | null; output: string } {
    const file = path.join(tmp, `exprs-${Math.random().toString(36).slice(2)}.yml`);
    fs.writeFileSync(
        file,
        renderRuleFile([{ name: "dashboard-queries", rules: exprs.map((expr, i) => ({ record: `dashboard:query_${i}`, expr })) }]),
    );
    const r = runTool("promtool", ["check", "rules", file]);
    return { status: r.status, output: r.stdout + r.stderr };
}

describe("PromQL in dashboards", () => {
    it("every expression parses with promtool at the pinned version", () => {
        expect(PROMQL.length).toBeGreaterThan(30);
        const r = promtoolParses(PROMQL.map((q) => substituteGrafanaVariables(q.expr)));
        expect(r.output).toContain("SUCCESS");
        expect(r.status).toBe(0);
    });

    it("the check rejects a broken expression", () => {
        expect(promtoolParses(["sum(rate(http_requests_total[5m])"]).status).not.toBe(0);
    });
});
