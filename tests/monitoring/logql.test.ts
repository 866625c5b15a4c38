/**
 * Every LogQL query of every dashboard, for every value its variables can take, as the query_range request Grafana
 * sends, checked against Loki v3.7.6's rules by reference (tests/reference/logql): Loki is not run here, its module
 * is AGPL. Then the cases that show the checker refuses what Loki refuses, each for its own reason.
 */
import { buildMonitoringContent } from "../../monitoring/content";
import { ALL_VALUE } from "../../monitoring/dashboards/common";
import { DATASOURCE_UIDS } from "../../monitoring/datasources";
import { grafanaDatasources } from "../../render/grafana";
import { renderLokiConfig } from "../../render/loki";
import { renderLokiStackConfig } from "../../render/lokiStack";
import { sizeTier } from "../../config/tiers";
import { dashboardQueries } from "../e2e/queries";
import { checkLogql, checkLogqlRequest, LOKI_DEFAULT_LIMITS, lokiQueryLimits, type LogqlProblem } from "../reference/logql";
import {
    dashboardRangeMs,
    dashboardVariables,
    expandVariables,
    grafanaRangeRequest,
    lokiTargets,
    substituteBuiltins,
    variableChoices,
    type GrafanaLokiTarget,
} from "../reference/logql/grafana";

const content = buildMonitoringContent({ runbookBaseUrl: "https://runbooks.example", tier: "dev", lokiRetention: "744h" });
const DASHBOARDS = content.dashboards.map((d) => ({ file: d, model: JSON.parse(d.json) as Record<string, unknown> }));

const lokiOptions = { retentionPeriod: "744h", logLevel: "info" as const, limits: sizeTier("dev").loki };
/** The limits our dev Loki (3.7.6) runs with: our rendered config, where it sets them, else Loki's defaults. */
const LIMITS = lokiQueryLimits(renderLokiConfig({ ...lokiOptions, alertmanagerUrl: "http://alertmanager:9093" }));
/** Prod's loki-stack (2.9.17) config; Loki v2.9.17 has the same defaults (pkg/validation/limits.go, pkg/loghttp/query.go). */
const PROD_LIMITS = lokiQueryLimits(renderLokiStackConfig(lokiOptions));

const lokiDatasource = grafanaDatasources({ prometheusUrl: "http://p", lokiUrl: "http://l", alertmanagerUrl: "http://a" }).find(
    (d) => d.uid === DATASOURCE_UIDS.loki,
);
/** Grafana's line limit for a target without maxLines. */
const DATASOURCE_MAX_LINES = (lokiDatasource?.jsonData as { maxLines?: number } | undefined)?.maxLines ?? 1000;

const TARGETS = DASHBOARDS.flatMap(({ model }) => lokiTargets(model).map((target) => ({ target, model })));

/** Every request Grafana can send for the dashboards' Loki targets: one per combination of variable choices. */
const REQUESTS = TARGETS.flatMap(({ target, model }) => {
    const rangeMs = dashboardRangeMs(model.time as { from?: string; to?: string });
    const request = grafanaRangeRequest(target, rangeMs, DATASOURCE_MAX_LINES);
    return expandVariables(target.expr, dashboardVariables(model)).map((q) => ({
        where: `${target.dashboard} / ${target.where}${q.choices ? ` ${q.choices}` : ""}`,
        request: { ...request, expr: substituteBuiltins(q.expr, request) },
    }));
});

const only = (problems: LogqlProblem[]) => problems.map((p) => ({ rule: p.rule, message: p.message }));

