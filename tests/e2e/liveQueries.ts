/**
 * Every query the program ships, against the live data: each dashboard's PromQL and LogQL, each recording rule, each
 * alert rule's data, and each panel again through Grafana. Each adds its rows to the run's report; the test asserts.
 */
import { waitFor } from "../../harness/live";
import { buildMonitoringContent } from "../../monitoring/content";
import { checkDatasources, checkLogin, provisionedDashboards, queryThroughGrafana } from "./grafanaChecks";
import { lokiQuery, promQuery } from "./probes";
import { alertRuleQueries, dashboardQueries, dataSides, recordingRuleQueries, vectorSelectors } from "./queries";
import type { StackContext } from "./stackContext";

const RUNBOOKS = "https://example.invalid/runbooks";
const devContent = () => buildMonitoringContent({ runbookBaseUrl: RUNBOOKS, tier: "dev", lokiRetention: "744h" } as never);

export async function checkDashboardLogql(ctx: StackContext): Promise<void> {
    const { report } = ctx;
    const content = devContent();
    const logql = content.dashboards.flatMap((d) => dashboardQueries(d.fileName, d.json)).filter((q) => q.language === "logql");
    const lokiWhy = ctx.notRunReason("loki");
    if (lokiWhy) {
        for (const q of logql) report.add("logql", `${q.dashboard} ${q.where}`, "not run", `${lokiWhy} (the LogQL checker checks it by reference)`);
        report.figure("dashboard LogQL returning lines", "not run (Loki does not run here)");
        return;
    }
    let ok = 0;
    for (const q of logql) {
        const r = await lokiQuery(ctx.url.loki(), q.expr, 900).catch((e: Error) => ({ count: 0, ms: 0, error: e.message }));
        if (r.count) ok++;
        const collector = ctx.runningCollector();
        report.add(
            "logql",
            `${q.dashboard} ${q.where}`,
            r.count ? "pass" : "fail",
            r.count
                ? `${r.count} lines/series (${collector ? `shipped by ${collector}` : "pushed by the stand-in"}, see logs)`
                : `expected lines from ${q.expr}; saw none${"error" in r ? ` (${r.error})` : ""}`,
        );
    }
    report.figure("dashboard LogQL returning lines", `${ok} of ${logql.length}`);
}

export async function checkDashboardPromql(ctx: StackContext): Promise<void> {
    const { report } = ctx;
    const queries = devContent().dashboards.flatMap((d) => dashboardQueries(d.fileName, d.json));
    let slowest = { ms: 0, what: "" };
    let ok = 0;
    const promql = queries.filter((q) => q.language === "promql");
    for (const q of promql) {
        const r = await promQuery(ctx.url.prometheus(), q.expr).catch((e: Error) => ({ series: [], ms: 0, error: e.message }));
        if (r.ms > slowest.ms) slowest = { ms: r.ms, what: `${q.dashboard} ${q.where}` };
        const notCheckable = ctx.notCheckableReason(q.expr);
        if (r.series.length) ok++;
        report.add(
            "promql",
            `${q.dashboard} ${q.where}`,
            r.series.length ? "pass" : notCheckable ? "not run" : "fail",
            r.series.length
                ? `${r.series.length} series`
                : (notCheckable ?? `expected >= 1 series from ${q.expr}; saw none${"error" in r ? ` (${r.error})` : ""}`),
        );
    }
    report.figure("dashboard PromQL returning data", `${ok} of ${promql.length}`);
    report.figure("slowest dashboard query", `${slowest.ms} ms (${slowest.what})`);
    let rulesOk = 0;
    const rules = recordingRuleQueries();
    for (const r of rules) {
        const got = await promQuery(ctx.url.prometheus(), r.name).catch(() => ({ series: [] }));
        if (got.series.length) rulesOk++;
        report.add(
            "promql",
            `recording rule ${r.name}`,
            got.series.length ? "pass" : "fail",
            got.series.length ? `${got.series.length} series` : `expected >= 1 series of ${r.name} (${r.expr}); saw none`,
        );
    }
    report.figure("recording rules returning data", `${rulesOk} of ${rules.length}`);
    const head = await promQuery(ctx.url.prometheus(), "prometheus_tsdb_head_series").catch(() => ({ series: [] as { value?: [number, string] }[] }));
    report.figure("Prometheus head series", head.series[0]?.value?.[1] ?? "?");
}

