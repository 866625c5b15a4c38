/** Live NATS checks against the container: logins, permissions, JetStream durability. */
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, NatsConnection } from "@nats-io/transport-node";

export interface Login {
    readonly user: string;
    readonly password: string;
}

export const natsLogin = (url: string, l: Login) => connect({ servers: url, user: l.user, pass: l.password, reconnect: false, timeout: 5000 });

/** The error text of a refused connection, or "connected" when the server let the client in. */
export async function connectOutcome(url: string, login?: Login): Promise<string> {
    try {
        const nc = await connect({ servers: url, reconnect: false, timeout: 5000, ...(login ? { user: login.user, pass: login.password } : {}) });
        await nc.close();
        return "connected";
    } catch (e) {
        return (e as Error).message;
    }
}

/** Publishes (or subscribes) and returns the permissions violation the server answered, or "" when it allowed it. */
export async function permissionViolation(nc: NatsConnection, action: "publish" | "subscribe", subject: string): Promise<string> {
    const errors: string[] = [];
    const watcher = (async () => {
        for await (const s of nc.status()) if (s.type === "error") errors.push(String(s.error));
    })();
    if (action === "publish") nc.publish(subject, "e2e");
    else nc.subscribe(subject, { callback: () => undefined });
    await nc.flush();
    await new Promise((r) => setTimeout(r, 300));
    void watcher;
    return errors.find((e) => e.includes("Permissions Violation") && e.includes(subject)) ?? "";
}

export const DURABILITY_STREAM = "E2E_DURABILITY";
// Outside the application subjects: the EVENTS stream of the generator already covers events.>.
const DURABILITY_SUBJECT = "e2e.durability";

/** Creates a file-backed stream and publishes `count` messages, each acked by the server; returns their payloads. */
export async function publishAcked(nc: NatsConnection, count: number): Promise<string[]> {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: DURABILITY_STREAM, subjects: [DURABILITY_SUBJECT] });
    const js = jetstream(nc);
    const sent: string[] = [];
    for (let i = 0; i < count; i++) {
        const payload = `e2e-${i}`;
        await js.publish(DURABILITY_SUBJECT, payload);
        sent.push(payload);
    }
    return sent;
}

/** Reads every message of the durability stream with an ephemeral consumer. */
export async function consumeAll(nc: NatsConnection, expected: number): Promise<string[]> {
    const jsm = await jetstreamManager(nc);
    const ci = await jsm.consumers.add(DURABILITY_STREAM, { ack_policy: AckPolicy.Explicit, inactive_threshold: 60_000_000_000 });
    const consumer = await jetstream(nc).consumers.get(DURABILITY_STREAM, ci.name);
    const got: string[] = [];
    while (got.length < expected) {
        const batch = await consumer.fetch({ max_messages: Math.min(500, expected - got.length), expires: 3000 });
        let n = 0;
        for await (const m of batch) {
            got.push(m.string());
            m.ack();
            n++;
        }
        if (n === 0) break;
    }
    return got;
}
