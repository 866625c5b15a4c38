/**
 * The dev stack, running: what index.ts declares (under the project's mocks, dev stack file + free host ports + the
 * event generator as a scrape target) created on a real Docker engine with local images of the pinned programs,
 * driven with traffic, every dashboard query, recording rule and alert proven against the live data.
 * Prints one table and writes out/e2e-report.json. Run with `npm run test:e2e`.
 */
import { spawn, ChildProcess, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { DOCKER_SERVICES, DockerService } from "../../platforms/docker/services";
import { buildMonitoringContent } from "../../monitoring/content";
import { LOG_LABELS } from "../../monitoring/logLabels";
import type { GeneratorSummary } from "../../instrumentation/generator/summary";
import { freePort, sleep, waitFor } from "../../harness/live";
import { installMocks } from "../support/mocks";
import { REPO_ROOT } from "../support/stackConfig";
import { declaredDevStack } from "./declared";
import { ensureEngine } from "../../harness/docker/engine";
import { checkDatasources, checkLogin, provisionedDashboards, queryThroughGrafana } from "./grafanaChecks";
import { ensureImages } from "../../harness/docker/imageBuild";
import { e2eImages, localImageFor } from "../../harness/docker/images";
import { dockerCliEngine, ImageChoice, imagePolicyFrom, resolveImages } from "../../harness/docker/imageSource";
import { connectOutcome, consumeAll, Login, natsLogin, permissionViolation, publishAcked } from "./natsChecks";
import { alertmanagerAlerts, lokiInstantValue, lokiQuery, promQuery, promTargets } from "./probes";
import { alertRuleQueries, dashboardQueries, dataSides, recordingRuleQueries, vectorSelectors } from "./queries";
import { E2eReport, renderReport } from "./report";
import { DeclaredStack, removeLabelled, StackRunner, startCleanupWatchdog } from "../../harness/docker/stackRunner";
import { E2E_NAME_PREFIX, RUN_LABEL } from "../../harness/docker/translate";
import { LogShipper } from "./logPush";
import { verifyTranslation } from "../../harness/docker/verifyTranslation";

installMocks({ stack: "dev" });

const REPORT_FILE = path.join(REPO_ROOT, "out", "e2e-report.json");
/** Upper bound of the generator's run; the suite stops it (SIGTERM) once every dashboard query was read. */
const GENERATOR_MAX_SECONDS = 600;
/** Traffic (and shipped log lines) before the dashboards' log queries and Loki's restart are checked. */
const TRAFFIC_WARMUP_SECONDS = 80;
const SCRAPE_INTERVAL_S = 15;
const report = new E2eReport();
const runId = `run-${Date.now()}`;
const log = (line: string) => process.stdout.write(`${line}\n`);
const runner = new StackRunner(runId, log);
const work = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-e2e-"));
/** Outside `work`, so the watchdog still finds it after cleanup removed `work`. */
const generatorPidFile = path.join(os.tmpdir(), `a4co-e2e-${runId}.generator-pid`);
let stack: DeclaredStack;
let ports: Record<string, number>;
let generator: ChildProcess | undefined;
let generatorOutput = "";
/** Ships the generator's log lines to Loki from its start to its end, as the collector would. */
let logShipper: LogShipper | undefined;
let exporterStoppedAt = 0;
let generatorPort = 0;
const peakMemory = new Map<string, number>();
let statsTimer: NodeJS.Timeout | undefined;
/** The image of each declared service: official, local build, or not run (imageSource.ts). */
let images: ImageChoice[] = [];
/** The container that relays the generator's log file to its stdout, where the log collector reads it. */
let logRelay = "";

const url = {
    grafana: () => `http://127.0.0.1:${ports.grafana}`,
    prometheus: () => `http://127.0.0.1:${ports.prometheus}`,
    loki: () => `http://127.0.0.1:${ports.loki}`,
    alertmanager: () => `http://127.0.0.1:${ports.alertmanager}`,
    nats: () => `nats://127.0.0.1:${ports.natsClient}`,
};

/**
 * The address `host-gateway` resolves to on this engine (where containers reach the host), read from the /etc/hosts
 * the engine writes for a throwaway container; the generator's /metrics listens there, not on every interface.
 */
function hostGatewayIp(image: string): string {
    const r = spawnSync(
        "docker",
        [
            "run",
            "--rm",
            "--label",
            `${RUN_LABEL}=${runId}`,
            "--add-host",
            "host.docker.internal:host-gateway",
            "--entrypoint",
            "cat",
            image,
            "/etc/hosts",
        ],
        { encoding: "utf8", timeout: 60_000 },
    );
    const ip = /^(\d+\.\d+\.\d+\.\d+)\s+host\.docker\.internal$/m.exec(r.stdout)?.[1];
    if (r.status !== 0 || !ip) throw new Error(`cannot resolve host-gateway on this engine: ${r.stderr}${r.stdout}`);
    return ip;
}

function logins(): Record<string, Login> {
    const creds = stack.outputs.natsCredentials as Record<string, { user: string; password: string }>;
    return Object.fromEntries(Object.values(creds).map((c) => [c.user, { user: c.user, password: c.password }]));
}

function cleanupSync(): void {
    if (statsTimer) clearInterval(statsTimer);
    logShipper?.cancel();
    if (generator?.pid) {
        try {
            process.kill(-generator.pid, "SIGKILL");
        } catch {
            /* already gone */
        }
    }
    fs.rmSync(generatorPidFile, { force: true });
    runner.removeEverythingSync();
    fs.rmSync(work, { recursive: true, force: true });
}

const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: removing every container, network and volume of run ${runId}`);
    cleanupSync();
    process.exit(130);
};

async function sampleMemory(): Promise<void> {
    for (const s of runner.started.values()) {
        const st = (await runner.docker
            .getContainer(s.name)
            .stats({ stream: false })
            .catch(() => undefined)) as { memory_stats?: { usage?: number; max_usage?: number } } | undefined;
        const used = Math.max(st?.memory_stats?.max_usage ?? 0, st?.memory_stats?.usage ?? 0);
        if (used > (peakMemory.get(s.name) ?? 0)) peakMemory.set(s.name, used);
    }
}

beforeAll(async () => {
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    // jest may exit on Ctrl-C without running afterAll: the watchdog cleans up after this process, whatever ends it.
    startCleanupWatchdog(process.pid, `${RUN_LABEL}=${runId}`, generatorPidFile);
    await ensureEngine(log);
    // Leftovers of an interrupted earlier run (everything the suite makes carries the label key).
    removeLabelled(RUN_LABEL);
    const policy = imagePolicyFrom(process.env);
    const names = ["grafana", "prometheus", "loki", "alertmanager", "natsClient", "natsMonitoring", "natsExporter"];
    ports = {};
    for (const n of names) ports[n] = await freePort();
    generatorPort = await freePort();
    stack = await declaredDevStack({
        ports,
        scrapeTargets: [{ service: "event-generator", address: `host.docker.internal:${generatorPort}`, metricsPath: "/metrics" }],
    });
    log(`images (policy ${policy}: official where the engine has or can pull them, else a local build of the Apache-licensed programs):`);
    images = await resolveImages(stack.containers, policy, dockerCliEngine, (ref) => localImageFor(ref), log);
    const toBuild = images.filter((c) => c.origin === "local build").map((c) => c.officialRef);
    ensureImages(
        log,
        e2eImages().filter((i) => toBuild.includes(i.officialRef)),
    );
    runner.useImages(images);
    for (const c of images)
        report.add("images", `${c.service} ${c.officialRef}`, c.origin === "not run" ? "not run" : "pass", `${c.origin}: ${c.reason}`);
    log(`bringing the dev stack up (run ${runId}, host ports ${JSON.stringify(ports)})`);
    const seconds = await runner.up(stack);
    report.figure("create -> all healthy", `${seconds.toFixed(1)} s`);
    statsTimer = setInterval(() => void sampleMemory(), 5000);
}, 1_800_000);

afterAll(async () => {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    await sampleMemory().catch(() => undefined);
    for (const s of runner.started.values()) {
        const info = await runner.docker
            .getContainer(s.name)
            .inspect()
            .catch(() => undefined);
        const limit = info?.HostConfig.Memory ?? 0;
        const peak = peakMemory.get(s.name) ?? 0;
        report.figure(
            `peak memory ${s.service}`,
            `${(peak / 2 ** 20).toFixed(0)} MiB of ${(limit / 2 ** 20).toFixed(0)} MiB limit (${((100 * peak) / (limit || 1)).toFixed(0)}%), OOM-killed: ${info?.State.OOMKilled ?? "?"}`,
        );
        if (info?.State.OOMKilled) report.add("figures", `${s.service} not OOM-killed`, "fail", "the engine reports OOMKilled");
    }
    cleanupSync();
    log(`\n${renderReport(report.rows, report.figures)}\n`);
    report.write(REPORT_FILE);
    log(`report written to ${path.relative(REPO_ROOT, REPORT_FILE)}`);
}, 300_000);

function durationSeconds(d: string): number {
    const m = /^(\d+)(s|m|h)$/.exec(d);
    if (!m) throw new Error(`unexpected duration ${d}`);
    return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
}

/** The image a running service runs (official or local build). */
function imageOf(service: DockerService): string {
    const ref = images.find((c) => c.service === service)?.ref;
    if (!ref) throw new Error(`${service} does not run in this e2e run: no image`);
    return ref;
}

/** Why a service's checks are not run, or undefined when it runs. */
const notRunReason = (service: DockerService): string | undefined =>
    runner.runs(service)
        ? undefined
        : images.some((c) => c.service === service)
          ? `${service} does not run here (no official image; see its images row)`
          : `${service} is not part of this stack`;

/** The metrics each service exposes about itself (Alloy's `loki_source_`/`loki_write_` before Loki's own `loki_`). */
const OWN_METRICS: readonly [DockerService, RegExp][] = [
    ["alloy", /job="alloy"|\balloy_|\bloki_source_|\bloki_write_/],
    ["promtail", /job="promtail"|\bpromtail_/],
    ["grafana", /job="grafana"|\bgrafana_/],
    ["loki", /job="loki"|\bloki_(?!source_|write_)/],
];

/** A query that reads the own metrics of a service that does not run in this run cannot return data: not run. */
function notCheckableReason(expr: string): string | undefined {
    for (const [service, metrics] of OWN_METRICS) {
        const why = metrics.test(expr) ? notRunReason(service) : undefined;
        if (why) return `reads ${service}'s own metrics; ${why}`;
    }
    return undefined;
}

