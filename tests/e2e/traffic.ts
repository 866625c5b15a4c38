/**
 * The traffic of an e2e run: the event generator publishing through NATS (its /metrics a scrape target on the host),
 * its log lines shipped into Loki, and its end (SIGTERM, then its summary). The process and the log relay are
 * removed by killSync however the run ends.
 */
import { spawn, ChildProcess, spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import type { GeneratorSummary } from "../../instrumentation/generator/summary";
import { sleep, waitFor } from "../../harness/live";
import { LOG_LABELS } from "../../monitoring/logLabels";
import { E2E_NAME_PREFIX } from "../../harness/docker/translate";
import { REPO_ROOT } from "../support/stackConfig";
import { LogShipper } from "./logPush";
import { lokiQuery } from "./probes";
import type { StackContext } from "./stackContext";

/** Upper bound of the generator's run; the suite stops it (SIGTERM) once every dashboard query was read. */
const GENERATOR_MAX_SECONDS = 600;
/** Traffic (and shipped log lines) before the dashboards' log queries and Loki's restart are checked. */
const TRAFFIC_WARMUP_SECONDS = 80;

/**
 * The address `host-gateway` resolves to on this engine (where containers reach the host), read from the /etc/hosts
 * the engine writes for a throwaway container; the generator's /metrics listens there, not on every interface.
 */
function hostGatewayIp(ctx: StackContext, image: string): string {
    const r = spawnSync(
        "docker",
        ["run", "--rm", "--label", ctx.runLabel, "--add-host", "host.docker.internal:host-gateway", "--entrypoint", "cat", image, "/etc/hosts"],
        { encoding: "utf8", timeout: 60_000 },
    );
    const ip = /^(\d+\.\d+\.\d+\.\d+)\s+host\.docker\.internal$/m.exec(r.stdout)?.[1];
    if (r.status !== 0 || !ip) throw new Error(`cannot resolve host-gateway on this engine: ${r.stderr}${r.stdout}`);
    return ip;
}

export class GeneratorTraffic {
    private generator: ChildProcess | undefined;
    /** What the generator printed, for the detail of a failing row. */
    output = "";
    /** Ships the generator's log lines to Loki from its start to its end, as the collector would. */
    private logShipper: LogShipper | undefined;
    /** The container that relays the generator's log file to its stdout, where the log collector reads it. */
    private logRelay = "";
    readonly logFile: string;
    private readonly summaryFile: string;

    constructor(private readonly ctx: StackContext) {
        this.logFile = path.join(ctx.work, "generator.log");
        this.summaryFile = path.join(ctx.work, "summary.json");
    }

    /** Starts the generator as `npm run generate-events --` would, directly, so SIGTERM reaches the generator itself. */
    start(): void {
        const ctx = this.ctx;
        const passwordFile = path.join(ctx.work, "microservice.password");
        fs.writeFileSync(passwordFile, ctx.logins().microservice.password, { mode: 0o600 });
        const args = [
            require.resolve("ts-node/dist/bin.js"),
            "--transpile-only",
            "instrumentation/generator/cli.ts",
            "--nats",
            ctx.url.nats(),
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
            String(ctx.generatorPort),
            "--metrics-host",
            hostGatewayIp(ctx, ctx.imageOf("nats")),
            "--log-file",
            this.logFile,
            "--linger",
            "3600s",
            "--quiet",
            "--summary-json",
            this.summaryFile,
        ];
        ctx.log(`traffic: node ${path.relative(REPO_ROOT, args[0])} ${args.slice(1).join(" ")}`);
        // Its own process group, so cleanup can stop it and its children by pid.
        const generator = spawn(process.execPath, args, { cwd: REPO_ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
        this.generator = generator;
        if (generator.pid) fs.writeFileSync(ctx.generatorPidFile, String(generator.pid));
        generator.stdout?.on("data", (d) => (this.output += String(d)));
        generator.stderr?.on("data", (d) => (this.output += String(d)));
    }

    /**
     * The generator's log lines into Loki, for TRAFFIC_WARMUP_SECONDS: where a collector runs, a relay container prints
     * the generator's log file on its stdout and the collector ships it like any container's logs; where none runs, a
     * stand-in pushes the lines with the monitoring/logLabels.ts labels; where Loki does not run, nothing is shipped.
     */
    async shipLogs(): Promise<void> {
        const { ctx, logFile } = this;
        const lokiWhy = ctx.notRunReason("loki");
        const collector = ctx.runningCollector();
        if (lokiWhy) {
            await sleep(TRAFFIC_WARMUP_SECONDS * 1000);
            ctx.report.add("logs", "generator log lines reach Loki", "not run", lokiWhy);
            return;
        }
        if (!collector) {
            const shipper = new LogShipper(ctx.url.loki, logFile, "a4co-e2e-generator");
            this.logShipper = shipper;
            shipper.start();
            await sleep(TRAFFIC_WARMUP_SECONDS * 1000);
            ctx.report.add(
                "logs",
                "generator log lines pushed to Loki's push API (stand-in for the collector)",
                shipper.pushed > 0 ? "pass" : "fail",
                `${shipper.pushed} lines in ${TRAFFIC_WARMUP_SECONDS} s, with labels ${Object.values(LOG_LABELS).join(", ")}; no collector runs: ${ctx.notRunReason("promtail") ?? ctx.notRunReason("alloy")}`,
            );
            return;
        }
        const relay = `${E2E_NAME_PREFIX}${ctx.runId}-generator-logs`;
        this.logRelay = relay;
        const started = spawnSync(
            "docker",
            [
                "run",
                "--detach",
                "--name",
                relay,
                "--label",
                ctx.runLabel,
                "--label",
                "a4co.service=event-generator",
                "--volume",
                `${path.dirname(logFile)}:/logs:ro`,
                "--entrypoint",
                "tail",
                ctx.imageOf("nats"),
                "-n",
                "+1",
                "-F",
                `/logs/${path.basename(logFile)}`,
            ],
            { encoding: "utf8", timeout: 60_000 },
        );
        if (started.status !== 0) throw new Error(`cannot start the log relay container: ${started.stderr}`);
        await sleep(TRAFFIC_WARMUP_SECONDS * 1000);
        const shipped = await lokiQuery(ctx.url.loki(), `{${LOG_LABELS.container}="${relay}"}`, 900).catch(() => ({ count: 0 }));
        ctx.report.add(
            "logs",
            `generator log lines shipped by ${collector}`,
            shipped.count > 0 ? "pass" : "fail",
            `${shipped.count} lines of container ${relay} in Loki after ${TRAFFIC_WARMUP_SECONDS} s (the relay prints the generator's log file)`,
        );
    }

    /** SIGTERM ends publishing, then the generator drains and writes its summary; the log shipping ends with it. */
    async stop(): Promise<{ summary: GeneratorSummary | undefined; stoppedAt: number }> {
        const stoppedAt = Date.now();
        const generator = this.generator;
        if (generator?.pid && generator.exitCode === null) process.kill(generator.pid, "SIGTERM");
        const done = await waitFor(() => Promise.resolve(fs.existsSync(this.summaryFile) ? true : undefined), 60_000, 1000);
        const summary = done ? (JSON.parse(fs.readFileSync(this.summaryFile, "utf8")) as GeneratorSummary) : undefined;
        const shipper = this.logShipper;
        await shipper?.stop();
        // The relay goes with the generator: destroy must find no container of the run but the stack's.
        if (this.logRelay) spawnSync("docker", ["rm", "--force", this.logRelay], { encoding: "utf8", timeout: 60_000 });
        if (shipper)
            this.ctx.report.figure(
                "generator log lines pushed by the stand-in",
                `${shipper.pushed}; ${shipper.failedRounds} rounds refused and retried${shipper.lastError ? ` (last: ${shipper.lastError.slice(0, 120)})` : ""}`,
            );
        return { summary, stoppedAt };
    }

    /** Whatever ended the run: no generator process (nor its children) and no log shipping survive it. */
    killSync(): void {
        this.logShipper?.cancel();
        if (this.generator?.pid) {
            try {
                process.kill(-this.generator.pid, "SIGKILL");
            } catch {
                /* already gone */
            }
        }
    }
}
