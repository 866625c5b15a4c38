import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { stringify } from "yaml";

import { KNOWN_METRICS } from "../../monitoring/catalogue";
import { alertGroups, AlertRule, RECORDING_GROUPS, renderRuleFile } from "../../monitoring/rules";
import { DEFAULT_RUNBOOK_BASE_URL } from "../../config/defaults";
import { runTool } from "../support/tools";
import { REPO_ROOT } from "../support/stackConfig";
import { ALERT_CASES, AlertCase } from "./ruleCases";
import { metricNames } from "./promql";

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

    it("use only catalogued metric names", () => {
        const exprs = [...ALERTS.map((a) => a.expr), ...RECORDING_GROUPS.flatMap((g) => g.rules.map((r) => r.expr))];
        const unknown = exprs.flatMap((e) =>
            metricNames(e)
                .filter((n) => !KNOWN_METRICS.has(n))
                .map((n) => `${n} in ${e}`),
        );
        expect(unknown).toEqual([]);
    });

    it("keep the design's recording rules, with the p95 fixed", () => {
        const recorded = Object.fromEntries(RECORDING_GROUPS.flatMap((g) => g.rules.map((r) => [r.record, r.expr])));
        expect(recorded["event:rate:5m"]).toContain("rate(event_published_total");
        expect(recorded["event:processing_latency:p95"]).toMatch(
            /^histogram_quantile\(0\.95, sum by \(le, event_type\) \(rate\(event_processing_duration_seconds_bucket\{[^}]*\}\[5m\]\)\)\)$/,
        );
    });
});

describe("every alert", () => {
    it.each(ALERTS.map((a) => [a.alert, a] as const))("%s has for, severity, summary, description and a runbook", (name, alert) => {
        expect(alert.for).toMatch(/^\d+m$/);
        expect(["critical", "warning", "info", "none"]).toContain(alert.labels.severity);
        expect(alert.annotations.summary.length).toBeGreaterThan(10);
        expect(alert.annotations.description.length).toBeGreaterThan(20);
        expect(alert.annotations.runbook_url).toBe(`${DEFAULT_RUNBOOK_BASE_URL}/${name}.md`);
        const runbook = path.join(REPO_ROOT, "docs", "runbooks", `${name}.md`);
        expect(fs.existsSync(runbook)).toBe(true);
        const text = fs.readFileSync(runbook, "utf8");
        for (const heading of ["## Meaning", "## Confirm", "## Act"]) expect(text).toContain(heading);
    });

    it("names are unique and include an always-firing Watchdog", () => {
        const names = ALERTS.map((a) => a.alert);
        expect(new Set(names).size).toBe(names.length);
        const watchdog = ALERTS.find((a) => a.alert === "Watchdog");
        expect(watchdog?.expr).toBe("vector(1)");
    });

    it("has promtool unit tests, firing and (but for Watchdog) healthy", () => {
        const covered = ALERT_CASES.map((c) => c.alert).sort();
        expect(covered).toEqual(ALERTS.map((a) => a.alert).sort());
        for (const c of ALERT_CASES) {
            expect(c.firing.length).toBeGreaterThan(0);
            if (c.alert !== "Watchdog") expect(c.healthy.length).toBeGreaterThan(0);
        }
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

describe("metricNames", () => {
    it("finds metric names and ignores functions, labels, keywords and durations", () => {
        expect(
            metricNames(
                'sum by (le, job) (rate(a_bucket{job="x", le="0.5"}[5m])) / on (job) group_left (svc) b_total offset 5m > bool 0.5 or vector(1) and up',
            ),
        ).toEqual(["a_bucket", "b_total", "up"]);
        expect(metricNames("event:rate:5m")).toEqual(["event:rate:5m"]);
    });
});