/** Fails the test when a row of `area` failed. */
function expectNoFailures(area: string): void {
    const failed = report.rows.filter((r) => r.area === area && r.status === "fail");
    expect(failed.map((r) => `${r.check}: ${r.detail}`)).toEqual([]);
}

/** The alert must reach Alertmanager (v2 API) within its `for`, two evaluation intervals and a scrape of the fault. */
async function expectAlertReachesAlertmanager(alertname: string, fault: string, faultAt: number): Promise<void> {
    const forS = durationSeconds(alertRuleQueries("https://example.invalid/runbooks").find((a) => a.name === alertname)?.for ?? "0m");
    const budget = forS + 2 * SCRAPE_INTERVAL_S + SCRAPE_INTERVAL_S + 15;
    const fired = await waitFor(
        async () => ((await alertmanagerAlerts(url.alertmanager(), alertname)).length ? true : undefined),
        budget * 1000 - (Date.now() - faultAt),
        2000,
    );
    const after = (Date.now() - faultAt) / 1000;
    report.add(
        "faults",
        `${fault} -> ${alertname} in Alertmanager (v2 API)`,
        fired ? "pass" : "fail",
        fired
            ? `after ${after.toFixed(0)} s (budget ${budget} s = for ${forS} s + 2 evaluations + a scrape)`
            : `expected the alert within ${budget} s of the fault; not there after ${after.toFixed(0)} s`,
    );
    report.figure(`${alertname} reaches Alertmanager`, fired ? `${after.toFixed(0)} s after the fault` : "never");
}

