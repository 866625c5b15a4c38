/** The event generator's CLI, run as a user runs it, against a real nats-server at the pinned version. */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { JSON_LOG_FIELDS } from "../../monitoring/logLabels";
import { consumersPerType, DOMAIN_CONSUMERS, EVENT_TYPES } from "../../instrumentation/generator/domain";
import { GeneratorSummary } from "../../instrumentation/generator/summary";
import { eventually, freePort } from "../../harness/live";
import { LiveNats, startLiveNats, TEST_PASSWORDS } from "./liveNats";
import { parseExposition, sumSamples } from "./support";

jest.setTimeout(90_000);

/** Runs the CLI as a user would (`npm run generate-events` = ts-node on cli.ts). */
function runCli(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
    const root = path.resolve(__dirname, "../..");
    const child = spawn(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "instrumentation/generator/cli.ts", ...args], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, NATS_PASSWORD: "" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += String(d)));
    child.stderr.on("data", (d) => (stderr += String(d)));
    // "close" waits for stdout/stderr to end as well, so the output is complete when it resolves.
    const exited = new Promise<number | null>((r) => child.once("close", (code) => r(code)));
    return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

describe("the generator CLI against a real nats-server", () => {
    let nats: LiveNats;
    let pwFile: string;
    beforeAll(async () => {
        nats = await startLiveNats();
        pwFile = path.join(nats.dir, "password");
        fs.writeFileSync(pwFile, `${TEST_PASSWORDS.microservice}\n`);
    });
    afterAll(async () => {
        await nats?.stop();
    });

    it("runs 5 s at a small rate; its summary matches the metrics it served and its logs carry the label fields", async () => {
        const port = await freePort();
        const summaryFile = path.join(nats.dir, "summary.json");
        const logFile = path.join(nats.dir, "logs", "generator.log");
        const cli = runCli([
            ...["--nats", nats.url, "--password-file", pwFile, "--rate", "40", "--duration", "5s", "--error-rate", "0.1"],
            ...["--nak-delay", "50ms", "--consumer-latency", "2ms", "--metrics-port", String(port), "--linger", "20s"],
            ...["--summary-json", summaryFile, "--log-file", logFile],
        ]);
        try {
            await eventually("the summary file", () => fs.existsSync(summaryFile) && fs.statSync(summaryFile).size > 0, 45_000);
            const summary = JSON.parse(fs.readFileSync(summaryFile, "utf8")) as GeneratorSummary;
            // Still lingering: the final numbers are on /metrics.
            const samples = parseExposition(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
            cli.child.kill("SIGINT");
            expect(await cli.exited).toBe(0);

            expect(summary.sent).toBeGreaterThanOrEqual(180); // 40/s × 5 s, give or take a tick
            expect(summary.sent).toBeLessThanOrEqual(201);
            expect(summary.acked).toBe(summary.sent);
            expect(summary.unfinished).toBe(0);
            expect(summary.failed).toBeGreaterThan(0);
            expect(summary.redelivered).toBeGreaterThan(0);
            expect(summary.latency.samples).toBeGreaterThan(0);
            expect(summary.latency.p50Ms).toBeLessThanOrEqual(summary.latency.p95Ms);

            expect(sumSamples(samples, "event_published_total")).toBe(summary.acked);
            expect(sumSamples(samples, "event_consumed_total")).toBe(summary.consumed);
            expect(sumSamples(samples, "event_processing_errors_total")).toBe(summary.failed);
            expect(sumSamples(samples, "event_processing_duration_seconds_count")).toBe(summary.consumed);
            for (const c of DOMAIN_CONSUMERS) expect(sumSamples(samples, "event_consumed_total", { consumer: c.name })).toBeGreaterThan(0);
            // Its orders API: templated paths only, 20/s by default, 5xx at the error rate.
            const httpRequests = sumSamples(samples, "http_requests_total");
            expect(httpRequests).toBeGreaterThanOrEqual(90);
            expect(httpRequests).toBeLessThanOrEqual(101);
            expect(sumSamples(samples, "http_requests_total", { path: "/orders/:id", method: "GET", status: "200" })).toBeGreaterThan(0);
            expect(sumSamples(samples, "http_requests_total", { path: "/orders", method: "POST", status: "201" })).toBeGreaterThan(0);
            expect(sumSamples(samples, "http_requests_total", { status: "500" })).toBeGreaterThan(0);
            expect(sumSamples(samples, "http_requests_total", { path: "unmatched" })).toBe(0);
            expect(sumSamples(samples, "http_request_duration_seconds_count")).toBe(httpRequests);
            // Deliveries = first deliveries to every interested consumer + redeliveries.
            const perType = consumersPerType();
            const firstDeliveries = EVENT_TYPES.reduce(
                (a, t) => a + sumSamples(samples, "event_published_total", { event_type: t }) * (perType.get(t) ?? 0),
                0,
            );
            expect(summary.consumed).toBe(firstDeliveries + summary.redelivered);

            expect(cli.stderr()).toMatch(/event generator summary\n/);
            expect(cli.stderr()).toMatch(new RegExp(`sent +${summary.sent}\\n`));
            const lines = fs
                .readFileSync(logFile, "utf8")
                .trim()
                .split("\n")
                .map((l) => JSON.parse(l) as Record<string, unknown>);
            expect(lines.length).toBeGreaterThan(2);
            for (const l of lines) {
                for (const f of JSON_LOG_FIELDS) expect(typeof l[f]).toBe("string");
                expect(["debug", "info", "warn", "error"]).toContain(l.level);
                expect(typeof l.msg).toBe("string");
            }
            const handlerErrors = lines.filter((l) => l.level === "error" && l.component === "event-handler");
            expect(handlerErrors.length).toBe(summary.failed);
            expect(handlerErrors.every((l) => typeof l.traceId === "string" && /^[0-9a-f]{32}$/.test(l.traceId))).toBe(true);
            // The same lines went to stdout.
            expect(cli.stdout().trim().split("\n").length).toBe(lines.length);
        } finally {
            cli.child.kill("SIGKILL");
        }
    });

    it("stops cleanly on Ctrl-C and still prints the summary", async () => {
        const cli = runCli(["--nats", nats.url, "--password-file", pwFile, "--rate", "50", "--duration", "60s", "--stream", "EVENTS"]);
        try {
            await eventually("publishing started", () => /sent [1-9]/.test(cli.stderr()), 30_000);
            cli.child.kill("SIGINT");
            let timer: NodeJS.Timeout | undefined;
            const code = await Promise.race([cli.exited, new Promise((r) => (timer = setTimeout(() => r("still running after 15 s"), 15_000)))]);
            clearTimeout(timer);
            expect(code).toBe(0);
            expect(cli.stderr()).toContain("SIGINT: stopping");
            expect(cli.stderr()).toContain("event generator summary (stopped early)");
        } finally {
            cli.child.kill("SIGKILL");
        }
    });

    it("says what is wrong with a bad flag or a missing password, and exits non-zero", async () => {
        const bad = runCli(["--rate", "lots"]);
        expect(await bad.exited).toBe(2);
        expect(bad.stderr()).toContain('generate-events: --rate "lots" is invalid');
        const noPw = runCli(["--nats", nats.url, "--duration", "1s"]);
        expect(await noPw.exited).toBe(1);
        expect(noPw.stderr()).toContain("no NATS password: pass --password-file FILE or set NATS_PASSWORD");
    });
});
