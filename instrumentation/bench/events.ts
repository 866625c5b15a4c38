/**
 * `npm run bench:events`: publish throughput through publishEvent versus the raw nats.js client, core NATS and
 * JetStream, against one local nats-server (the pinned build, the stack's nats.conf, user microservice); then the
 * generator's achieved rate at 1k, 5k and 20k events/s. Prints numbers; it is not a test.
 *
 * Fairness: both sides build the same envelope (id, type, occurredAt, traceId, data) from the same data and encode
 * it with JSON.stringify, on the same connection, with the same flush policy (core: yield to the event loop every
 * 500 publishes, one flush at the end; JetStream: at most 256 publishes awaiting their ack, msgID = envelope id).
 * The difference is exactly the library: guard, subject lookup, counting, promise wrapping.
 */
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import bcrypt from "bcryptjs";
import { connect, NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";

import { renderNatsConfig } from "../../render/nats";
import { freePort, waitForHttp } from "../../harness/live";
import { ensureTools } from "../../harness/tools/build";
import { TOOLS } from "../../harness/tools/recipes";
import { startTool } from "../../harness/tools/run";
import { createServiceMetrics, ensureEventStream, EventPublisher } from "..";
import { EVENT_TYPES } from "../generator/domain";
import { parseGeneratorFlags } from "../generator/flags";
import { runGenerator } from "../generator/run";
import { cpuRatio, formatComparison, interleaved, ratio, Throughput, timed } from "./measure";

const PASSWORD = "BenchPw7q";
// Many short interleaved rounds and their medians: the cores are shared, single long rounds swing by 3×.
const CORE_EVENTS = Number(process.env.BENCH_CORE_EVENTS ?? 50_000);
const JS_EVENTS = Number(process.env.BENCH_JS_EVENTS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 21);
const JS_WINDOW = 256;
const CORE_YIELD_EVERY = 500;
const GENERATOR_RATES = [1000, 5000, 20000];
const GENERATOR_SECONDS = Number(process.env.BENCH_GENERATOR_SECONDS ?? 5);

/** The same realistic data for both sides: one order.created payload per event type, cycled. */
const DATA = EVENT_TYPES.map((type, i) => ({ type, data: { orderId: `ord-${i}`, customerId: "cus-42", items: 3, total: 129.9, currency: "EUR" } }));
const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

/** What a service does without the library: build the envelope, stringify it. */
function rawEnvelope(i: number): { subject: string; id: string; payload: string } {
    const { type, data } = DATA[i % DATA.length];
    const id = randomUUID();
    return { subject: `events.${type}`, id, payload: JSON.stringify({ id, type, occurredAt: new Date().toISOString(), traceId: TRACE_ID, data }) };
}

/** Keeps results alive so the optimiser cannot drop the work. */
let sink: unknown;
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

function timeCore(nc: NatsConnection, n: number, publishOne: (i: number) => void): Promise<Throughput> {
    return timed(n, async () => {
        for (let i = 0; i < n; i++) {
            publishOne(i);
            if (i % CORE_YIELD_EVERY === CORE_YIELD_EVERY - 1) await yieldToLoop();
        }
        await nc.flush();
    });
}

/** Keeps at most JS_WINDOW publishes awaiting their ack. */
function timeJetStream(n: number, publishOne: (i: number) => Promise<unknown>): Promise<Throughput> {
    return timed(n, async () => {
        let inflight = 0;
        let freed: (() => void) | undefined;
        let failure: unknown;
        for (let i = 0; i < n; i++) {
            while (inflight >= JS_WINDOW) await new Promise<void>((r) => (freed = r));
            inflight++;
            publishOne(i)
                .then(
                    () => undefined,
                    (err) => (failure = err),
                )
                .finally(() => {
                    inflight--;
                    freed?.();
                });
        }
        while (inflight > 0) await new Promise<void>((r) => (freed = r));
        if (failure) throw failure;
    });
}

async function startServer(dir: string): Promise<{ url: string; stop: () => void }> {
    ensureTools((line) => process.stderr.write(`[tools] ${line}\n`), [TOOLS["nats-server"]]);
    const [clientPort, monitoringPort] = [await freePort(), await freePort()];
    const conf = path.join(dir, "nats.conf");
    fs.writeFileSync(
        conf,
        renderNatsConfig({
            serverName: "a4co-bench",
            host: "127.0.0.1",
            clientPort,
            monitoringPort,
            jetstream: { storeDir: path.join(dir, "js"), maxMemoryStoreMb: 256, maxFileStoreMb: 4096 },
            users: [{ name: "microservice", role: "service", bcryptHash: bcrypt.hashSync(PASSWORD, 4) }],
            appSubjects: ["events.>", "commands.>"],
            logLevel: "warn",
        }),
    );
    const server = startTool("nats-server", ["-c", conf]);
    await waitForHttp(`http://127.0.0.1:${monitoringPort}/healthz`);
    return { url: `nats://127.0.0.1:${clientPort}`, stop: server.stop };
}

async function main(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-bench-"));
    const server = await startServer(dir);
    const log = (s: string) => process.stdout.write(`${s}\n`);
    log(
        `bench:events on ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, Node ${process.version}, nats-server at ${server.url} (pinned build)`,
    );
    log(
        `core: ${CORE_EVENTS} events/round, JetStream: ${JS_EVENTS} events/round (file storage, ${JS_WINDOW} acks in flight), ${ROUNDS} rounds each side, interleaved`,
    );
    try {
        const nc = await connect({ servers: server.url, user: "microservice", pass: PASSWORD });
        const publisher = new EventPublisher({ nc, metrics: createServiceMetrics({ defaultMetrics: false }), eventTypes: EVENT_TYPES });
        const js = jetstream(nc);

        // Warm-up (JIT, connection buffers), not measured.
        await timeCore(
            nc,
            20_000,
            (i) => void publisher.publishEvent(DATA[i % DATA.length].type, DATA[i % DATA.length].data, { traceId: TRACE_ID, delivery: "core" }),
        );
        await timeCore(nc, 20_000, (i) => {
            const e = rawEnvelope(i);
            nc.publish(e.subject, e.payload);
        });

        // The library alone, network excluded: building the same event without and with publishEvent's own work.
        const LIB_EVENTS = 200_000;
        const libraryOnly = await interleaved(
            "library work per event, client call excluded (envelope + JSON; plus guard, subject, count)",
            ROUNDS,
            () =>
                timed(LIB_EVENTS, () => {
                    for (let i = 0; i < LIB_EVENTS; i++) sink = rawEnvelope(i).payload;
                }),
            () =>
                timed(LIB_EVENTS, () => {
                    for (let i = 0; i < LIB_EVENTS; i++) {
                        const d = DATA[i % DATA.length];
                        const p = publisher.prepare(d.type, d.data, { traceId: TRACE_ID });
                        p.cell.pending++;
                        sink = p.payload;
                    }
                }),
        );
        log(formatComparison(libraryOnly, "without library", "with library"));

        const core = await interleaved(
            "core NATS publish (fire-and-forget)",
            ROUNDS,
            () =>
                timeCore(nc, CORE_EVENTS, (i) => {
                    const e = rawEnvelope(i);
                    nc.publish(e.subject, e.payload);
                }),
            () =>
                timeCore(
                    nc,
                    CORE_EVENTS,
                    (i) =>
                        void publisher.publishEvent(DATA[i % DATA.length].type, DATA[i % DATA.length].data, { traceId: TRACE_ID, delivery: "core" }),
                ),
        );
        log(formatComparison(core));

        const stream = await ensureEventStream(nc, { name: "BENCH" });
        const jsm = await jetstreamManager(nc);
        const jsc = await interleaved(
            "JetStream publish (acked)",
            ROUNDS,
            () =>
                timeJetStream(JS_EVENTS, (i) => {
                    const e = rawEnvelope(i);
                    return js.publish(e.subject, e.payload, { msgID: e.id });
                }),
            () =>
                timeJetStream(JS_EVENTS, (i) =>
                    publisher.publishEvent(DATA[i % DATA.length].type, DATA[i % DATA.length].data, { traceId: TRACE_ID }),
                ),
        );
        log(formatComparison(jsc));
        await jsm.streams.delete(stream.name);
        await nc.close();

        log("generator achieved rate (3 consumers, error rate 0.02, consumer latency 1ms, 64 handlers each, 1024 publishes in flight)");
        const runs = [...GENERATOR_RATES.map((rate) => ({ rate, delivery: "jetstream" })), { rate: 20000, delivery: "core" }];
        for (const { rate, delivery } of runs) {
            const stream = `GEN${rate}${delivery}`;
            const opts = parseGeneratorFlags([
                ...["--nats", server.url, "--rate", String(rate), "--duration", `${GENERATOR_SECONDS}s`, "--stream", stream, "--delivery", delivery],
                ...["--consumer-latency", "1ms", "--consumer-concurrency", "64", "--max-inflight", "1024", "--drain-timeout", "30s"],
                ...["--quiet", "--log-level", "warn"],
            ]);
            if (opts === "help") throw new Error("unreachable");
            const s = await runGenerator(opts, { password: PASSWORD, logDestination: { write: () => undefined } });
            log(
                `  ${delivery.padEnd(9)} target ${String(rate).padStart(5)}/s: achieved ${s.achievedRate.toFixed(0).padStart(5)}/s (${(s.achievedRate / rate).toFixed(2)}), ` +
                    `sent ${s.sent}, consumed ${s.consumed}, failed ${s.failed}, unfinished ${s.unfinished}, ` +
                    `publish→consume p50 ${s.latency.p50Ms.toFixed(1)} ms p95 ${s.latency.p95Ms.toFixed(1)} ms p99 ${s.latency.p99Ms.toFixed(1)} ms`,
            );
            const cleanup = await connect({ servers: server.url, user: "microservice", pass: PASSWORD });
            await (await jetstreamManager(cleanup)).streams.delete(stream);
            await cleanup.close();
        }

        log(`per-CPU-second ratio (less sensitive to other load): core ${cpuRatio(core).toFixed(2)}, JetStream ${cpuRatio(jsc).toFixed(2)}`);
        log(
            `load average at the end: ${os
                .loadavg()
                .map((l) => l.toFixed(1))
                .join(" ")} on ${os.cpus().length} cores`,
        );
        // The brief's figure: the lower of core and JetStream, wall-clock throughput medians.
        const lower = Math.min(ratio(core), ratio(jsc));
        log(`instrumented/raw publish throughput ratio: ${lower.toFixed(2)}`);
        void sink;
    } finally {
        server.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

main().catch((err: Error) => {
    process.stderr.write(`bench:events failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
});
