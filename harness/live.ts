/** Waiting for live processes and ports, shared by the harness and the suites that drive it. */
import * as net from "net";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The one polling loop: `probe` until it returns a value other than undefined, or undefined once `timeoutMs` passed. */
async function poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, everyMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const v = await probe();
        if (v !== undefined) return v;
        if (Date.now() > deadline) return undefined;
        await sleep(everyMs);
    }
}

/** Polls `probe` (a failed probe counts as not yet) until it returns a value; undefined once the deadline passed. */
export function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, everyMs = 2000): Promise<T | undefined> {
    return poll(() => probe().catch(() => undefined), timeoutMs, everyMs);
}

/** Polls `check` until it holds, or fails after `timeoutMs` naming `what`; an error thrown by `check` fails at once. */
export async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
    const held = await poll(async () => ((await check()) ? true : undefined), timeoutMs, 50);
    if (held === undefined) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
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

/** A listener holding a free loopback port, as another process would: the port, and how to let it go. */
export async function holdPort(): Promise<{ port: number; release(): Promise<void> }> {
    const port = await freePort();
    const srv = net.createServer();
    await new Promise<void>((resolve) => srv.listen(port, "127.0.0.1", resolve));
    return { port, release: () => new Promise<void>((resolve) => srv.close(() => resolve())) };
}

/** Polls `url` until it answers 2xx (not listening yet counts as not yet), or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 15_000): Promise<void> {
    const answered = await waitFor(async () => ((await fetch(url)).ok ? true : undefined), timeoutMs, 100);
    if (answered === undefined) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
