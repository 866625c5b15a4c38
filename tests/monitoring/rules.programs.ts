/** The rule files checked by promtool at the pinned version, and every alert's unit tests run by `promtool test rules`. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { stringify } from "yaml";

import { alertGroups, AlertRule, RECORDING_GROUPS, renderRuleFile } from "../../monitoring/rules";
import { DEFAULT_RUNBOOK_BASE_URL } from "../../config/defaults";
import { runTool } from "../../harness/tools/run";
import { ALERT_CASES, AlertCase } from "./ruleCases";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-rules-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const ALERT_GROUPS = alertGroups(DEFAULT_RUNBOOK_BASE_URL);
const ALERTS: AlertRule[] = ALERT_GROUPS.flatMap((g) => [...g.rules]);
fs.writeFileSync(path.join(tmp, "alerts.yml"), renderRuleFile(ALERT_GROUPS));
fs.writeFileSync(path.join(tmp, "recording.yml"), renderRuleFile(RECORDING_GROUPS));

describe("rule files", () => {
    it("pass promtool check rules at the pinned version", () => {
        const r = runTool("promtool", ["check", "rules", path.join(tmp, "alerts.yml"), path.join(tmp, "recording.yml")]);
        expect(r.stdout + r.stderr).toContain("SUCCESS");
        expect(r.status).toBe(0);
    });

    it("the check rejects the design document's quantile of a range vector", () => {
        const bad = renderRuleFile([
            { name: "bad", rules: [{ record: "bad:p95", expr: "histogram_quantile(0.95, event_processing_duration_seconds_bucket[5m])" }] },
        ]);
        fs.writeFileSync(path.join(tmp, "bad.yml"), bad);
        const r = runTool("promtool", ["check", "rules", path.join(tmp, "bad.yml")]);
        expect(r.status).not.toBe(0);
        expect(r.stdout + r.stderr).toContain("range vector");
    });
});

function unitTest(alert: AlertRule, testCase: AlertCase) {
    return {
        interval: "1m",
        input_series: Object.entries(testCase.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
            {
                eval_time: testCase.evalTime,
                alertname: alert.alert,
                exp_alerts: testCase.expect.map((e) => ({
                    exp_labels: e.labels,
                    exp_annotations: { summary: e.summary, description: e.description, runbook_url: alert.annotations.runbook_url },
                })),
            },
        ],
    };
}

describe("promtool test rules", () => {
    it.each(ALERT_CASES.map((c) => [c.alert, c] as const))("%s fires on its series and stays silent on healthy ones", (name, cases) => {
        const alert = ALERTS.find((a) => a.alert === name);
        expect(alert).toBeDefined();
        const file = path.join(tmp, `test-${name}.yml`);
        fs.writeFileSync(
            file,
            stringify({
                rule_files: ["alerts.yml", "recording.yml"],
                evaluation_interval: "1m",
                tests: [...cases.firing, ...cases.healthy].map((c) => unitTest(alert!, c)),
            }),
        );
        const r = runTool("promtool", ["test", "rules", file], { cwd: tmp });
        expect(r.stdout + r.stderr).toContain("SUCCESS");
        expect(r.status).toBe(0);
    });

    it("fails when an alert's expectation is wrong (the harness can fail)", () => {
        const alert = ALERTS.find((a) => a.alert === "TargetDown")!;
        const healthyAsFiring: AlertCase = {
            series: { 'up{job="loki", instance="loki:3100"}': "1x15" },
            evalTime: "10m",
            expect: [{ labels: { severity: "warning", job: "loki", instance: "loki:3100" }, summary: "x", description: "y" }],
        };
        const file = path.join(tmp, "test-wrong.yml");
        fs.writeFileSync(file, stringify({ rule_files: ["alerts.yml"], evaluation_interval: "1m", tests: [unitTest(alert, healthyAsFiring)] }));
        expect(runTool("promtool", ["test", "rules", file], { cwd: tmp }).status).not.toBe(0);
    });
});
