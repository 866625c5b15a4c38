import { spawn } from "child_process";
import * as path from "path";

import { jetstreamManager } from "@nats-io/jetstream";

import { createInstrumentation } from "../../instrumentation";
import { eventually } from "../../harness/live";
import { useLiveNats, TEST_PASSWORDS } from "./liveNats";
import { captureLogs } from "./support";

jest.setTimeout(60_000);

const nats = useLiveNats();

it("on SIGTERM a service finishes and acks the event in flight, drains NATS, closes /metrics and exits 0", async () => {
    const child = spawn(
        process.execPath,
        [require.resolve("ts-node/dist/bin.js"), "--transpile-only", "tests/instrumentation/fixtures/slowService.ts"],
        {
            cwd: path.resolve(__dirname, "../.."),
            env: { ...process.env, NATS_URL: nats().url, NATS_PASSWORD: TEST_PASSWORDS.microservice },
            stdio: ["ignore", "pipe", "pipe"],
        },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += String(d)));
    child.stderr.on("data", (d) => (out += String(d)));
    const closed = new Promise<number | null>((r) => child.once("close", (code) => r(code)));
    const lines = () =>
        out
            .split("\n")
            .filter((l) => l.startsWith("{"))
            .map((l) => JSON.parse(l) as Record<string, unknown>);
    const publisher = createInstrumentation({
        service: "orders",
        nc: await nats().connectService(),
        logDestination: captureLogs().destination,
        defaultMetrics: false,
    });
    try {
        await eventually("the service is ready", () => lines().some((l) => l.msg === "ready"), 30_000);
        const metricsUrl = String(lines().find((l) => l.msg === "ready")!.url);
        expect((await fetch(metricsUrl)).status).toBe(200);

        await publisher.publishEvent("order.created", { orderId: "o-1" });
        await eventually("the handler started", () => lines().some((l) => l.msg === "handling"));
        child.kill("SIGTERM");
        expect(await closed).toBe(0);

        const msgs = lines().map((l) => l.msg);
        expect(msgs.indexOf("shutting down")).toBeLessThan(msgs.indexOf("handled"));
        const nc = await nats().connectService();
        const info = await (await jetstreamManager(nc)).consumers.info("SLOW", "slow");
        await nc.close();
        expect(info.num_ack_pending).toBe(0);
        expect(info.num_redelivered).toBe(0);
        expect(info.delivered.consumer_seq).toBe(1);
        expect(info.ack_floor.consumer_seq).toBe(1);
        await expect(fetch(metricsUrl)).rejects.toThrow();
    } finally {
        child.kill("SIGKILL");
        await publisher.shutdown();
    }
});
