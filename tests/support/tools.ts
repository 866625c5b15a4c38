/**
 * The real programs the tests run against the generated config files, built from their Go modules at the versions
 * pinned in config/versions.ts (the same pins the deployments use), and cached under .cache/tools.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { VERSIONS } from "../../config/versions";

export type ToolName = "nats-server" | "prometheus-nats-exporter" | "promtool" | "amtool";
export const TOOL_NAMES: readonly ToolName[] = ["nats-server", "prometheus-nats-exporter", "promtool", "amtool"];

export interface ToolSpec {
    readonly name: ToolName;
    /** Go module that holds the program. */
    readonly module: string;
    /** Module version, from config/versions.ts. */
    readonly version: string;
    /** Package path of the main package. */
    readonly pkg: string;
    /** The version the program reports, e.g. `3.14.0` for Prometheus module v0.314.0. */
    readonly reportedVersion: string;
    /** -ldflags -X settings that stamp the version where the program reads it from build variables. */
    readonly ldflags: readonly string[];
}

const PROMETHEUS_COMMON_VERSION = "github.com/prometheus/common/version";

export function toolSpec(name: ToolName): ToolSpec {
    switch (name) {
        case "nats-server": {
            const v = VERSIONS.nats;
            // The server's version is a constant in its source: nothing to stamp.
            return { name, module: v.goModule, version: v.goVersion, pkg: v.goModule, reportedVersion: v.goVersion.slice(1), ldflags: [] };
        }
        case "prometheus-nats-exporter": {
            const v = VERSIONS.natsExporter;
            return {
                name,
                module: v.goModule,
                version: v.goVersion,
                pkg: v.goModule,
                reportedVersion: v.goVersion.slice(1),
                // main.go prints `version`, which its release build stamps with -X main.version.
                ldflags: [`-X main.version=${v.goVersion.slice(1)}`],
            };
        }
        case "promtool": {
            const v = VERSIONS.prometheus;
            const reported = v.tag.slice(1);
            return {
                name,
                module: v.goModule,
                version: v.goVersion,
                pkg: `${v.goModule}/cmd/promtool`,
                reportedVersion: reported,
                ldflags: [`-X ${PROMETHEUS_COMMON_VERSION}.Version=${reported}`, `-X ${PROMETHEUS_COMMON_VERSION}.Branch=HEAD`],
            };
        }
        case "amtool": {
            const v = VERSIONS.alertmanager;
            const reported = v.tag.slice(1);
            return {
                name,
                module: v.goModule,
                version: v.goVersion,
                pkg: `${v.goModule}/cmd/amtool`,
                reportedVersion: reported,
                ldflags: [`-X ${PROMETHEUS_COMMON_VERSION}.Version=${reported}`, `-X ${PROMETHEUS_COMMON_VERSION}.Branch=HEAD`],
            };
        }
    }
}

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const CACHE = path.join(REPO_ROOT, ".cache");

/** Where a tool's binary lives once built. */
export function toolBinary(name: ToolName): string {
    const spec = toolSpec(name);
    return path.join(CACHE, "tools", name, spec.version, name);
}

/** Absolute path of a built tool; throws when the tool has not been built (jest's globalSetup builds them). */
export function toolPath(name: ToolName): string {
    const bin = toolBinary(name);
    if (!fs.existsSync(bin)) {
        throw new Error(`${name} is not built at ${bin}: run the tests through jest (its globalSetup builds the tools) or call ensureTools().`);
    }
    return bin;
}

export interface ToolRun {
    readonly status: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs a tool to completion (bounded by a timeout) and returns its exit status and output. */
export function runTool(name: ToolName, args: string[], opts: { input?: string; cwd?: string; timeoutMs?: number } = {}): ToolRun {
    const r: SpawnSyncReturns<string> = spawnSync(toolPath(name), args, {
        input: opts.input,
        cwd: opts.cwd,
        encoding: "utf8",
        timeout: opts.timeoutMs ?? 60_000,
    });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function goEnv(): NodeJS.ProcessEnv {
    return {
        ...process.env,
        GOPATH: path.join(CACHE, "go"),
        GOMODCACHE: path.join(CACHE, "go", "pkg", "mod"),
        GOCACHE: path.join(CACHE, "go", "build"),
        CGO_ENABLED: "0",
        GOFLAGS: "-mod=mod",
        // Use the machine's Go; never download another toolchain behind the user's back.
        GOTOOLCHAIN: "local",
    };
}

function go(args: string[], cwd: string): void {
    const r = spawnSync("go", args, { cwd, env: goEnv(), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    if (r.error) throw new Error(`go ${args.join(" ")}: ${r.error.message} (is Go installed? see README, Prerequisites)`);
    if (r.status !== 0) throw new Error(`go ${args.join(" ")} failed in ${cwd}:\n${r.stdout}\n${r.stderr}`);
}

/**
 * Builds one tool from a throwaway wrapper module that requires the pinned module version. `go install pkg@version`
 * refuses modules whose go.mod has replace/exclude directives (Prometheus, Alertmanager); the wrapper works for all.
 */
export function buildTool(name: ToolName): string {
    const spec = toolSpec(name);
    const bin = toolBinary(name);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `a4co-build-${name}-`));
    try {
        fs.writeFileSync(path.join(work, "go.mod"), "module a4co.local/toolbuild\n\ngo 1.26\n");
        // A blank import keeps `go mod tidy` from dropping the requirement; the build targets the package itself.
        fs.writeFileSync(path.join(work, "tools.go"), `//go:build tools\n\npackage tools\n\nimport _ "${spec.pkg}"\n`);
        go(["get", `${spec.pkg}@${spec.version}`], work);
        go(["mod", "tidy"], work);
        fs.mkdirSync(path.dirname(bin), { recursive: true });
        const tmpBin = `${bin}.partial`;
        go(["build", "-p", "2", "-trimpath", "-tags", "netgo", "-ldflags", `-s -w ${spec.ldflags.join(" ")}`, "-o", tmpBin, spec.pkg], work);
        fs.renameSync(tmpBin, bin);
        return bin;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** Builds every tool that is not cached yet; reports each build's duration through `log`. */
export function ensureTools(log: (line: string) => void = () => undefined): void {
    for (const name of TOOL_NAMES) {
        if (fs.existsSync(toolBinary(name))) continue;
        const spec = toolSpec(name);
        const started = Date.now();
        log(`building ${name} ${spec.version} from ${spec.module} ...`);
        buildTool(name);
        log(`built ${name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
}
