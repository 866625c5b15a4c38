/** Waiting for live processes and ports, shared by the harness and the suites that drive it. */
import * as net from "net";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value that is not undefined, or the deadline passes (then returns undefined). */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 2000): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const v = await probe().catch(() => undefined);
        if (v !== undefined) return v;
        if (Date.now() > deadline) return undefined;
        await sleep(everyMs);
    }
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.once("error", reject);
        srv.listen(0, "127.0.0.1", () => {
            const { port } = srv.address() as net.AddressInfo;
            srv.close(() => resolve(port));
        });
    });
}

/** Polls `url` until it answers 2xx, or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        try {
            const res = await fetch(url);
            if (res.ok) return;
        } catch {
            // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
    }
}
