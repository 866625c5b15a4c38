/**
 * Durability: what each stateful service wrote must still be queryable after its container restarts on the same
 * volume, and after the whole stack is destroyed (volumes kept) and brought up again.
 */
import { spawnSync } from "child_process";

import { waitFor } from "../../harness/live";
import { lokiInstantValue, promQuery } from "./probes";
import type { StackContext } from "./stackContext";

/**
 * Both counts read only data up to the restart (traffic may still be flowing), so new data cannot stand in for lost
 * data; lines shipped just after the first count may still carry earlier timestamps, hence "at least as many".
 */
const DURABLE_DATA = {
    prometheus: {
        what: "samples of the generator's counters",
        count: async (ctx: StackContext, untilMs: number) =>
            Number(
                (await promQuery(ctx.url.prometheus(), 'sum(count_over_time(event_published_total{job="a4co-services"}[1h]))', untilMs)).series[0]
                    ?.value?.[1] ?? 0,
            ),
    },
    loki: {
        what: "log lines",
        count: async (ctx: StackContext, untilMs: number) => lokiInstantValue(ctx.url.loki(), 'sum(count_over_time({service=~".+"}[1h]))', untilMs),
    },
} as const;

export async function expectRestartKeepsData(ctx: StackContext, service: keyof typeof DURABLE_DATA): Promise<void> {
    const { report, runner } = ctx;
    const data = DURABLE_DATA[service];
    const why = ctx.notRunReason(service);
    if (why) {
        report.add("durability", `${service} ${data.what} written before its restart are queryable`, "not run", why);
        return;
    }
    const restartAt = Date.now();
    const before = await data.count(ctx, restartAt);
    const c = runner.started.get(service)!;
    await runner.docker.getContainer(c.name).restart({ t: 120 });
    await runner.waitHealthy(c.name, 180);
    const after = await waitFor(async () => (await data.count(ctx, restartAt)) || undefined, 60_000);
    report.add(
        "durability",
        `${service} ${data.what} written before its restart are queryable`,
        before && after !== undefined && after >= before ? "pass" : "fail",
        `up to the restart: ${before} before it, ${after ?? 0} after it`,
    );
    ctx.expectNoFailures("durability");
}

/** Destroys the stack keeping its volumes, checks what is left, brings it up again and counts the first run's data. */
export async function destroyAndUpAgain(ctx: StackContext): Promise<void> {
    const { report, runner, stack } = ctx;
    const destroyedAt = Date.now();
    const samplesBefore = await DURABLE_DATA.prometheus.count(ctx, destroyedAt);
    const lokiWhy = ctx.notRunReason("loki");
    const linesBefore = lokiWhy ? 0 : await DURABLE_DATA.loki.count(ctx, destroyedAt);
    await runner.destroyKeepingVolumes();
    const left = spawnSync("docker", ["ps", "-aq", "--filter", `label=${ctx.runLabel}`], { encoding: "utf8" }).stdout.trim();
    const volumes = spawnSync("docker", ["volume", "ls", "-q", "--filter", `label=${ctx.runLabel}`], { encoding: "utf8" })
        .stdout.trim()
        .split("\n")
        .filter(Boolean);
    report.add("destroy", "destroy removes containers and network", left === "" ? "pass" : "fail", left ? `containers left: ${left}` : "none left");
    report.add(
        "destroy",
        "destroy keeps the data volumes",
        volumes.length === stack.volumes.length ? "pass" : "fail",
        `${volumes.length} of ${stack.volumes.length} volumes kept`,
    );
    const seconds = await runner.up(stack);
    report.figure("up again -> all healthy", `${seconds.toFixed(1)} s`);
    // Counted up to the destroy, as for the restarts: only data of the first run can answer.
    const samples = await waitFor(async () => (await DURABLE_DATA.prometheus.count(ctx, destroyedAt)) || undefined, 60_000);
    const lines = lokiWhy ? undefined : await waitFor(async () => (await DURABLE_DATA.loki.count(ctx, destroyedAt)) || undefined, 60_000);
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
}
