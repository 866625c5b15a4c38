/**
 * Runs the built programs of ./recipes.ts: to completion (`runTool`) or in the background (`startTool`). Neither
 * builds: a suite's globalSetup (./globalSetup.ts, harness/kubernetes/globalSetup.ts) or the suite itself calls
 * `ensureTools` first, so a missing binary is an error naming how to get it.
 */
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";

import { toolBinary } from "./build";
import { ToolName, TOOLS, ToolSpec } from "./recipes";

const specOf = (tool: ToolName | ToolSpec): ToolSpec => (typeof tool === "string" ? TOOLS[tool] : tool);

/** Absolute path of a built tool; throws when the tool has not been built. */
export function toolPath(tool: ToolName | ToolSpec): string {
    const bin = toolBinary(specOf(tool));
    if (!fs.existsSync(bin)) {
        throw new Error(
            `${specOf(tool).name} is not built at ${bin}: run the tests through their suite's jest config (npm run test:programs, test:k8s, test:e2e: its globalSetup builds the tools) or call ensureTools().`,
        );
    }
    return bin;
}

export interface ToolRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a tool to completion (bounded by a timeout) and returns its exit status and output. */
export function runTool(
    tool: ToolName | ToolSpec,
    args: string[],
    opts: { input?: string; cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): ToolRun {
    const r = spawnSync(toolPath(tool), args, {
        input: opts.input,
        cwd: opts.cwd,
        env: opts.env,
        encoding: "utf8",
        timeout: opts.timeoutMs ?? 60_000,
    });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
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
export function startTool(tool: ToolName | ToolSpec, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): RunningTool {
    const child = spawn(toolPath(tool), args, { stdio: ["ignore", "pipe", "pipe"], env: opts.env, cwd: opts.cwd });
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
