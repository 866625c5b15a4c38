import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import bcrypt from "bcryptjs";
import { connect, NatsConnection } from "@nats-io/transport-node";

import { NatsRenderedUser, renderNatsConfig } from "../../render/nats";
import { freePort, waitForHttp } from "../../harness/live";
import { startTool } from "../../harness/tools/run";

/** The stack's security model: microservice (role service) in APP with JetStream; admin; metrics in SYS. */
export const TEST_PASSWORDS = { admin: "AdminPw7q", microservice: "ServicePw7q", metrics: "MetricsPw7q" } as const;

export interface LiveNats {
    readonly url: string;
    readonly dir: string;
    /** Connects as `microservice`, the user services run as. */
    connectService(): Promise<NatsConnection>;
    stop(): Promise<void>;
}

/**
 * Starts the pinned nats-server with the stack's rendered nats.conf (bcrypt hashes, APP/SYS accounts, the service
 * role's permissions) on free loopback ports, in a temporary directory removed by stop().
 */
export async function startLiveNats(): Promise<LiveNats> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-instr-nats-"));
    const users: NatsRenderedUser[] = [
        { name: "admin", role: "admin", bcryptHash: bcrypt.hashSync(TEST_PASSWORDS.admin, 4) },
        { name: "microservice", role: "service", bcryptHash: bcrypt.hashSync(TEST_PASSWORDS.microservice, 4) },
        { name: "metrics", role: "system", bcryptHash: bcrypt.hashSync(TEST_PASSWORDS.metrics, 4) },
    ];
    const [clientPort, monitoringPort] = [await freePort(), await freePort()];
    const file = path.join(dir, "nats.conf");
    fs.writeFileSync(
        file,
        renderNatsConfig({
            serverName: "a4co-nats-test",
            host: "127.0.0.1",
            clientPort,
            monitoringPort,
            jetstream: { storeDir: path.join(dir, "js"), maxMemoryStoreMb: 64, maxFileStoreMb: 512 },
            users,
            appSubjects: ["events.>", "commands.>"],
            logLevel: "info",
        }),
    );
    const server = startTool("nats-server", ["-c", file]);
    try {
        await waitForHttp(`http://127.0.0.1:${monitoringPort}/healthz`);
    } catch (err) {
        server.stop();
        throw new Error(`nats-server did not start: ${(err as Error).message}\n${server.output()}`, { cause: err });
    }
    const url = `nats://127.0.0.1:${clientPort}`;
    return {
        url,
        dir,
        connectService: () => connect({ servers: url, user: "microservice", pass: TEST_PASSWORDS.microservice, reconnect: false, timeout: 5000 }),
        async stop() {
            const exited = new Promise((r) => server.process.once("exit", r));
            server.stop();
            await exited;
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/**
 * One live nats-server for the whole test file: started before its first test, stopped (with its directory) after
 * its last. Returns a getter, since the server exists only once beforeAll has run.
 */
export function useLiveNats(): () => LiveNats {
    let nats: LiveNats | undefined;
    beforeAll(async () => {
        nats = await startLiveNats();
    });
    afterAll(async () => {
        await nats?.stop();
    });
    return () => {
        if (nats === undefined) throw new Error("the live nats-server is used before beforeAll started it");
        return nats;
    };
}