describe("dashboard LogQL, checked by reference to Loki v3.7.6's rules", () => {
    it("reads the same Loki targets as the e2e query list", () => {
        const e2e = content.dashboards.flatMap((d) =>
            dashboardQueries(d.fileName, d.json)
                .filter((q) => q.language === "logql")
                .map((q) => q.raw),
        );
        expect(TARGETS.map(({ target }) => target.expr)).toEqual(e2e);
        expect(TARGETS.length).toBeGreaterThanOrEqual(2);
    });

    it("expands a label variable to All (its allValue), one value and several as a regex alternation, escaped as Grafana does", () => {
        const service = dashboardVariables(DASHBOARDS[0].model).find((v) => v.name === "service")!;
        expect(variableChoices(service).map((c) => c.text)).toEqual([ALL_VALUE, "orders", "orders|payments\\\\.v2"]);
        expect(REQUESTS.map((r) => r.where)).toContain('a4co-events / panel "Event handler errors" A $service=orders + payments.v2');
    });

    it("takes Loki's default limits: neither rendered Loki config sets them", () => {
        const defaults = { maxEntriesLimitPerQuery: 5000, maxQueryLengthMs: 721 * 3_600_000, maxPointsPerSeries: 11_000 };
        expect(LIMITS).toEqual({ ...defaults, source: { maxEntriesLimitPerQuery: "default", maxQueryLength: "default" } });
        expect(PROD_LIMITS).toEqual(LIMITS);
    });

    it("every query, for every choice of its variables, breaks none of Loki's rules nor the log-label contract", () => {
        const failing = REQUESTS.map((r) => ({ where: r.where, expr: r.request.expr, problems: only(checkLogqlRequest(r.request, LIMITS)) })).filter(
            (r) => r.problems.length > 0,
        );
        expect(failing).toEqual([]);
        expect(REQUESTS.length).toBeGreaterThan(TARGETS.length);
        process.stdout.write(
            `LogQL by reference to Loki v3.7.6's rules (Loki is not run here: its module is AGPL): ${TARGETS.length} dashboard queries, ` +
                `${REQUESTS.length} requests with every variable choice, limits ${LIMITS.maxEntriesLimitPerQuery} lines / ` +
                `${LIMITS.maxQueryLengthMs / 3_600_000}h / ${LIMITS.maxPointsPerSeries} points: no problems\n`,
        );
    });

    it("would refuse the old All value .* in the real Application logs query", () => {
        const { target, model } = TARGETS.find(({ target }) => target.where.startsWith('panel "Application logs"'))!;
        const oldAll = dashboardVariables(model).map((v) => (v.name === "service" ? { ...v, allValue: ".*" } : v));
        const all = expandVariables(target.expr, oldAll).find((q) => q.choices === "$service=All")!;
        expect(all.expr).toContain('service=~".*"');
        expect(checkLogql(all.expr).map((p) => p.rule)).toEqual(["empty-compatible-selector"]);
    });
});

describe("the checker refuses what Loki refuses", () => {
    it.each([
        ["the old All value", '{service=~".*"} |= ""', "empty-compatible-selector", "no matcher that excludes the empty value"],
        ["a negative matcher alone", '{service!="x"}', "empty-compatible-selector", "no matcher that excludes the empty value"],
        ["an alternation that admits the empty value", '{service=~"orders|"}', "empty-compatible-selector", "no matcher"],
        ["an empty equality", '{service=""}', "empty-compatible-selector", "no matcher"],
        ["a lookahead in a line filter", '{service="orders"} |~ "error(?=:)"', "regex", "RE2 refuses it"],
        ["a backreference in a selector", '{service=~"(a)\\\\1"}', "regex", "RE2 refuses the regex"],
        ["a lookbehind in a label filter", '{service="orders"} | json | level=~"(?<!x)error"', "regex", "RE2 refuses the regex"],
        ["a regexp stage RE2 refuses", '{service="orders"} | regexp "(?P<word>\\\\w+)(?!x)"', "regex", "RE2 refuses it"],
        ["a regexp stage without a named capture", '{service="orders"} | regexp "(\\\\w+)"', "regex", "no named capture"],
        [
            "a label_replace regex RE2 refuses",
            'label_replace(rate({service="orders"}[5m]), "svc", "$1", "service", "(?=o).*")',
            "regex",
            "RE2 refuses it",
        ],
        ["a Go-invalid escape in a string", '{service="orders"} |~ "\\d+"', "string-literal", "invalid escape \\d"],
        ["an unknown stream label", '{app="orders"}', "label-name", "stream selector label app is not in the log-label contract"],
        ["an unknown grouping label", 'sum by (pod) (count_over_time({service="orders"}[5m]))', "label-name", "grouping label pod"],
        ["an unknown label filter after a bare parser", '{service="orders"} | json | traceId="abc"', "label-name", "label filter label traceId"],
        ["sum_over_time without unwrap", 'sum_over_time({service="orders"}[5m])', "range-aggregation", "needs | unwrap"],
        ["count_over_time with unwrap", 'count_over_time({service="orders"} | json n="n" | unwrap n [5m])', "range-aggregation", "refuses | unwrap"],
        [
            "quantile_over_time without its quantile",
            'quantile_over_time({service="orders"} | json n="n" | unwrap n [5m])',
            "range-aggregation",
            "quantile parameter is required",
        ],
        ["a parameter on rate", 'rate(0.5, {service="orders"}[5m])', "range-aggregation", "takes no parameter"],
        ["a grouping on rate", 'rate({service="orders"}[5m]) by (service)', "range-aggregation", "grouping on this range function"],
        ["topk without a positive k", 'topk(0, rate({service="orders"}[5m]))', "vector-aggregation", "greater than 0"],
        ["sort with a grouping", 'sort by (service) (rate({service="orders"}[5m]))', "vector-aggregation", "grouping on sort"],
        ["a range aggregation without a range", 'rate({service="orders"})', "syntax", "does not parse at 1:24 near `)`"],
        ["a vector aggregation over a log query", 'sum({service="orders"})', "syntax", "does not parse at 1:23 near `)`"],
        ["an unclosed selector", '{service="orders"', "syntax", "ends early at 1:18"],
    ])("%s: %s", (_, expr, rule, message) => {
        expect(only(checkLogql(expr))).toEqual([{ rule, message: expect.stringContaining(message) }]);
    });

    it.each([
        ["a negative matcher that excludes the empty value (Loki counts any such matcher)", '{service!=""}'],
        ["All as .+ beside an exclusion", '{service=~".+", service!~"loki|grafana"} |= ""'],
        ["a line filter regex with Go escapes and or", '{service="orders"} |~ "\\\\d{3}" or `timeout\\s`'],
        ["labels the query extracts itself", '{service="orders"} | regexp "(?P<route>/\\\\S+)" | route=~"/api/.+"'],
        ["an extracted value unwrapped", 'quantile_over_time(0.95, {service="orders"} | json ms="duration_ms" | unwrap ms [5m]) by (service)'],
        ["a vector aggregation over a range aggregation", 'sum by (service, level) (count_over_time({service=~".+"} | json [5m]))'],
        ["rate with unwrap, and bytes_rate without", 'rate({service="orders"} | logfmt n | unwrap n [1m]) / bytes_rate({service="orders"}[1m])'],
        ["topk with a grouping", 'topk(3, sum by (service) (rate({service=~".+"}[5m])))'],
    ])("accepts %s", (_, expr) => {
        expect(only(checkLogql(expr))).toEqual([]);
    });
});