/** Once the fault is repaired, Alertmanager must drop the alert (Prometheus sends it resolved). */
async function expectAlertResolves(alertname: string, repair: string, repairedAt: number): Promise<void> {
    const resolved = await waitFor(
        async () => ((await alertmanagerAlerts(url.alertmanager(), alertname)).length === 0 ? true : undefined),
        180_000,
        2000,
    );
    report.add(
        "faults",
        `${repair} -> ${alertname} resolved`,
        resolved ? "pass" : "fail",
        resolved ? `after ${((Date.now() - repairedAt) / 1000).toFixed(0)} s` : "still active 180 s after the repair",
    );
}

/**
 * What each stateful service wrote must still be queryable after its container restarts on the same volume. Both
 * counts read only data up to the restart (traffic may still be flowing), so new data cannot stand in for lost data;
 * lines shipped just after the first count may still carry earlier timestamps, hence "at least as many".
 */
const DURABLE_DATA = {
    prometheus: {
        what: "samples of the generator's counters",
        count: async (untilMs: number) =>
            Number(
                (await promQuery(url.prometheus(), 'sum(count_over_time(event_published_total{job="a4co-services"}[1h]))', untilMs)).series[0]
                    ?.value?.[1] ?? 0,
            ),
    },
    loki: {
        what: "log lines",
        count: async (untilMs: number) => lokiInstantValue(url.loki(), 'sum(count_over_time({service=~".+"}[1h]))', untilMs),
    },
} as const;

