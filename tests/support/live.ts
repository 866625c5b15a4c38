import { ChildProcess, spawn } from "child_process";
import * as net from "net";

import { toolPath, ToolName, ToolSpec } from "./tools";

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
