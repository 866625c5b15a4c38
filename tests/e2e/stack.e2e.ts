/**
 * The dev stack, running: what index.ts declares (under the project's mocks, dev stack file + free host ports + the
 * event generator as a scrape target) created on a real Docker engine with local images of the pinned programs,
 * driven with traffic, every dashboard query, recording rule and alert proven against the live data.
 * Prints one table and writes out/e2e-report.json. Run with `npm run test:e2e`.
 * One stack for the whole file (stackLifecycle.ts), its state in one StackContext passed to the check modules.
 */
import { DOCKER_SERVICES } from "../../platforms/docker/services";
import { sleep, waitFor } from "../../harness/live";
import { verifyTranslation } from "../../harness/docker/verifyTranslation";
import { installMocks } from "../support/mocks";
import { destroyAndUpAgain, expectRestartKeepsData } from "./durability";
import { expectAlertReachesAlertmanager, expectAlertResolves } from "./faults";
import { checkAlertsSeeTheirData, checkDashboardLogql, checkDashboardPromql, checkGrafana } from "./liveQueries";
import { connectOutcome, consumeAll, natsLogin, permissionViolation, publishAcked } from "./natsChecks";
import { promQuery, promTargets } from "./probes";
import { SCRAPE_INTERVAL_S, StackContext } from "./stackContext";
import { StackLifecycle } from "./stackLifecycle";
import { GeneratorTraffic } from "./traffic";

installMocks({ stack: "dev" });

const ctx = new StackContext();
const { report, runner, url } = ctx;
const traffic = new GeneratorTraffic(ctx);
const lifecycle = new StackLifecycle(ctx, traffic);
let exporterStoppedAt = 0;

beforeAll(() => lifecycle.up(), 1_800_000);
afterAll(() => lifecycle.down(), 300_000);

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
        ctx.expectNoFailures("containers");
    });

    it("enforces NATS security live in the container", async () => {
        const l = ctx.logins();
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
        ctx.expectNoFailures("security");
    }, 60_000);

    it("survives a NATS outage: NatsServerDown reaches Alertmanager and resolves; JetStream keeps every acked message", async () => {
        const l = ctx.logins();
        const admin = await natsLogin(url.nats(), l.admin);
        const sent = await publishAcked(admin, 200);
        await admin.close();
        const nats = runner.started.get("nats")!;

        const stoppedAt = Date.now();
        await runner.docker.getContainer(nats.name).stop({ t: 60 });
        await expectAlertReachesAlertmanager(ctx, "NatsServerDown", "NATS stopped", stoppedAt);

        const startedAt = Date.now();
        await runner.docker.getContainer(nats.name).start();
        await runner.waitHealthy(nats.name, 120);
        await expectAlertResolves(ctx, "NatsServerDown", "NATS started", startedAt);

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
        ctx.expectNoFailures("faults");
    }, 420_000);

    // NatsExporterDown fires only after its whole `for`: meanwhile the exporter stays stopped while the checks that read
    // nothing from it run (traffic, logs, Loki's restart). Its own panels and alerts are checked once it is back.
    describe("while prometheus-nats-exporter is stopped", () => {
        beforeAll(async () => {
            exporterStoppedAt = Date.now();
            await runner.docker.getContainer(runner.started.get("natsExporter")!.name).stop({ t: 10 });
        }, 60_000);

        it("drives traffic: the event generator publishes through NATS, its counters reach Prometheus, its logs reach Loki", async () => {
            traffic.start();

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
                    : `no event_published_total within 120 s; generator output: ${traffic.output.slice(-600)}`,
            );
            report.figure(
                "publish -> counter in a query",
                seen
                    ? `${fresh.toFixed(1)} s (target <= ${2 * SCRAPE_INTERVAL_S} s after the generator's first publish, includes its start-up)`
                    : "never",
            );

            await traffic.shipLogs();
            ctx.expectNoFailures("traffic");
            ctx.expectNoFailures("logs");
        }, 300_000);

        it("answers every dashboard LogQL query with lines", async () => {
            await checkDashboardLogql(ctx);
            ctx.expectNoFailures("logql");
        }, 120_000);

        it("keeps Loki's data across a restart of its container (volume)", async () => {
            await expectRestartKeepsData(ctx, "loki");
        }, 300_000);

        it("raises NatsExporterDown in Alertmanager within its for, and resolves it once the exporter is back", async () => {
            await expectAlertReachesAlertmanager(ctx, "NatsExporterDown", "exporter stopped", exporterStoppedAt);
            const exporter = runner.started.get("natsExporter")!;
            const startedAt = Date.now();
            await runner.docker.getContainer(exporter.name).start();
            await runner.waitHealthy(exporter.name, 120);
            await expectAlertResolves(ctx, "NatsExporterDown", "exporter started", startedAt);
            ctx.expectNoFailures("faults");
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
            targets.some((t) => t.scrapeUrl.includes(`host.docker.internal:${ctx.generatorPort}`) && t.health === "up") ? "pass" : "fail",
        );
        ctx.expectNoFailures("scrape");
    }, 180_000);

    it("answers every dashboard PromQL query, variable and recording rule with series", async () => {
        // Rates over 1m-5m windows and the recording rules need a few evaluations after the traffic.
        await sleep(2 * SCRAPE_INTERVAL_S * 1000);
        await checkDashboardPromql(ctx);
        ctx.expectNoFailures("promql");
    }, 300_000);

    it("serves Grafana: the generated password logs in, every datasource is healthy, every dashboard is in its folder, every panel answers through Grafana", async () => {
        await checkGrafana(ctx);
        ctx.expectNoFailures("grafana");
    }, 300_000);

    it("lets every alert see its data: each vector selector matches live series, the expression without threshold returns series", async () => {
        await checkAlertsSeeTheirData(ctx);
        ctx.expectNoFailures("alerts");
    }, 180_000);

    it("runs the event generator through every dashboard check: every publish acked, every delivery finished", async () => {
        // Stopped only now, so the dashboards were read while traffic flowed; SIGTERM ends publishing, then it drains.
        const { summary, stoppedAt } = await traffic.stop();
        const ok =
            summary !== undefined && summary.sent > 0 && summary.acked === summary.sent && summary.publishFailed === 0 && summary.unfinished === 0;
        report.add(
            "traffic",
            "generator ran through the checks: every publish acked, every delivery finished",
            ok ? "pass" : "fail",
            summary
                ? `${summary.elapsedSeconds.toFixed(0)} s, summary ${((Date.now() - stoppedAt) / 1000).toFixed(0)} s after SIGTERM: ${JSON.stringify(summary).slice(0, 200)}`
                : `no summary within 60 s of SIGTERM; output: ${traffic.output.slice(-600)}`,
        );
        ctx.expectNoFailures("traffic");
    }, 120_000);

    it("keeps Prometheus' data across a restart of its container (volume)", async () => {
        await expectRestartKeepsData(ctx, "prometheus");
    }, 300_000);

    it("destroys containers and network, keeps the volumes, and comes up again with the data of the first run", async () => {
        await destroyAndUpAgain(ctx);
        ctx.expectNoFailures("destroy");
    }, 600_000);
});
