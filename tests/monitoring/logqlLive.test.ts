/**
 * Every LogQL query of every dashboard, sent to the real Loki at the pinned version (built from its Go module) with
 * every value its variables can take: "All", one value, several. Loki runs with the dev stack's own config (paths and
 * ports moved to a temp dir and free loopback ports) and holds lines pushed with the log-label contract.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

import { buildMonitoringContent } from "../../components/monitoringContent";
import { renderLokiConfig } from "../../config/render/loki";
import { DATASOURCE_UIDS } from "../../config/monitoring/datasources";
import { ALL_VALUE } from "../../config/monitoring/dashboards/common";
import { LOG_LABELS } from "../../config/logLabels";
import { sizeTier } from "../../config/tiers";
import { STACK_LOG_SERVICES } from "../../config/monitoring/dashboards/main";
import { lokiSpec } from "../e2e/programs";
import { freePort, startTool, waitForHttp } from "../support/live";

interface Target {
    expr?: string;
    datasource?: { uid?: string };
}
interface Panel {
    title?: string;
    targets?: Target[];
}
interface Variable {
    name: string;
    includeAll?: boolean;
    allValue?: string;
}
interface Dashboard {
    uid: string;
    panels: Panel[];
    templating?: { list?: Variable[] };
}

const content = buildMonitoringContent({ runbookBaseUrl: "https://runbooks.example", tier: "dev", lokiRetention: "744h" });
const DASHBOARDS = content.dashboards.map((d) => JSON.parse(d.json) as Dashboard);

/** Each dashboard log query with every combination of values of the variables it uses. */
function logQueriesWithValues(): { where: string; expr: string }[] {
    const out: { where: string; expr: string }[] = [];
    for (const d of DASHBOARDS) {
        const vars = d.templating?.list ?? [];
        for (const p of d.panels) {
            for (const t of p.targets ?? []) {
                if (t.datasource?.uid !== DATASOURCE_UIDS.loki || !t.expr) continue;
                let variants = [{ expr: t.expr, values: "" }];
                for (const v of vars.filter((v) => t.expr!.includes(`$${v.name}`))) {
                    const values = [...(v.includeAll ? [v.allValue ?? ""] : []), "orders", "(orders|payments)"];
                    variants = variants.flatMap((x) =>
                        values.map((value) => ({ expr: x.expr.split(`$${v.name}`).join(value), values: `${x.values} $${v.name}=${value}` })),
                    );
                }
                for (const x of variants) out.push({ where: `${d.uid} / ${p.title}${x.values}`, expr: x.expr });
            }
        }
    }
    return out;
}

describe("dashboard LogQL against the real Loki", () => {
    let tmp: string;
    let loki: ReturnType<typeof startTool>;
    let base: string;

    beforeAll(async () => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-loki-"));
        const httpPort = await freePort();
        const grpcPort = await freePort();
        const config = parse(
            renderLokiConfig({
                retentionPeriod: "744h",
                logLevel: "warn",
                limits: sizeTier("dev").loki,
                alertmanagerUrl: "http://127.0.0.1:9",
                dataDir: path.join(tmp, "data"),
                httpPort,
            }),
        ) as { server: Record<string, unknown>; common: Record<string, unknown> };
        config.server.grpc_listen_port = grpcPort;
        config.server.http_listen_address = "127.0.0.1";
        config.server.grpc_listen_address = "127.0.0.1";
        const file = path.join(tmp, "loki.yaml");
        fs.writeFileSync(file, stringify(config));
        loki = startTool(lokiSpec(), [`-config.file=${file}`]);
        base = `http://127.0.0.1:${httpPort}`;
        await waitForHttp(`${base}/ready`, 90_000).catch((e) => {
            throw new Error(`${e}\n${loki.output().slice(-3000)}`);
        });
        // Lines as the collector ships them: JSON application logs labelled by the log-label contract.
        const now = BigInt(Date.now()) * 1_000_000n;
        const stream = (service: string, level: string, component: string, msg: string) => ({
            stream: {
                [LOG_LABELS.service]: service,
                [LOG_LABELS.container]: `a4co-${service}`,
                [LOG_LABELS.stream]: "stdout",
                [LOG_LABELS.level]: level,
                [LOG_LABELS.component]: component,
            },
            values: [[String(now), JSON.stringify({ level, service, component, msg })]],
        });
        const res = await fetch(`${base}/loki/api/v1/push`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
                streams: [
                    stream("orders", "info", "http", "order placed"),
                    stream("orders", "error", "event-handler", "handler failed"),
                    stream("payments", "error", "event-handler", "payment declined handler failed"),
                    // The stack's own logs, which the application panels leave out.
                    stream("loki", "info", "querier", "executing query"),
                ],
            }),
        });
        expect(res.status).toBe(204);
    }, 120_000);

    afterAll(async () => {
        await loki?.stopAndWait();
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    const queryRange = async (expr: string) => {
        const end = Date.now() * 1e6 + 60e9;
        const url = `${base}/loki/api/v1/query_range?${new URLSearchParams({ query: expr, start: String(end - 3600e9), end: String(end), limit: "100" })}`;
        const res = await fetch(url);
        const body = await res.text();
        const result =
            res.status === 200 ? (JSON.parse(body) as { data: { result: { stream: Record<string, string>; values: unknown[] }[] } }).data.result : [];
        const lines = result.reduce((n, s) => n + s.values.length, 0);
        return { status: res.status, body, lines, services: [...new Set(result.map((s) => s.stream[LOG_LABELS.service]))].sort() };
    };

    it("accepts every log query for every value of its variables, and each returns the pushed lines", async () => {
        const queries = logQueriesWithValues();
        expect(queries.length).toBeGreaterThanOrEqual(6);
        for (const q of queries) {
            // Lines arrive asynchronously into the ingester: retry briefly before judging.
            let r = await queryRange(q.expr);
            for (let i = 0; i < 20 && r.status === 200 && r.lines === 0; i++) {
                await new Promise((res) => setTimeout(res, 250));
                r = await queryRange(q.expr);
            }
            expect({ where: q.where, status: r.status, error: r.status === 200 ? "" : r.body }).toEqual({ where: q.where, status: 200, error: "" });
            expect({ where: q.where, returnsLines: r.lines > 0 }).toEqual({ where: q.where, returnsLines: true });
            const stackServices = r.services.filter((s) => (STACK_LOG_SERVICES as readonly string[]).includes(s));
            expect({ where: q.where, stackServices }).toEqual({ where: q.where, stackServices: [] });
        }
        process.stdout.write(
            `Loki ${lokiSpec().version}: ${queries.length} dashboard log queries (every variable value) accepted, each returned lines\n`,
        );
    });

    it('is the check that catches the old All value: Loki refuses {service=~".*"}', async () => {
        expect(ALL_VALUE).not.toBe(".*");
        const r = await queryRange('{service=~".*"} |= ""');
        expect(r.status).toBe(400);
        expect(r.body).toContain("queries require at least one regexp or equality matcher that does not have an empty-compatible value");
    });
});
