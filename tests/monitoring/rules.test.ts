/** Alert and recording rules as data: catalogued names, runbooks, a unit test per alert. promtool runs them in rules.programs.ts. */
import * as fs from "fs";
import * as path from "path";

import { KNOWN_METRICS } from "../../monitoring/catalogue";
import { alertGroups, AlertRule, RECORDING_GROUPS } from "../../monitoring/rules";
import { DEFAULT_RUNBOOK_BASE_URL } from "../../config/defaults";
import { REPO_ROOT } from "../support/stackConfig";
import { ALERT_CASES } from "./ruleCases";
import { metricNames } from "./promql";

const ALERTS: AlertRule[] = alertGroups(DEFAULT_RUNBOOK_BASE_URL).flatMap((g) => [...g.rules]);

describe("rule files", () => {
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
