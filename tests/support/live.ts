import { ChildProcess, spawn } from "child_process";
import * as net from "net";

import { toolPath, ToolName, ToolSpec } from "./tools";

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

/** Polls `url` until it answers 2xx (not listening yet counts as not yet), or fails after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 15_000): Promise<void> {
    const answered = await waitFor(async () => ((await fetch(url)).ok ? true : undefined), timeoutMs, 100);
    if (answered === undefined) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export interface RunningTool {
    readonly process: ChildProcess;
    output(): string;
    /** Sends SIGTERM. */
    stop(): void;
    /** Sends SIGTERM and resolves once the process has exited (SIGKILL after `graceMs`), so its files can be removed. */
    stopAndWait(graceMs?: number): Promise<void>;
}

/** Starts a tool as a background process (loopback-only configs). */
export function startTool(name: ToolName | ToolSpec, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunningTool {
    const child = spawn(toolPath(name), args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env, cwd: opts.cwd });
    let output = "";
    child.stdout?.on("data", (d) => (output += String(d)));
    child.stderr?.on("data", (d) => (output += String(d)));
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    return {
        process: child,
        output: () => output,
        stop: () => void child.kill("SIGTERM"),
        async stopAndWait(graceMs = 10_000) {
            if (child.exitCode !== null || child.signalCode !== null) return;
            child.kill("SIGTERM");
            const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
            await exited;
            clearTimeout(timer);
        },
    };
}
