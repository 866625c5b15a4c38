import * as http from "http";
import type { AddressInfo } from "net";

import { JSON_LOG_FIELDS } from "../../monitoring/logLabels";
import { SERVICE_METRICS, seriesNames } from "../../monitoring/instrumentation";
import {
    compileRoutes,
    createLogger,
    createServiceMetrics,
    decodeEnvelope,
    eventTypeGuard,
    consumerGuard,
    routeFor,
    startMetricsServer,
    UNMATCHED_ROUTE,
    withHttpMetrics,
} from "../../instrumentation";
import { captureLogs, parseExposition, seriesValue } from "./support";

describe("the library follows the metric contract (monitoring/instrumentation.ts)", () => {
    it("registers exactly the contract's metrics, with its types and help texts", async () => {
        const { registry } = createServiceMetrics({ defaultMetrics: false });
        const exposed = registry.getMetricsAsJSON();
        const json = await exposed;
        expect(json.map((m) => m.name).sort()).toEqual(SERVICE_METRICS.map((m) => m.name).sort());
        for (const c of SERVICE_METRICS) {
            const m = json.find((j) => j.name === c.name)!;
            expect({ name: m.name, type: String(m.type), help: m.help }).toEqual({ name: c.name, type: c.type, help: c.help });
        }
    });

    it("exposes each metric's series with exactly the contract's labels and histogram buckets", async () => {
        const metrics = createServiceMetrics({ defaultMetrics: false });
        // One sample per metric, with every label set, so the exposition shows the label names.
        metrics.httpRequests.inc({ method: "GET", path: "/x", status: "200" });
        metrics.httpDuration.child(["GET", "/x", "200"]).observe(0.02);
        metrics.published.cell(["order.created"]).pending++;
        metrics.consumed.cell(["order.created", "billing"]).pending++;
        metrics.processingErrors.cell(["order.created", "billing"]).pending++;
        metrics.processingDuration.child(["order.created", "billing"]).observe(0.02);
        const samples = parseExposition(await metrics.registry.metrics());
        for (const c of SERVICE_METRICS) {
            for (const series of seriesNames(c)) {
                const ofSeries = samples.filter((s) => s.name === series);
                expect(ofSeries.length).toBeGreaterThan(0);
                const expectedLabels = series.endsWith("_bucket") ? [...c.labels, "le"] : [...c.labels];
                for (const s of ofSeries) expect(Object.keys(s.labels).sort()).toEqual(expectedLabels.sort());
            }
            if (c.type === "histogram") {
                const les = samples.filter((s) => s.name === `${c.name}_bucket`).map((s) => s.labels.le);
                expect(les).toEqual([...c.buckets!.map(String), "+Inf"]);
            }
        }
    });

    it("folds hot-path counts into prom-client at scrape time, exactly", async () => {
        const metrics = createServiceMetrics({ defaultMetrics: false });
        const cell = metrics.published.cell(["order.created"]);
        for (let i = 0; i < 1234; i++) cell.pending++;
        expect(await seriesValue(metrics.registry, "event_published_total", { event_type: "order.created" })).toBe(1234);
        cell.pending += 6;
        expect(await seriesValue(metrics.registry, "event_published_total", { event_type: "order.created" })).toBe(1240);
        // A series exists at zero from its first use, before any event.
        metrics.published.cell(["payment.failed"]);
        expect(parseExposition(await metrics.registry.metrics()).some((s) => s.labels.event_type === "payment.failed" && s.value === 0)).toBe(true);
    });
});

describe("cardinality guards", () => {
    it("accepts <aggregate>.<event> types and refuses anything else with a message naming value and fix", () => {
        const guard = eventTypeGuard();
        expect(guard.check("order.created")).toBe("order.created");
        expect(guard.check("shipment.out_for_delivery")).toBe("shipment.out_for_delivery");
        for (const bad of ["Order.Created", "order", "order.created.v2", "order.12345", "order.created ", "", "events.order.created"]) {
            expect(() => guard.check(bad)).toThrow(
                new RegExp(
                    `event type ${JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is refused: it must match .*e\\.g\\. "order\\.created"`,
                ),
            );
        }
    });

    it("with an allow-list refuses unlisted types, and refuses an allow-list with a malformed entry", () => {
        const guard = eventTypeGuard(["order.created"]);
        expect(() => guard.check("order.cancelled")).toThrow(
            /event type "order.cancelled" is refused: it is not in the allow-list \[order.created\]/,
        );
        expect(() => eventTypeGuard(["Order Created"])).toThrow(/allow-list for event type holds "Order Created"/);
    });

    it("refuses consumer names that cannot be JetStream durable names", () => {
        expect(consumerGuard().check("billing-v2")).toBe("billing-v2");
        expect(() => consumerGuard().check("billing.v2")).toThrow(/consumer "billing.v2" is refused/);
        expect(() => consumerGuard().check("Billing")).toThrow(/consumer "Billing" is refused/);
    });

    it("refuses route templates that are raw URLs", () => {
        expect(() => compileRoutes(["/orders?id=1"])).toThrow(/route template "\/orders\?id=1" is refused/);
        expect(() => compileRoutes(["orders/:id"])).toThrow(/route template "orders\/:id" is refused/);
    });
});

