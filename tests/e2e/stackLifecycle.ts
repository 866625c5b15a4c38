/**
 * The life of the run's one stack: brought up in beforeAll (engine, images, free ports, containers healthy), its
 * memory sampled while it runs, removed in afterAll or on a signal, and the report printed and written out.
 */
import * as path from "path";

import { freePort } from "../../harness/live";
import { ensureEngine } from "../../harness/docker/engine";
import { ensureImages } from "../../harness/docker/imageBuild";
import { e2eImages, localImageFor } from "../../harness/docker/images";
import { dockerCliEngine, imagePolicyFrom, resolveImages } from "../../harness/docker/imageSource";
import { removeLabelled, startCleanupWatchdog } from "../../harness/docker/stackRunner";
import { RUN_LABEL } from "../../harness/docker/translate";
import { REPO_ROOT } from "../support/stackConfig";
import { declaredDevStack } from "./declared";
import { renderReport } from "./report";
import type { StackContext } from "./stackContext";
import type { GeneratorTraffic } from "./traffic";

const REPORT_FILE = path.join(REPO_ROOT, "out", "e2e-report.json");

export class StackLifecycle {
    private readonly peakMemory = new Map<string, number>();
    private statsTimer: NodeJS.Timeout | undefined;
    private readonly onSignal = (signal: NodeJS.Signals) => {
        this.ctx.log(`\n${signal}: removing every container, network and volume of run ${this.ctx.runId}`);
        this.cleanupSync();
        process.exit(130);
    };

    constructor(
        private readonly ctx: StackContext,
        private readonly traffic: GeneratorTraffic,
    ) {}

    async up(): Promise<void> {
        const { ctx } = this;
        const { log, report, runner } = ctx;
        process.once("SIGINT", this.onSignal);
        process.once("SIGTERM", this.onSignal);
        // jest may exit on Ctrl-C without running afterAll: the watchdog cleans up after this process, whatever ends it.
        startCleanupWatchdog(process.pid, ctx.runLabel, ctx.generatorPidFile);
        await ensureEngine(log);
        // Leftovers of an interrupted earlier run (everything the suite makes carries the label key).
        removeLabelled(RUN_LABEL);
        const policy = imagePolicyFrom(process.env);
        const names = ["grafana", "prometheus", "loki", "alertmanager", "natsClient", "natsMonitoring", "natsExporter"];
        ctx.ports = {};
        for (const n of names) ctx.ports[n] = await freePort();
        ctx.generatorPort = await freePort();
        ctx.stack = await declaredDevStack({
            ports: ctx.ports,
            scrapeTargets: [{ service: "event-generator", address: `host.docker.internal:${ctx.generatorPort}`, metricsPath: "/metrics" }],
        });
        log(`images (policy ${policy}: official where the engine has or can pull them, else a local build of the Apache-licensed programs):`);
        ctx.images = await resolveImages(ctx.stack.containers, policy, dockerCliEngine, (ref) => localImageFor(ref), log);
        const toBuild = ctx.images.filter((c) => c.origin === "local build").map((c) => c.officialRef);
        ensureImages(
            log,
            e2eImages().filter((i) => toBuild.includes(i.officialRef)),
        );
        runner.useImages(ctx.images);
        for (const c of ctx.images)
            report.add("images", `${c.service} ${c.officialRef}`, c.origin === "not run" ? "not run" : "pass", `${c.origin}: ${c.reason}`);
        log(`bringing the dev stack up (run ${ctx.runId}, host ports ${JSON.stringify(ctx.ports)})`);
        const seconds = await runner.up(ctx.stack);
        report.figure("create -> all healthy", `${seconds.toFixed(1)} s`);
        this.statsTimer = setInterval(() => void this.sampleMemory(), 5000);
    }

    async down(): Promise<void> {
        const { log, report, runner } = this.ctx;
        process.removeListener("SIGINT", this.onSignal);
        process.removeListener("SIGTERM", this.onSignal);
        await this.sampleMemory().catch(() => undefined);
        for (const s of runner.started.values()) {
            const info = await runner.docker
                .getContainer(s.name)
                .inspect()
                .catch(() => undefined);
            const limit = info?.HostConfig.Memory ?? 0;
            const peak = this.peakMemory.get(s.name) ?? 0;
            report.figure(
                `peak memory ${s.service}`,
                `${(peak / 2 ** 20).toFixed(0)} MiB of ${(limit / 2 ** 20).toFixed(0)} MiB limit (${((100 * peak) / (limit || 1)).toFixed(0)}%), OOM-killed: ${info?.State.OOMKilled ?? "?"}`,
            );
            if (info?.State.OOMKilled) report.add("figures", `${s.service} not OOM-killed`, "fail", "the engine reports OOMKilled");
        }
        this.cleanupSync();
        log(`\n${renderReport(report.rows, report.figures)}\n`);
        report.write(REPORT_FILE);
        log(`report written to ${path.relative(REPO_ROOT, REPORT_FILE)}`);
    }

    private cleanupSync(): void {
        if (this.statsTimer) clearInterval(this.statsTimer);
        this.traffic.killSync();
        this.ctx.cleanupSync();
    }

    private async sampleMemory(): Promise<void> {
        const { runner } = this.ctx;
        for (const s of runner.started.values()) {
            const st = (await runner.docker
                .getContainer(s.name)
                .stats({ stream: false })
                .catch(() => undefined)) as { memory_stats?: { usage?: number; max_usage?: number } } | undefined;
            const used = Math.max(st?.memory_stats?.max_usage ?? 0, st?.memory_stats?.usage ?? 0);
            if (used > (this.peakMemory.get(s.name) ?? 0)) this.peakMemory.set(s.name, used);
        }
    }
}