export async function checkGrafana(ctx: StackContext): Promise<void> {
    const { report } = ctx;
    const content = devContent();
    const why = ctx.notRunReason("grafana");
    if (why) {
        for (const check of [
            "login with the generated admin password",
            "datasources healthy",
            "dashboards provisioned in their folder",
            "panel queries through Grafana",
        ])
            report.add("grafana", check, "not run", why);
        return;
    }
    const admin = ctx.stack.outputs.grafanaAdmin as { user: string; password: string };
    const login = { base: ctx.url.grafana(), ...admin };
    const l = await checkLogin(login);
    report.add("grafana", "login with the generated admin password", l.ok ? "pass" : "fail", l.detail);
    for (const d of await checkDatasources(login)) {
        const dependsOn = d.uid === "loki" ? ctx.notRunReason("loki") : undefined;
        report.add("grafana", `datasource ${d.uid} healthy`, dependsOn ? "not run" : d.ok ? "pass" : "fail", dependsOn ?? d.detail);
    }
    const served = await waitFor(async () => {
        const m = await provisionedDashboards(login);
        return content.dashboards.every((d) => m.has(d.uid)) ? m : undefined;
    }, 60_000);
    const found = served ?? (await provisionedDashboards(login));
    for (const d of content.dashboards) {
        const folder = found.get(d.uid);
        report.add(
            "grafana",
            `dashboard ${d.uid} provisioned in ${content.folder}`,
            folder === content.folder ? "pass" : "fail",
            folder === undefined ? "not served by Grafana" : `in folder ${folder}`,
        );
    }
    let ok = 0;
    const queries = content.dashboards.flatMap((d) => dashboardQueries(d.fileName, d.json)).filter((q) => !q.where.startsWith("variable"));
    for (const q of queries) {
        const skip = q.language === "logql" ? ctx.notRunReason("loki") : ctx.notCheckableReason(q.expr);
        if (skip) {
            report.add("grafana", `through Grafana: ${q.dashboard} ${q.where}`, "not run", skip);
            continue;
        }
        const r = await queryThroughGrafana(login, q).catch((e: Error) => ({ ok: false, values: 0, detail: e.message }));
        if (r.ok) ok++;
        report.add("grafana", `through Grafana: ${q.dashboard} ${q.where}`, r.ok ? "pass" : "fail", r.detail);
    }
    report.figure("panel queries answered through Grafana", `${ok} of ${queries.length}`);
}

export async function checkAlertsSeeTheirData(ctx: StackContext): Promise<void> {
    const { report } = ctx;
    const seriesOf = (q: string) => promQuery(ctx.url.prometheus(), q).catch(() => ({ series: [] }));
    for (const a of alertRuleQueries(RUNBOOKS)) {
        const why = ctx.notCheckableReason(a.expr);
        if (why) {
            report.add("alerts", `${a.name} sees its data`, "not run", why);
            continue;
        }
        const missing: string[] = [];
        for (const sel of vectorSelectors(a.expr)) if (!(await seriesOf(sel)).series.length) missing.push(sel);
        // The expression without its threshold: each data side of the final comparison returns series.
        const sides = dataSides(a.expr);
        const empty: string[] = [];
        for (const side of sides) if (!(await seriesOf(side)).series.length) empty.push(side);
        // absent(...) returns nothing while the data is there: that is the alert being quiet, not blind.
        const blind = empty.filter((side) => !/^\(?\s*absent\(/.test(side) && !/\babsent\(/.test(side));
        const ok = missing.length === 0 && blind.length === 0;
        report.add(
            "alerts",
            `${a.name} sees its data`,
            ok ? "pass" : "fail",
            ok
                ? `${vectorSelectors(a.expr).length} selectors match live series; ${sides.length} side(s) without threshold return series`
                : `selectors without series: ${missing.join(", ") || "none"}; without threshold, no series from: ${blind.join(" | ") || "none"}`,
        );
    }
}
