/** nats.conf checked by nats-server at the pinned version, then the security model on a live nats-server. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { connect, NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";

import { freePort, waitForHttp } from "../../harness/live";
import { runTool, startTool } from "../../harness/tools/run";
import { PASSWORDS, renderTestNatsConfig } from "./natsFixture";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-nats-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const render = (clientPort?: number, monitoringPort?: number, host?: string) =>
    renderTestNatsConfig(path.join(tmp, "js"), clientPort, monitoringPort, host);

function checkWithServer(text: string): { status: number | null; output: string } {
    const file = path.join(tmp, `check-${Math.random().toString(36).slice(2)}.conf`);
    fs.writeFileSync(file, text);
    const r = runTool("nats-server", ["-t", "-c", file]);
    return { status: r.status, output: r.stdout + r.stderr };
}

describe("nats.conf", () => {
    it("is accepted by nats-server at the pinned version", () => {
        const r = checkWithServer(render());
        expect(r.output).toContain("is valid");
        expect(r.status).toBe(0);
    });

    it("the check rejects the design document's invalid `verbose` key", () => {
        const bad = JSON.parse(render());
        bad.verbose = true;
        const r = checkWithServer(JSON.stringify(bad));
        expect(r.status).not.toBe(0);
        expect(r.output).toContain("verbose");
    });
});

describe("the security model on a live nats-server (loopback only)", () => {
    let server: ReturnType<typeof startTool>;
    let url: string;

    beforeAll(async () => {
        const [clientPort, monitoringPort] = [await freePort(), await freePort()];
        const file = path.join(tmp, "live.conf");
        fs.writeFileSync(file, render(clientPort, monitoringPort, "127.0.0.1"));
        server = startTool("nats-server", ["-c", file]);
        url = `nats://127.0.0.1:${clientPort}`;
        await waitForHttp(`http://127.0.0.1:${monitoringPort}/healthz`);
    });

    afterAll(() => {
        server?.stop();
    });

    const login = (user: string, pass = PASSWORDS[user]) => connect({ servers: url, user, pass, reconnect: false, timeout: 3000 });

    /** Publishes and reports whether the server answered with a permissions violation. */
    async function publishIsDenied(nc: NatsConnection, subject: string): Promise<boolean> {
        const errors: string[] = [];
        const watcher = (async () => {
            for await (const s of nc.status()) if (s.type === "error") errors.push(String(s.error));
        })();
        nc.publish(subject, "x");
        await nc.flush();
        await new Promise((r) => setTimeout(r, 200));
        void watcher;
        return errors.some((e) => e.includes("Permissions Violation") && e.includes(subject));
    }

    it("refuses anonymous clients", async () => {
        await expect(connect({ servers: url, reconnect: false, timeout: 3000 })).rejects.toThrow(/Authorization/i);
    });

    it("refuses a wrong password", async () => {
        await expect(login("microservice", "wrong")).rejects.toThrow(/Authorization/i);
    });

    it("lets microservice publish application subjects but nothing else", async () => {
        const nc = await login("microservice");
        try {
            expect(await publishIsDenied(nc, "events.orders.created")).toBe(false);
            expect(await publishIsDenied(nc, "payroll.secrets")).toBe(true);
        } finally {
            await nc.close();
        }
    });

    it("lets microservice use JetStream: create a stream, publish with ack, consume", async () => {
        const nc = await login("microservice");
        try {
            const jsm = await jetstreamManager(nc);
            await jsm.streams.add({ name: "ORDERS", subjects: ["events.orders.>"] });
            const js = jetstream(nc);
            const ack = await js.publish("events.orders.created", "order-1");
            expect(ack.stream).toBe("ORDERS");
            await jsm.consumers.add("ORDERS", { durable_name: "billing", ack_policy: "explicit" });
            const consumer = await js.consumers.get("ORDERS", "billing");
            const msg = await consumer.next({ expires: 2000 });
            expect(msg?.string()).toBe("order-1");
            msg?.ack();
        } finally {
            await nc.close();
        }
    });

    it("lets admin publish anything in APP", async () => {
        const nc = await login("admin");
        try {
            expect(await publishIsDenied(nc, "payroll.secrets")).toBe(false);
        } finally {
            await nc.close();
        }
    });

    it("lets metrics read $SYS server data but not application subjects", async () => {
        const nc = await login("metrics");
        try {
            const reply = await nc.request("$SYS.REQ.SERVER.PING.VARZ", "", { timeout: 3000 });
            expect(JSON.parse(reply.string()).data.server_name).toBe("a4co-nats");
            expect(await publishIsDenied(nc, "events.orders.created")).toBe(true);
        } finally {
            await nc.close();
        }
    });
});