async function expectRestartKeepsData(service: keyof typeof DURABLE_DATA): Promise<void> {
    const data = DURABLE_DATA[service];
    const why = notRunReason(service);
    if (why) {
        report.add("durability", `${service} ${data.what} written before its restart are queryable`, "not run", why);
        return;
    }
    const restartAt = Date.now();
    const before = await data.count(restartAt);
    const c = runner.started.get(service)!;
    await runner.docker.getContainer(c.name).restart({ t: 120 });
    await runner.waitHealthy(c.name, 180);
    const after = await waitFor(async () => (await data.count(restartAt)) || undefined, 60_000);
    report.add(
        "durability",
        `${service} ${data.what} written before its restart are queryable`,
        before && after !== undefined && after >= before ? "pass" : "fail",
        `up to the restart: ${before} before it, ${after ?? 0} after it`,
    );
    expectNoFailures("durability");
}

/** The log collector that runs in this run, if any. */
const runningCollector = (): "promtail" | "alloy" | undefined => (["promtail", "alloy"] as const).find((c) => runner.runs(c));

/**
 * The generator's log lines into Loki, for TRAFFIC_WARMUP_SECONDS: where a collector runs, a relay container prints
 * the generator's log file on its stdout and the collector ships it like any container's logs; where none runs, a
 * stand-in pushes the lines with the monitoring/logLabels.ts labels; where Loki does not run, nothing is shipped.
 */
async function shipGeneratorLogs(logFile: string): Promise<void> {
    const lokiWhy = notRunReason("loki");
    const collector = runningCollector();
    if (lokiWhy) {
        await sleep(TRAFFIC_WARMUP_SECONDS * 1000);
        report.add("logs", "generator log lines reach Loki", "not run", lokiWhy);
        return;
    }
    if (!collector) {
        logShipper = new LogShipper(url.loki, logFile, "a4co-e2e-generator");
        logShipper.start();
        await sleep(TRAFFIC_WARMUP_SECONDS * 1000);
        report.add(
            "logs",
            "generator log lines pushed to Loki's push API (stand-in for the collector)",
            logShipper.pushed > 0 ? "pass" : "fail",
            `${logShipper.pushed} lines in ${TRAFFIC_WARMUP_SECONDS} s, with labels ${Object.values(LOG_LABELS).join(", ")}; no collector runs: ${notRunReason("promtail") ?? notRunReason("alloy")}`,
        );
        return;
    }
    logRelay = `${E2E_NAME_PREFIX}${runId}-generator-logs`;
    const started = spawnSync(
        "docker",
        [
            "run",
            "--detach",
            "--name",
            logRelay,
            "--label",
            `${RUN_LABEL}=${runId}`,
            "--label",
            "a4co.service=event-generator",
            "--volume",
            `${path.dirname(logFile)}:/logs:ro`,
            "--entrypoint",
            "tail",
            imageOf("nats"),
            "-n",
            "+1",
            "-F",
            `/logs/${path.basename(logFile)}`,
        ],
        { encoding: "utf8", timeout: 60_000 },
    );
    if (started.status !== 0) throw new Error(`cannot start the log relay container: ${started.stderr}`);
    await sleep(TRAFFIC_WARMUP_SECONDS * 1000);
    const shipped = await lokiQuery(url.loki(), `{${LOG_LABELS.container}="${logRelay}"}`, 900).catch(() => ({ count: 0 }));
    report.add(
        "logs",
        `generator log lines shipped by ${collector}`,
        shipped.count > 0 ? "pass" : "fail",
        `${shipped.count} lines of container ${logRelay} in Loki after ${TRAFFIC_WARMUP_SECONDS} s (the relay prints the generator's log file)`,
    );
}

