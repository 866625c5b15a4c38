/**
 * The shared state of one e2e run (one stack per test file): its runner, report, host ports, service URLs and the image
 * each service runs, plus the questions every check asks of it (does this service run here? why not?). Created once
 * per file and passed to the check modules, so none of them keeps state of its own.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import type { DockerService } from "../../platforms/docker/services";
import type { ImageChoice } from "../../harness/docker/imageSource";
import { DeclaredStack, StackRunner } from "../../harness/docker/stackRunner";
import { RUN_LABEL } from "../../harness/docker/translate";
import type { Login } from "./natsChecks";
import { E2eReport } from "./report";

export const SCRAPE_INTERVAL_S = 15;

/** The metrics each service exposes about itself (Alloy's `loki_source_`/`loki_write_` before Loki's own `loki_`). */
const OWN_METRICS: readonly [DockerService, RegExp][] = [
    ["alloy", /job="alloy"|\balloy_|\bloki_source_|\bloki_write_/],
    ["promtail", /job="promtail"|\bpromtail_/],
    ["grafana", /job="grafana"|\bgrafana_/],
    ["loki", /job="loki"|\bloki_(?!source_|write_)/],
];

export class StackContext {
    readonly runId = `run-${Date.now()}`;
    /** The label every container, network and volume of this run carries. */
    readonly runLabel = `${RUN_LABEL}=${this.runId}`;
    readonly report = new E2eReport();
    readonly log = (line: string): void => {
        process.stdout.write(`${line}\n`);
    };
    readonly runner = new StackRunner(this.runId, this.log);
    /** Scratch files of the run (passwords, the generator's log and summary); removed by cleanupSync. */
    readonly work = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-e2e-"));
    /** Outside `work`, so the watchdog still finds it after cleanup removed `work`. */
    readonly generatorPidFile = path.join(os.tmpdir(), `a4co-e2e-${this.runId}.generator-pid`);
    stack!: DeclaredStack;
    ports: Record<string, number> = {};
    generatorPort = 0;
    /** The image of each declared service: official, local build, or not run (imageSource.ts). */
    images: ImageChoice[] = [];

    readonly url = {
        grafana: () => `http://127.0.0.1:${this.ports.grafana}`,
        prometheus: () => `http://127.0.0.1:${this.ports.prometheus}`,
        loki: () => `http://127.0.0.1:${this.ports.loki}`,
        alertmanager: () => `http://127.0.0.1:${this.ports.alertmanager}`,
        nats: () => `nats://127.0.0.1:${this.ports.natsClient}`,
    };

    /** The image a running service runs (official or local build). */
    imageOf(service: DockerService): string {
        const ref = this.images.find((c) => c.service === service)?.ref;
        if (!ref) throw new Error(`${service} does not run in this e2e run: no image`);
        return ref;
    }

    /** Why a service's checks are not run, or undefined when it runs. */
    notRunReason(service: DockerService): string | undefined {
        if (this.runner.runs(service)) return undefined;
        return this.images.some((c) => c.service === service)
            ? `${service} does not run here (no official image; see its images row)`
            : `${service} is not part of this stack`;
    }

    /** A query that reads the own metrics of a service that does not run in this run cannot return data: not run. */
    notCheckableReason(expr: string): string | undefined {
        for (const [service, metrics] of OWN_METRICS) {
            const why = metrics.test(expr) ? this.notRunReason(service) : undefined;
            if (why) return `reads ${service}'s own metrics; ${why}`;
        }
        return undefined;
    }

    /** The log collector that runs in this run, if any. */
    runningCollector(): "promtail" | "alloy" | undefined {
        return (["promtail", "alloy"] as const).find((c) => this.runner.runs(c));
    }

    /** The NATS logins the program generated, by user. */
    logins(): Record<string, Login> {
        const creds = this.stack.outputs.natsCredentials as Record<string, { user: string; password: string }>;
        return Object.fromEntries(Object.values(creds).map((c) => [c.user, { user: c.user, password: c.password }]));
    }

    /** Fails the test when a row of `area` failed. */
    expectNoFailures(area: string): void {
        const failed = this.report.rows.filter((r) => r.area === area && r.status === "fail");
        expect(failed.map((r) => `${r.check}: ${r.detail}`)).toEqual([]);
    }

    /** Removes every container, network and volume of the run, and its scratch files. */
    cleanupSync(): void {
        fs.rmSync(this.generatorPidFile, { force: true });
        this.runner.removeEverythingSync();
        fs.rmSync(this.work, { recursive: true, force: true });
    }
}
