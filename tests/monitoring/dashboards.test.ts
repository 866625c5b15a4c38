/** The dashboards as data: uids, refresh, datasources, units, variables, and the names their queries use. promtool parses their PromQL in dashboards.programs.ts. */
import { KNOWN_METRICS } from "../../monitoring/catalogue";
import { MAIN_DASHBOARD_UID } from "../../monitoring/dashboards";
import { ALL_VALUE } from "../../monitoring/dashboards/common";
import { sizeTier } from "../../config/tiers";
import { buildMonitoringContent } from "../../monitoring/content";
import { DOCKER_SERVICES } from "../../platforms/docker/services";
import { STACK_LOG_SERVICES } from "../../monitoring/dashboards/main";
import { DATASOURCE_UIDS } from "../../monitoring/datasources";
import { ALL, LOGQL, Panel, panelsOf, PROMQL, QUERIES, variablesOf } from "./dashboardQueries";
import { metricNames, substituteGrafanaVariables } from "./promql";

describe("dashboards", () => {
    it("are the design's three plus stack health, with stable unique uids", () => {
        expect(ALL.map((d) => d.uid)).toEqual(["a4co-main", "a4co-events", "a4co-nats", "a4co-stack-health"]);
        expect(ALL.some((d) => d.uid === MAIN_DASHBOARD_UID)).toBe(true);
        expect(new Set(ALL.map((d) => d.fileName)).size).toBe(ALL.length);
    });

    it.each(ALL.map((d) => [d.uid, d] as const))("%s refreshes every 30 s and is provisioned read-only", (_, d) => {
        const model = d.model as { refresh?: string; editable?: boolean; schemaVersion?: number };
        expect(model.refresh).toBe("30s");
        expect(model.editable).toBe(false);
        expect(model.schemaVersion).toBeGreaterThanOrEqual(39);
    });

    it("give every panel and query a datasource uid that is provisioned", () => {
        const known = Object.values(DATASOURCE_UIDS) as string[];
        for (const d of ALL) {
            for (const p of panelsOf(d.model)) {
                expect({ panel: `${d.uid}/${p.title}`, uid: p.datasource?.uid }).toEqual({
                    panel: `${d.uid}/${p.title}`,
                    uid: expect.stringMatching(new RegExp(`^(${known.join("|")})$`)),
                });
                expect((p.targets ?? []).length).toBeGreaterThan(0);
            }
        }
        for (const q of QUERIES) expect(known).toContain(q.uid);
    });

    it("have panels with units and titles", () => {
        for (const d of ALL) {
            for (const p of panelsOf(d.model)) {
                expect(p.title?.length ?? 0).toBeGreaterThan(2);
                if (p.type === "timeseries" || p.type === "stat") {
                    expect((p as { fieldConfig?: { defaults?: { unit?: string } } }).fieldConfig?.defaults?.unit).toBeTruthy();
                }
            }
        }
    });

    it("offer the variables users expect: service, event type, NATS server by name", () => {
        const vars = Object.fromEntries(ALL.map((d) => [d.uid, variablesOf(d.model).map((v) => v.name)]));
        expect(vars["a4co-main"]).toEqual(["service"]);
        expect(vars["a4co-events"]).toEqual(["service", "event_type"]);
        expect(vars["a4co-nats"]).toEqual(["server"]);
        const server = QUERIES.find((q) => q.where === "a4co-nats / $server");
        expect(server?.expr).toContain("nats_server:info");
    });
});

describe("PromQL in dashboards", () => {
    it("uses only catalogued metric names", () => {
        const unknown = PROMQL.flatMap((q) =>
            metricNames(substituteGrafanaVariables(q.expr))
                .filter((n) => !KNOWN_METRICS.has(n))
                .map((n) => `${q.where}: ${n}`),
        );
        expect(unknown).toEqual([]);
    });

    it("never uses the design document's invented NATS names", () => {
        const text = JSON.stringify(ALL.map((d) => d.model));
        for (const invented of [
            "nats_server_clients_total",
            "nats_server_messages_recv",
            "nats_server_messages_sent",
            "nats_server_bytes_recv",
            "nats_server_bytes_sent",
            "nats_server_mem_bytes",
            "nats_jetstream_streams",
            "nats_jetstream_consumers",
            "gnatsd_",
        ]) {
            expect(text).not.toContain(invented);
        }
    });

    it("select jobs through the job-label contract", () => {
        for (const q of PROMQL) {
            for (const m of q.expr.matchAll(/job=~?"([^"]+)"/g)) {
                expect(["prometheus", "alertmanager", "loki", "promtail|alloy", "grafana", "nats-exporter", "a4co-services"]).toContain(m[1]);
            }
        }
    });
});

// Every LogQL query, for every value its variables can take, is checked against Loki's rules and the log-label
// contract in tests/monitoring/logql.test.ts (tests/reference/logql).
describe("LogQL in dashboards", () => {
    it("the events dashboard shows event-handler errors of the selected services", () => {
        expect(LOGQL.map((q) => q.expr)).toContain('{level="error", component="event-handler", service=~"$service"}');
    });
});

describe("LogQL for every value a variable can take", () => {
    const variables = ALL.flatMap((d) => variablesOf(d.model).map((v) => ({ dashboard: d.uid, v })));

    it("label variables offer All as .+ so no selector collapses to empty-compatible matchers", () => {
        expect(variables.length).toBeGreaterThan(0);
        for (const { v } of variables.filter(({ v }) => v.includeAll))
            expect({ name: v.name, allValue: v.allValue }).toEqual({ name: v.name, allValue: ALL_VALUE });
    });
});

describe("Application logs", () => {
    it("leave out every container of the dev stack, by its service label", () => {
        for (const { alias } of Object.values(DOCKER_SERVICES)) expect(STACK_LOG_SERVICES).toContain(alias);
        expect(LOGQL.map((q) => q.expr)).toContain(`{service=~"$service", service!~"${STACK_LOG_SERVICES.join("|")}"} |= ""`);
    });
});

describe("Stack Health: Loki storage", () => {
    it("projects the stored chunk bytes over the retention against the tier's Loki volume", () => {
        const content = buildMonitoringContent({ runbookBaseUrl: "https://runbooks.example", tier: "dev", lokiRetention: "168h" });
        const health = JSON.parse(content.dashboards.find((d) => d.uid === "a4co-stack-health")!.json) as { panels: Panel[] };
        const panel = health.panels.find((p) => p.title === "Loki storage: projected at retention against its volume");
        expect(panel?.targets?.map((t) => t.expr)).toEqual([
            '(sum(increase(loki_ingester_chunk_stored_bytes_total{job="loki"}[1d])) or sum(increase(loki_distributor_bytes_received_total{job="loki"}[1d]))) * 7',
            `vector(${sizeTier("dev").storageMb.loki * 1024 * 1024})`,
        ]);
    });
});