describe("the dev stack on a real Docker engine", () => {
    it("creates every declared container field by field, and lists what cannot run here", async () => {
        for (const n of runner.notRun) report.add("containers", `${n.service} (${n.officialRef})`, "not run", n.reason);
        for (const s of runner.started.values()) {
            const info = await runner.docker.getContainer(s.name).inspect();
            const problems = await verifyTranslation(runner.docker.getContainer(s.name), info, s.request);
            report.add(
                "containers",
                `${s.service} healthy`,
                info.State.Health?.Status === "healthy" ? "pass" : "fail",
                `health ${info.State.Health?.Status}; healthy ${s.secondsToHealthy.toFixed(1)} s after create`,
            );
            report.add(
                "containers",
                `${s.service} matches what the program declares`,
                problems.length ? "fail" : "pass",
                problems.join("; ") ||
                    "docker inspect = translated request (image, entrypoint, cmd, env, labels, limits, restart, logging, hosts, ports, mounts, network aliases, healthcheck, stop signal/timeout, uploads)",
            );
            const published = Object.values(info.NetworkSettings.Ports ?? {})
                .flat()
                .filter(Boolean) as { HostIp: string; HostPort: string }[];
            const notLoopback = published.filter((p) => p.HostIp !== "127.0.0.1");
            report.add(
                "security",
                `${s.service} published ports on 127.0.0.1 only`,
                notLoopback.length || !published.length ? (published.length ? "fail" : "pass") : "pass",
                published.map((p) => `${p.HostIp}:${p.HostPort}`).join(", ") || "no published port",
            );
        }
        expectNoFailures("containers");
    });

    it("enforces NATS security live in the container", async () => {
        const l = logins();
        const anon = await connectOutcome(url.nats());
        report.add("security", "anonymous NATS connection refused", /authorization/i.test(anon) ? "pass" : "fail", anon);
        const wrong = await connectOutcome(url.nats(), { user: "microservice", password: "wrong-password" });
        report.add("security", "wrong NATS password refused", /authorization/i.test(wrong) ? "pass" : "fail", wrong);
        const metrics = await natsLogin(url.nats(), l.metrics);
        try {
            const v = await permissionViolation(metrics, "publish", "events.e2e.forbidden");
            report.add("security", "metrics cannot publish application subjects", v ? "pass" : "fail", v || "the server accepted the publish");
        } finally {
            await metrics.close();
        }
        const svc = await natsLogin(url.nats(), l.microservice);
        try {
            const v = await permissionViolation(svc, "subscribe", "$SYS.>");
            report.add("security", "microservice cannot touch $SYS", v ? "pass" : "fail", v || "the server accepted the subscription");
            const p = await permissionViolation(svc, "publish", "$SYS.REQ.SERVER.PING");
            report.add("security", "microservice cannot publish $SYS requests", p ? "pass" : "fail", p || "the server accepted the publish");
        } finally {
            await svc.close();
        }
        expectNoFailures("security");
    }, 60_000);

    it("survives a NATS outage: NatsServerDown reaches Alertmanager and resolves; JetStream keeps every acked message", async () => {
        const l = logins();
        const admin = await natsLogin(url.nats(), l.admin);
        const sent = await publishAcked(admin, 200);
        await admin.close();
        const nats = runner.started.get("nats")!;

        const stoppedAt = Date.now();
        await runner.docker.getContainer(nats.name).stop({ t: 60 });
        await expectAlertReachesAlertmanager("NatsServerDown", "NATS stopped", stoppedAt);

        const startedAt = Date.now();
        await runner.docker.getContainer(nats.name).start();
        await runner.waitHealthy(nats.name, 120);
        await expectAlertResolves("NatsServerDown", "NATS started", startedAt);

        const back = await natsLogin(url.nats(), l.admin);
        const got = await consumeAll(back, sent.length);
        await back.close();
        const lost = sent.filter((m) => !got.includes(m));
        report.add(
            "faults",
            "every JetStream message acked before the stop is consumed after the restart",
            lost.length === 0 ? "pass" : "fail",
            `${got.length} of ${sent.length} consumed${lost.length ? `; lost ${lost.slice(0, 5).join(", ")}` : " (data on the volume)"}`,
        );
        expectNoFailures("faults");
    }, 420_000);

    // NatsExporterDown fires only after its whole `for`: meanwhile the exporter stays stopped while the checks that read
    // nothing from it run (traffic, logs, Loki's restart). Its own panels and alerts are checked once it is back.
    describe("while prometheus-nats-exporter is stopped", () => {
        beforeAll(async () => {
            exporterStoppedAt = Date.now();
            await runner.docker.getContainer(runner.started.get("natsExporter")!.name).stop({ t: 10 });
        }, 60_000);

        it("drives traffic: the event generator publishes through NATS, its counters reach Prometheus, its logs reach Loki", async () => {
            const passwordFile = path.join(work, "microservice.password");
            fs.writeFileSync(passwordFile, logins().microservice.password, { mode: 0o600 });
            const logFile = path.join(work, "generator.log");
            // What `npm run generate-events --` runs, started directly so SIGTERM reaches the generator itself.
            const args = [
                require.resolve("ts-node/dist/bin.js"),
                "--transpile-only",
                "instrumentation/generator/cli.ts",
                "--nats",
                url.nats(),
                "--user",
                "microservice",
                "--password-file",
                passwordFile,
                "--rate",
                "50",
                // An upper bound: the suite stops it with SIGTERM once every dashboard was read.
                "--duration",
                `${GENERATOR_MAX_SECONDS}s`,
                "--metrics-port",
                String(generatorPort),
                "--metrics-host",
                hostGatewayIp(imageOf("nats")),
                "--log-file",
                logFile,
                "--linger",
                "3600s",
                "--quiet",
                "--summary-json",
                path.join(work, "summary.json"),
            ];
            log(`traffic: node ${path.relative(REPO_ROOT, args[0])} ${args.slice(1).join(" ")}`);
            // Its own process group, so cleanup can stop it and its children by pid.
            generator = spawn(process.execPath, args, { cwd: REPO_ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
            if (generator.pid) fs.writeFileSync(generatorPidFile, String(generator.pid));
            generator.stdout?.on("data", (d) => (generatorOutput += String(d)));
            generator.stderr?.on("data", (d) => (generatorOutput += String(d)));

            // Freshness: publish -> counter visible in a Prometheus query.
            const t0 = Date.now();
            const seen = await waitFor(
                async () =>
                    (await promQuery(url.prometheus(), 'sum(event_published_total{job="a4co-services"}) > 0')).series.length ? true : undefined,
                120_000,
                1000,
            );
            const fresh = (Date.now() - t0) / 1000;
            report.add(
                "traffic",
                "generator metrics reach Prometheus",
                seen ? "pass" : "fail",
                seen
                    ? `first event_published_total after ${fresh.toFixed(1)} s`
                    : `no event_published_total within 120 s; generator output: ${generatorOutput.slice(-600)}`,
            );
            report.figure(
                "publish -> counter in a query",
                seen
                    ? `${fresh.toFixed(1)} s (target <= ${2 * SCRAPE_INTERVAL_S} s after the generator's first publish, includes its start-up)`
                    : "never",
            );

            await shipGeneratorLogs(logFile);
            expectNoFailures("traffic");
            expectNoFailures("logs");
        }, 300_000);

        it("answers every dashboard LogQL query with lines", async () => {
            const content = buildMonitoringContent({
                runbookBaseUrl: "https://example.invalid/runbooks",
                tier: "dev",
                lokiRetention: "744h",
            } as never);
            const logql = content.dashboards.flatMap((d) => dashboardQueries(d.fileName, d.json)).filter((q) => q.language === "logql");
            const lokiWhy = notRunReason("loki");
            if (lokiWhy) {
                for (const q of logql)
                    report.add("logql", `${q.dashboard} ${q.where}`, "not run", `${lokiWhy} (the LogQL checker checks it by reference)`);
                report.figure("dashboard LogQL returning lines", "not run (Loki does not run here)");
                return;
            }
            let ok = 0;
            for (const q of logql) {
                const r = await lokiQuery(url.loki(), q.expr, 900).catch((e: Error) => ({ count: 0, ms: 0, error: e.message }));
                if (r.count) ok++;
                report.add(
                    "logql",
                    `${q.dashboard} ${q.where}`,
                    r.count ? "pass" : "fail",
                    r.count
                        ? `${r.count} lines/series (${runningCollector() ? `shipped by ${runningCollector()}` : "pushed by the stand-in"}, see logs)`
                        : `expected lines from ${q.expr}; saw none${"error" in r ? ` (${r.error})` : ""}`,
                );
            }
            report.figure("dashboard LogQL returning lines", `${ok} of ${logql.length}`);
            expectNoFailures("logql");
        }, 120_000);

        it("keeps Loki's data across a restart of its container (volume)", async () => {
            await expectRestartKeepsData("loki");
        }, 300_000);

        it("raises NatsExporterDown in Alertmanager within its for, and resolves it once the exporter is back", async () => {
            await expectAlertReachesAlertmanager("NatsExporterDown", "exporter stopped", exporterStoppedAt);
            const exporter = runner.started.get("natsExporter")!;
            const startedAt = Date.now();
            await runner.docker.getContainer(exporter.name).start();
            await runner.waitHealthy(exporter.name, 120);
            await expectAlertResolves("NatsExporterDown", "exporter started", startedAt);
            expectNoFailures("faults");
        }, 420_000);
    });

    it("scrapes every target of a running service, the generator's included", async () => {
        const notRunJobs = new Set<string>(runner.notRun.map((n) => DOCKER_SERVICES[n.service].alias));
        const targets =
            (await waitFor(async () => {
                const ts = await promTargets(url.prometheus());
                const pending = ts.filter(
                    (t) => t.health !== "up" && !notRunJobs.has(t.labels.job) && !notRunJobs.has(t.scrapeUrl.split("/")[2]?.split(":")[0]),
                );
                return pending.length === 0 ? ts : undefined;
            }, 90_000)) ?? (await promTargets(url.prometheus()));
        for (const t of targets) {
            const host = t.scrapeUrl.split("/")[2]?.split(":")[0];
            if (notRunJobs.has(host))
                report.add(
                    "scrape",
                    `${t.labels.job} ${t.scrapeUrl}`,
                    "not run",
                    `${host} does not run here (no official image; see its images row)`,
                );
            else
                report.add(
                    "scrape",
                    `${t.labels.job} ${t.scrapeUrl}`,
                    t.health === "up" ? "pass" : "fail",
                    t.health === "up" ? "up" : `expected up, saw ${t.health}: ${t.lastError}`,
                );
        }
        report.add(
            "scrape",
            "the generator is a target (host.docker.internal path)",
            targets.some((t) => t.scrapeUrl.includes(`host.docker.internal:${generatorPort}`) && t.health === "up") ? "pass" : "fail",
        );
        expectNoFailures("scrape");
    }, 180_000);

    it("answers every dashboard PromQL query, variable and recording rule with series", async () => {
        // Rates over 1m-5m windows and the recording rules need a few evaluations after the traffic.
        await sleep(2 * SCRAPE_INTERVAL_S * 1000);
        const content = buildMonitoringContent({ runbookBaseUrl: "https://example.invalid/runbooks", tier: "dev", lokiRetention: "744h" } as never);
        const queries = content.dashboards.flatMap((d) => dashboardQueries(d.fileName, d.json));
        let slowest = { ms: 0, what: "" };
        let ok = 0;
        const promql = queries.filter((q) => q.language === "promql");
        for (const q of promql) {
            const r = await promQuery(url.prometheus(), q.expr).catch((e: Error) => ({ series: [], ms: 0, error: e.message }));
            if (r.ms > slowest.ms) slowest = { ms: r.ms, what: `${q.dashboard} ${q.where}` };
            const notCheckable = notCheckableReason(q.expr);
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
            const got = await promQuery(url.prometheus(), r.name).catch(() => ({ series: [] }));
            if (got.series.length) rulesOk++;
            report.add(
                "promql",
                `recording rule ${r.name}`,
                got.series.length ? "pass" : "fail",
                got.series.length ? `${got.series.length} series` : `expected >= 1 series of ${r.name} (${r.expr}); saw none`,
            );
        }
        report.figure("recording rules returning data", `${rulesOk} of ${rules.length}`);
        const head = await promQuery(url.prometheus(), "prometheus_tsdb_head_series").catch(() => ({ series: [] as { value?: [number, string] }[] }));
        report.figure("Prometheus head series", head.series[0]?.value?.[1] ?? "?");
        expectNoFailures("promql");
    }, 300_000);

    it("serves Grafana: the generated password logs in, every datasource is healthy, every dashboard is in its folder, every panel answers through Grafana", async () => {
        const content = buildMonitoringContent({ runbookBaseUrl: "https://example.invalid/runbooks", tier: "dev", lokiRetention: "744h" } as never);
        const why = notRunReason("grafana");
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
        const admin = stack.outputs.grafanaAdmin as { user: string; password: string };
        const login = { base: url.grafana(), ...admin };
        const l = await checkLogin(login);
        report.add("grafana", "login with the generated admin password", l.ok ? "pass" : "fail", l.detail);
        for (const d of await checkDatasources(login)) {
            const dependsOn = d.uid === "loki" ? notRunReason("loki") : undefined;
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
            const skip = q.language === "logql" ? notRunReason("loki") : notCheckableReason(q.expr);
            if (skip) {
                report.add("grafana", `through Grafana: ${q.dashboard} ${q.where}`, "not run", skip);
                continue;
            }
            const r = await queryThroughGrafana(login, q).catch((e: Error) => ({ ok: false, values: 0, detail: e.message }));
            if (r.ok) ok++;
            report.add("grafana", `through Grafana: ${q.dashboard} ${q.where}`, r.ok ? "pass" : "fail", r.detail);
        }
        report.figure("panel queries answered through Grafana", `${ok} of ${queries.length}`);
        expectNoFailures("grafana");
    }, 300_000);

    it("lets every alert see its data: each vector selector matches live series, the expression without threshold returns series", async () => {
        for (const a of alertRuleQueries("https://example.invalid/runbooks")) {
            const why = notCheckableReason(a.expr);
            if (why) {
                report.add("alerts", `${a.name} sees its data`, "not run", why);
                continue;
            }
            const missing: string[] = [];
            for (const sel of vectorSelectors(a.expr)) {
                const r = await promQuery(url.prometheus(), sel).catch(() => ({ series: [] }));
                if (!r.series.length) missing.push(sel);
            }
            // The expression without its threshold: each data side of the final comparison returns series.
            const sides = dataSides(a.expr);
            const empty: string[] = [];
            for (const side of sides) {
                const r = await promQuery(url.prometheus(), side).catch(() => ({ series: [] }));
                if (!r.series.length) empty.push(side);
            }
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
        expectNoFailures("alerts");
    }, 180_000);

    it("runs the event generator through every dashboard check: every publish acked, every delivery finished", async () => {
        // Stopped only now, so the dashboards were read while traffic flowed; SIGTERM ends publishing, then it drains.
        const stoppedAt = Date.now();
        if (generator?.pid && generator.exitCode === null) process.kill(generator.pid, "SIGTERM");
        const summaryFile = path.join(work, "summary.json");
        const done = await waitFor(() => Promise.resolve(fs.existsSync(summaryFile) ? true : undefined), 60_000, 1000);
        const summary = done ? (JSON.parse(fs.readFileSync(summaryFile, "utf8")) as GeneratorSummary) : undefined;
        await logShipper?.stop();
        // The relay goes with the generator: destroy below must find no container of the run but the stack's.
        if (logRelay) spawnSync("docker", ["rm", "--force", logRelay], { encoding: "utf8", timeout: 60_000 });
        if (logShipper)
            report.figure(
                "generator log lines pushed by the stand-in",
                `${logShipper?.pushed ?? 0}; ${logShipper?.failedRounds ?? 0} rounds refused and retried${logShipper?.lastError ? ` (last: ${logShipper.lastError.slice(0, 120)})` : ""}`,
            );
        const ok =
            summary !== undefined && summary.sent > 0 && summary.acked === summary.sent && summary.publishFailed === 0 && summary.unfinished === 0;
        report.add(
            "traffic",
            "generator ran through the checks: every publish acked, every delivery finished",
            ok ? "pass" : "fail",
            summary
                ? `${summary.elapsedSeconds.toFixed(0)} s, summary ${((Date.now() - stoppedAt) / 1000).toFixed(0)} s after SIGTERM: ${JSON.stringify(summary).slice(0, 200)}`
                : `no summary within 60 s of SIGTERM; output: ${generatorOutput.slice(-600)}`,
        );
        expectNoFailures("traffic");
    }, 120_000);

    it("keeps Prometheus' data across a restart of its container (volume)", async () => {
        await expectRestartKeepsData("prometheus");
    }, 300_000);

    it("destroys containers and network, keeps the volumes, and comes up again with the data of the first run", async () => {
        const destroyedAt = Date.now();
        const samplesBefore = await DURABLE_DATA.prometheus.count(destroyedAt);
        const lokiWhy = notRunReason("loki");
        const linesBefore = lokiWhy ? 0 : await DURABLE_DATA.loki.count(destroyedAt);
        await runner.destroyKeepingVolumes();
        const left = spawnSync("docker", ["ps", "-aq", "--filter", `label=${RUN_LABEL}=${runId}`], { encoding: "utf8" }).stdout.trim();
        const volumes = spawnSync("docker", ["volume", "ls", "-q", "--filter", `label=${RUN_LABEL}=${runId}`], { encoding: "utf8" })
            .stdout.trim()
            .split("\n")
            .filter(Boolean);
        report.add(
            "destroy",
            "destroy removes containers and network",
            left === "" ? "pass" : "fail",
            left ? `containers left: ${left}` : "none left",
        );
        report.add(
            "destroy",
            "destroy keeps the data volumes",
            volumes.length === stack.volumes.length ? "pass" : "fail",
            `${volumes.length} of ${stack.volumes.length} volumes kept`,
        );
        const seconds = await runner.up(stack);
        report.figure("up again -> all healthy", `${seconds.toFixed(1)} s`);
        // Counted up to the destroy, as for the restarts: only data of the first run can answer.
        const samples = await waitFor(async () => (await DURABLE_DATA.prometheus.count(destroyedAt)) || undefined, 60_000);
        const lines = lokiWhy ? undefined : await waitFor(async () => (await DURABLE_DATA.loki.count(destroyedAt)) || undefined, 60_000);
        report.add(
            "destroy",
            "samples of the first run are there after up again",
            samplesBefore && samples !== undefined && samples >= samplesBefore ? "pass" : "fail",
            `${samples ?? 0} ${DURABLE_DATA.prometheus.what} (before destroy ${samplesBefore})`,
        );
        report.add(
            "destroy",
            "log lines of the first run are there after up again",
            lokiWhy ? "not run" : linesBefore && lines !== undefined && lines >= linesBefore ? "pass" : "fail",
            lokiWhy ?? `${lines ?? 0} lines (before destroy ${linesBefore})`,
        );
        expectNoFailures("destroy");
    }, 600_000);
});