describe("envelope", () => {
    it("names the wrong field of a malformed envelope", () => {
        expect(() => decodeEnvelope("not json")).toThrow(/not JSON/);
        expect(() => decodeEnvelope(JSON.stringify({ type: "order.created", occurredAt: new Date().toISOString(), data: {} }))).toThrow(/field "id"/);
        expect(() => decodeEnvelope(JSON.stringify({ id: "1", type: "order.created", occurredAt: "yesterday", data: {} }))).toThrow(
            /field "occurredAt"/,
        );
        expect(() => decodeEnvelope(JSON.stringify({ id: "1", type: "order.created", occurredAt: new Date().toISOString() }))).toThrow(
            /field "data"/,
        );
    });
});

describe("createLogger", () => {
    it("writes JSON lines with level as a word, service, component, msg, time and traceId when given", () => {
        const cap = captureLogs();
        const log = createLogger("orders", "event-handler", { level: "debug", destination: cap.destination });
        log.info("started");
        log.child({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736" }).error({ orderId: "o-1" }, "payment failed");
        log.debug("details");
        expect(cap.lines).toHaveLength(3);
        expect(Object.keys(cap.lines[0]).sort()).toEqual(["component", "level", "msg", "service", "time"]);
        expect(cap.lines[0]).toMatchObject({ level: "info", service: "orders", component: "event-handler", msg: "started" });
        expect(cap.lines[1]).toMatchObject({ level: "error", traceId: "4bf92f3577b34da6a3ce929d0e0e4736", orderId: "o-1", msg: "payment failed" });
        expect(cap.lines[2].level).toBe("debug");
        // Every field the collector promotes is present on every line.
        for (const line of cap.lines) for (const f of JSON_LOG_FIELDS) expect(typeof line[f]).toBe("string");
        expect(Number.isNaN(Date.parse(String(cap.lines[0].time)))).toBe(false);
    });

    it("refuses label values the collector would turn into unbounded or odd labels", () => {
        expect(() => createLogger("Orders Service", "api")).toThrow(/service "Orders Service" is refused/);
        expect(() => createLogger("orders", "")).toThrow(/component "" is refused/);
        expect(() => createLogger("orders", "api", { level: "fatal" as never })).toThrow(/level "fatal" is not one of debug, info, warn, error/);
    });
});

describe("HTTP middleware on a real http server", () => {
    const metrics = createServiceMetrics({ defaultMetrics: false });
    let server: http.Server;
    let base: string;

    beforeAll(async () => {
        server = http.createServer(
            withHttpMetrics(metrics, { routes: ["/orders/:id", "/orders/new", "/health"] }, (req, res) => {
                res.statusCode = req.url?.startsWith("/orders/boom") ? 500 : req.url === "/health" || req.url?.startsWith("/orders/") ? 200 : 404;
                res.end("x");
            }),
        );
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it("records route templates, never raw URLs; unknown paths collapse into one value", async () => {
        for (const p of [
            "/orders/1",
            "/orders/2?expand=items",
            "/orders/new",
            "/orders/boom",
            "/health",
            "/wp-admin/x.php",
            "/../../etc/passwd",
            "/random/123",
        ]) {
            await (await fetch(base + p)).text();
        }
        await (await fetch(base + "/orders/3", { method: "POST" })).text();
        const v = (method: string, path: string, status: string) => seriesValue(metrics.registry, "http_requests_total", { method, path, status });
        expect(await v("GET", "/orders/:id", "200")).toBe(2);
        expect(await v("GET", "/orders/new", "200")).toBe(1);
        expect(await v("GET", "/orders/:id", "500")).toBe(1);
        expect(await v("GET", "/health", "200")).toBe(1);
        expect(await v("POST", "/orders/:id", "200")).toBe(1);
        expect(await v("GET", UNMATCHED_ROUTE, "404")).toBe(3);
        const samples = parseExposition(await metrics.registry.metrics());
        const paths = new Set(samples.filter((s) => s.name === "http_requests_total").map((s) => s.labels.path));
        expect([...paths].sort()).toEqual(["/health", "/orders/:id", "/orders/new", UNMATCHED_ROUTE].sort());
        const count = samples.filter((s) => s.name === "http_request_duration_seconds_count").reduce((a, s) => a + s.value, 0);
        expect(count).toBe(9);
    });

    it("matches literal routes before parameter routes", () => {
        const routes = compileRoutes(["/orders/:id", "/orders/new", "/"]);
        expect(routeFor(routes, "/orders/new")).toBe("/orders/new");
        expect(routeFor(routes, "/orders/42/")).toBe("/orders/:id");
        expect(routeFor(routes, "/")).toBe("/");
        expect(routeFor(routes, "/orders/42/items")).toBe(UNMATCHED_ROUTE);
    });
});

describe("startMetricsServer", () => {
    it("serves the registry on /metrics with Prometheus' content type, 404 elsewhere", async () => {
        const metrics = createServiceMetrics();
        metrics.published.cell(["order.created"]).pending += 3;
        const srv = await startMetricsServer(metrics.registry, { port: 0 });
        try {
            const res = await fetch(srv.url);
            expect(res.status).toBe(200);
            expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
            const text = await res.text();
            expect(text).toContain('event_published_total{event_type="order.created"} 3');
            expect(text).toContain("process_cpu_user_seconds_total");
            expect((await fetch(srv.url.replace("/metrics", "/other"))).status).toBe(404);
        } finally {
            await srv.close();
        }
    });

    it("says which port is taken", async () => {
        const metrics = createServiceMetrics({ defaultMetrics: false });
        const a = await startMetricsServer(metrics.registry, { port: 0 });
        try {
            await expect(startMetricsServer(metrics.registry, { port: a.port })).rejects.toThrow(
                new RegExp(`cannot listen on 127.0.0.1:${a.port}: EADDRINUSE \\(pick another --metrics-port\\)`),
            );
        } finally {
            await a.close();
        }
    });
});
