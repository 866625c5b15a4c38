import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import bcrypt from "bcryptjs";
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";

import { METRIC_CATALOGUE } from "../../monitoring/catalogue";
import { natsExporterArgs } from "../../render/exporter";
import { renderNatsConfig } from "../../render/nats";
import { freePort, waitForHttp } from "../../harness/live";
import { startTool } from "../../harness/tools/run";

/**
 * Runs the pinned exporter with the stack's exact flags against a live pinned nats-server (loopback only) and reads
 * the metric names it really emits.
 */
describe("prometheus-nats-exporter with the stack's flags", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-exporter-"));
    let nats: ReturnType<typeof startTool>;
    let exporter: ReturnType<typeof startTool>;
    let metrics = "";
    let exporterUrl = "";

    beforeAll(async () => {
        const [clientPort, monitoringPort, exporterPort] = [await freePort(), await freePort(), await freePort()];
        const file = path.join(tmp, "nats.conf");
        fs.writeFileSync(
            file,
            renderNatsConfig({
                serverName: "a4co-nats",
                host: "127.0.0.1",
                clientPort,
                monitoringPort,
                jetstream: { storeDir: path.join(tmp, "js"), maxMemoryStoreMb: 64, maxFileStoreMb: 256 },
                users: [{ name: "microservice", role: "service", bcryptHash: bcrypt.hashSync("ServicePw7q", 4) }],
                appSubjects: ["events.>"],
                logLevel: "info",
            }),
        );
        nats = startTool("nats-server", ["-c", file]);
        await waitForHttp(`http://127.0.0.1:${monitoringPort}/healthz`);

        // A stream and a consumer, so JetStream series exist.
        const nc = await connect({ servers: `nats://127.0.0.1:${clientPort}`, user: "microservice", pass: "ServicePw7q" });
        const jsm = await jetstreamManager(nc);
        await jsm.streams.add({ name: "ORDERS", subjects: ["events.orders.>"] });
        await jsm.consumers.add("ORDERS", { durable_name: "billing", ack_policy: "explicit" });
        await jetstream(nc).publish("events.orders.created", "1");
        await nc.close();

        exporter = startTool(
            "prometheus-nats-exporter",
            natsExporterArgs(`http://127.0.0.1:${monitoringPort}`, exporterPort, { logLevel: "info", listenAddress: "127.0.0.1" }),
        );
        const url = `http://127.0.0.1:${exporterPort}/metrics`;
        exporterUrl = url;
        await waitForHttp(url);
        // The exporter polls on scrape; wait until the JetStream collector has reported.
        const deadline = Date.now() + 15_000;
        while (!/^nats_stream_total_messages/m.test(metrics) && Date.now() < deadline) {
            metrics = await (await fetch(url)).text();
            await new Promise((r) => setTimeout(r, 200));
        }
    });

    afterAll(() => {
        exporter?.stop();
        nats?.stop();
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    const names = () =>
        new Set(
            metrics
                .split("\n")
                .filter((l) => l && !l.startsWith("#"))
                .map((l) => l.split(/[{ ]/)[0]),
        );

    it.each([
        "nats_varz_connections",
        "nats_varz_in_msgs",
        "nats_varz_out_bytes",
        "nats_varz_mem",
        "nats_varz_cpu",
        "nats_varz_slow_consumers",
        "nats_varz_jetstream_stats_api_errors",
        "nats_connz_num_connections",
        "nats_healthz_status",
        "nats_server_total_streams",
        "nats_server_total_consumers",
        "nats_server_total_messages",
        "nats_server_max_storage",
        "nats_stream_total_messages",
        "nats_consumer_num_pending",
    ])("emits %s", (name) => {
        expect(names()).toContain(name);
    });

    it("emits every name the monitoring catalogue lists for the exporter", () => {
        const missing = METRIC_CATALOGUE.natsExporter.filter((name) => !names().has(name));
        expect(missing).toEqual([]);
    });

    it("reports the server healthy as 0 (the inverted healthz metric)", () => {
        expect(metrics).toMatch(/^nats_healthz_status\{[^}]*\} 0$/m);
    });

    it("labels JetStream series with server_name", () => {
        expect(metrics).toMatch(/^nats_server_total_streams\{[^}]*server_name="a4co-nats"[^}]*\} 1$/m);
    });

    it("keeps answering when nats-server dies but drops nats_healthz_status (what NatsServerDown relies on)", async () => {
        nats.stop();
        await new Promise((resolve) => nats.process.once("exit", resolve));
        const res = await fetch(exporterUrl);
        expect(res.ok).toBe(true);
        const after = await res.text();
        // The exporter drops nats_healthz_status and reports unreachable; varz gauges stay, as 0.
        expect(after).not.toMatch(/^nats_healthz_status\{/m);
        expect(after).toMatch(/^nats_healthz_status_value\{[^}]*value="unreachable"[^}]*\}/m);
    });

    it("emits none of the design document's invented names", () => {
        for (const invented of ["nats_server_clients_total", "nats_server_messages_recv", "nats_jetstream_streams", "nats_jetstream_consumers"]) {
            expect(names()).not.toContain(invented);
        }
    });
});
