/**
 * A Docker engine for the e2e suite: uses the one that answers; when none does and we are root on Debian/Ubuntu,
 * installs Debian's `docker.io` and starts `dockerd` in the background (log: /var/log/a4co-e2e-dockerd.log);
 * otherwise fails naming what to install. dockerd is left running afterwards (it is the machine's engine, not ours).
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";

export type EngineDecision =
    | { readonly action: "use" }
    | { readonly action: "start-dockerd" }
    | { readonly action: "install-and-start" }
    | { readonly action: "fail"; readonly reason: string };

export interface HostFacts {
    readonly engineAnswers: boolean;
    readonly dockerdInstalled: boolean;
    readonly isRoot: boolean;
    /** ID and ID_LIKE of /etc/os-release. */
    readonly osIds: readonly string[];
}

/** What to do to get an engine, from what the host offers. Pure. */
export function decideEngine(h: HostFacts): EngineDecision {
    if (h.engineAnswers) return { action: "use" };
    const debianLike = h.osIds.some((id) => id === "debian" || id === "ubuntu");
    if (h.isRoot && h.dockerdInstalled) return { action: "start-dockerd" };
    if (h.isRoot && debianLike) return { action: "install-and-start" };
    const how = debianLike
        ? "run as root (sudo) so the suite can `apt-get install docker.io` and start dockerd, or start Docker yourself"
        : "install Docker Engine (https://docs.docker.com/engine/install/) or Docker Desktop and start it";
    return {
        action: "fail",
        reason: `no Docker engine answers (docker info failed) and it cannot be provided here: ${how}; then run npm run test:e2e again`,
    };
}

/** ID and ID_LIKE words of an os-release file's text. Pure. */
export function osReleaseIds(text: string): string[] {
    const ids: string[] = [];
    for (const line of text.split("\n")) {
        const m = /^(ID|ID_LIKE)=("?)([^"]*)\2$/.exec(line.trim());
        if (m) ids.push(...m[3].split(/\s+/).filter(Boolean));
    }
    return ids;
}

const engineAnswers = (): boolean =>
    spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8", timeout: 20_000 }).status === 0;
const hasCommand = (cmd: string): boolean => spawnSync("sh", ["-c", `command -v ${cmd}`], { encoding: "utf8" }).status === 0;

function hostFacts(): HostFacts {
    const osRelease = fs.existsSync("/etc/os-release") ? fs.readFileSync("/etc/os-release", "utf8") : "";
    return {
        engineAnswers: engineAnswers(),
        dockerdInstalled: hasCommand("dockerd"),
        isRoot: typeof process.getuid === "function" && process.getuid() === 0,
        osIds: osReleaseIds(osRelease),
    };
}

function run(cmd: string, args: string[], log: (l: string) => void, timeoutMs: number): void {
    log(`$ ${cmd} ${args.join(" ")}`);
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: timeoutMs, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status ?? r.error?.message}):\n${(r.stderr ?? "").slice(-2000)}`);
}

export const DOCKERD_LOG = "/var/log/a4co-e2e-dockerd.log";

function startDockerd(log: (l: string) => void): void {
    log(`starting dockerd in the background (log: ${DOCKERD_LOG})`);
    const out = fs.openSync(DOCKERD_LOG, "a");
    const child = spawn("dockerd", [], { detached: true, stdio: ["ignore", out, out] });
    child.unref();
}

/** Makes sure a Docker engine answers; returns its server version. Throws with what to install when it cannot. */
export async function ensureEngine(log: (line: string) => void = console.log): Promise<string> {
    const decision = decideEngine(hostFacts());
    switch (decision.action) {
        case "fail":
            throw new Error(decision.reason);
        case "install-and-start":
            log("no Docker engine: installing Debian's docker.io and busybox-static (the images' sh and wget) as root on Debian/Ubuntu");
            run("apt-get", ["update"], log, 300_000);
            run("apt-get", ["install", "-y", "docker.io", "busybox-static"], log, 600_000);
            startDockerd(log);
            break;
        case "start-dockerd":
            startDockerd(log);
            break;
        case "use":
            break;
    }
    const deadline = Date.now() + 60_000;
    while (!engineAnswers()) {
        if (Date.now() > deadline) throw new Error(`dockerd did not answer within 60 s: see ${DOCKERD_LOG}`);
        await new Promise((r) => setTimeout(r, 1000));
    }
    const version = spawnSync("docker", ["info", "--format", "{{.ServerVersion}}"], { encoding: "utf8" }).stdout.trim();
    log(`Docker engine ${version} answers`);
    return version;
}