describe("the checker refuses the requests Loki refuses", () => {
    const main = TARGETS.find(({ target }) => target.dashboard === "a4co-main")!;
    const sixHours = dashboardRangeMs({ from: "now-6h", to: "now" });
    const expr = '{service=~".+"}';
    const metric = 'sum(count_over_time({service=~".+"}[5m]))';
    const problems = (target: GrafanaLokiTarget, rangeMs: number, query = expr) =>
        only(checkLogqlRequest({ ...grafanaRangeRequest(target, rangeMs, DATASOURCE_MAX_LINES), expr: query }, LIMITS));

    it("a logs panel's maxLines over max_entries_limit_per_query, but not on a metric query (the limit skips those)", () => {
        const target = { ...main.target, maxLines: LOKI_DEFAULT_LIMITS.maxEntriesLimitPerQuery + 1 };
        expect(problems(target, sixHours)).toEqual([
            { rule: "max-entries", message: expect.stringContaining("line limit 5001 is over max_entries_limit_per_query 5000") },
        ]);
        expect(problems(target, sixHours, metric)).toEqual([]);
        expect(problems({ ...main.target, maxLines: undefined }, sixHours)).toEqual([]); // the datasource's 1000
    });

    it("a dashboard time range over max_query_length", () => {
        expect(problems(main.target, dashboardRangeMs({ from: "now-31d", to: "now" }))).toEqual([
            { rule: "max-query-length", message: expect.stringContaining("time range 744h is over max_query_length 721h") },
        ]);
        expect(problems(main.target, dashboardRangeMs({ from: "now-30d", to: "now" }))).toEqual([]);
    });

    it("an explicit step that asks more than 11,000 points per series; Grafana's own step never does", () => {
        expect(problems({ ...main.target, step: "1s" }, sixHours, metric)).toEqual([
            { rule: "max-points", message: expect.stringContaining("21600 points per series") },
        ]);
        expect(problems({ ...main.target, step: "2s" }, sixHours, metric)).toEqual([]);
        expect(problems(main.target, dashboardRangeMs({ from: "now-30d", to: "now" }), metric)).toEqual([]);
    });

    it("a limit our Loki config sets wins over Loki's default", () => {
        const config = `limits_config:\n  max_entries_limit_per_query: 400\n  max_query_length: 1d\n`;
        const limits = lokiQueryLimits(config);
        const request = { ...grafanaRangeRequest(main.target, dashboardRangeMs({ from: "now-2d", to: "now" }), DATASOURCE_MAX_LINES), expr };
        expect(only(checkLogqlRequest(request, limits)).map((p) => p.message)).toEqual([
            "line limit 500 is over max_entries_limit_per_query 400 (config)",
            "time range 48h is over max_query_length 24h (config)",
        ]);
    });
});
