import * as fs from "fs";
import * as path from "path";

import { SERVICE_METRICS, seriesNames } from "../../monitoring/instrumentation";
import { createInstrumentation } from "../../instrumentation";
import { startOrdersService } from "../../instrumentation/example/ordersService";
import { eventually, freePort } from "../../harness/live";
import { useLiveNats, TEST_PASSWORDS } from "./liveNats";
import { captureLogs, parseExposition, sumSamples } from "./support";

jest.setTimeout(60_000);

const nats = useLiveNats();

describe("the README's example service", () => {
    it("is the code the README shows", () => {
        const readme = fs.readFileSync(path.join(__dirname, "../../instrumentation/README.md"), "utf8");
        const source = fs.readFileSync(path.join(__dirname, "../../instrumentation/example/ordersService.ts"), "utf8");
        expect(readme).toContain(source.trim());
    });

    it("produces every series of the metric contract and the log lines the dashboards read", async () => {
        const logs = captureLogs();
        const httpPort = await freePort();
        const svc = await startOrdersService({
            natsUrl: nats().url,
            password: TEST_PASSWORDS.microservice,
            httpPort,
            metricsPort: 0,
            logDestination: logs.destination,
        });
        const payments = createInstrumentation({
            service: "payments",
            nc: await nats().connectService(),
            logDestination: captureLogs().destination,
            defaultMetrics: false,
        });
        try {
            const base = `http://127.0.0.1:${httpPort}`;
            for (let i = 0; i < 5; i++) expect((await fetch(`${base}/orders`, { method: "POST" })).status).toBe(202);
            for (const id of ["1", "2", "3"]) expect((await fetch(`${base}/orders/${id}`)).status).toBe(200);
            expect((await fetch(`${base}/admin/../../etc/passwd`)).status).toBe(404);
            for (let i = 0; i < 4; i++) await payments.publishEvent("payment.authorized", { orderId: `o-${i}` }, { traceId: `trace-${i}` });
            await payments.publishEvent("payment.authorized", { amount: 10 }, { traceId: "trace-broken" });

            const scrape = async () => parseExposition(await (await fetch(svc.metricsUrl)).text());
            const consumerLabels = { event_type: "payment.authorized", consumer: "orders" };
            // 4 good events once each, the broken one 3 times (nak, nak, term); the default nak delay is 1 s, then 2 s.
            await eventually(
                "the broken payment terminated",
                async () => sumSamples(await scrape(), "event_processing_errors_total", consumerLabels) === 3,
                20_000,
            );
            const samples = await scrape();

            for (const metric of SERVICE_METRICS) for (const series of seriesNames(metric)) expect(samples.some((s) => s.name === series)).toBe(true);
            expect(sumSamples(samples, "http_requests_total", { method: "POST", path: "/orders", status: "202" })).toBe(5);
            expect(sumSamples(samples, "http_requests_total", { method: "GET", path: "/orders/:id", status: "200" })).toBe(3);
            expect(sumSamples(samples, "http_requests_total", { method: "GET", path: "unmatched", status: "404" })).toBe(1);
            expect(sumSamples(samples, "event_published_total", { event_type: "order.created" })).toBe(5);
            expect(sumSamples(samples, "event_consumed_total", consumerLabels)).toBe(7);
            expect(sumSamples(samples, "event_processing_duration_seconds_count", consumerLabels)).toBe(7);

            const paid = logs.lines.filter((l) => l.msg === "order paid");
            expect(paid.map((l) => l.traceId).sort()).toEqual(["trace-0", "trace-1", "trace-2", "trace-3"]);
            expect(paid.every((l) => l.service === "orders" && l.component === "api" && l.level === "info")).toBe(true);
            // The events dashboard's "Event handler errors" panel: {level="error", component="event-handler"}.
            const handlerErrors = logs.lines.filter((l) => l.level === "error" && l.component === "event-handler");
            expect(handlerErrors.map((l) => [l.outcome, l.deliveryCount, l.traceId])).toEqual([
                ["nak", 1, "trace-broken"],
                ["nak", 2, "trace-broken"],
                ["term", 3, "trace-broken"],
            ]);
        } finally {
            await payments.shutdown();
            await svc.stop();
        }
    });
});
