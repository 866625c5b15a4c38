/**
 * The real programs the tests run, built from their Go modules at the versions pinned in config/versions.ts (the
 * same pins the deployments use).
 *
 * Builds are cached outside the clone, so a fresh clone (CI's) reuses what an earlier run built:
 *   ${XDG_CACHE_HOME:-~/.cache}/a4co-observability/tools/<tool>/<module version>-<go version>-<recipe>/<tool>
 * where <recipe> hashes everything else the binary depends on (package, ldflags, replaces, extra requirements, build
 * flags), so changing any of them builds again instead of reusing a stale binary.
 * Go's own module and build caches stay at their defaults and are shared with every other Go build on the machine.
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { PULUMI_CLI, VERSIONS } from "../../config/versions";

export type ToolName = "nats-server" | "prometheus-nats-exporter" | "promtool" | "amtool" | "pulumi";

/** The programs jest's globalSetup builds for the unit tests; the live suites build theirs on demand. */
export const TOOL_NAMES: readonly ToolName[] = ["nats-server", "prometheus-nats-exporter", "promtool", "amtool"];

export interface ToolSpec {
    /** Binary name, also the cache folder. */
    readonly name: string;
    /** Go module that holds the program. */
    readonly module: string;
    /** Module version, from config/versions.ts. */
    readonly version: string;
    /** Package path of the main package. */
    readonly pkg: string;
    /** The version the program reports, e.g. `3.14.0` for Prometheus module v0.314.0. */
    readonly reportedVersion: string;
    /** The flag that makes the program print its version. */
    readonly versionArgs: readonly string[];
    /** -ldflags -X settings that stamp the version where the program reads it from build variables. */
    readonly ldflags: readonly string[];
    /**
     * `replace` directives the wrapper module must carry: Go applies only the main module's replaces, so a module
     * whose own go.mod replaces dependencies builds only when the wrapper repeats them.
     */
    readonly replaces: readonly string[];
    /** Further modules pinned alongside (e.g. the Pulumi SDK at the CLI's version). */
    readonly alsoRequire: readonly string[];
}

const PROMETHEUS_COMMON_VERSION = "github.com/prometheus/common/version";
const stampPrometheus = (reported: string) => [`-X ${PROMETHEUS_COMMON_VERSION}.Version=${reported}`, `-X ${PROMETHEUS_COMMON_VERSION}.Branch=HEAD`];

export function toolSpec(name: ToolName): ToolSpec {
    const none = { replaces: [], alsoRequire: [] };
    switch (name) {
        case "nats-server": {
            const v = VERSIONS.nats;
            // The server's version is a constant in its source: nothing to stamp.
            return {
                name,
                module: v.goModule,
                version: v.goVersion,
                pkg: v.goModule,
                reportedVersion: v.goVersion.slice(1),
                versionArgs: ["--version"],
                ldflags: [],
                ...none,
            };
        }
        case "prometheus-nats-exporter": {
            const v = VERSIONS.natsExporter;
            // main.go prints `version`, which its release build stamps with -X main.version.
            const reported = v.goVersion.slice(1);
            return {
                name,
                module: v.goModule,
                version: v.goVersion,
                pkg: v.goModule,
                reportedVersion: reported,
                versionArgs: ["-version"],
                ldflags: [`-X main.version=${reported}`],
                ...none,
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
                versionArgs: ["--version"],
                ldflags: stampPrometheus(reported),
                ...none,
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
                versionArgs: ["--version"],
                ldflags: stampPrometheus(reported),
                ...none,
            };
        }
        case "pulumi": {
            const v = PULUMI_CLI;
            return {
                name,
                module: v.goModule,
                version: v.goVersion,
                pkg: `${v.goModule}/cmd/pulumi`,
                reportedVersion: v.goVersion.slice(1),
                versionArgs: ["version"],
                ldflags: [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${v.goVersion}`],
                // pkg/go.mod replaces sdk/v3 with ../sdk (the published sdk at the same version stands in for it) and
                // atotto/clipboard with a fork; the fork must be repeated here.
                replaces: ["github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"],
                alsoRequire: [`github.com/pulumi/pulumi/sdk/v3@${v.goVersion}`],
            };
        }
    }
}

/** Root of the build cache: outside the clone, so fresh clones reuse it. */
export function toolCacheRoot(): string {
    const base =
        process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME) ? process.env.XDG_CACHE_HOME : path.join(os.homedir(), ".cache");
    return path.join(base, "a4co-observability", "tools");
}

let goVersionCache: string | undefined;
/** The machine's Go version (e.g. `go1.26.8`), part of every cache key. */
export function goVersion(): string {
    if (goVersionCache === undefined) {
        const r = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8", env: goEnv() });
        if (r.error || r.status !== 0)
            throw new Error(`go env GOVERSION failed: ${r.error?.message ?? r.stderr} (is Go installed? see README, Prerequisites)`);
        goVersionCache = r.stdout.trim();
    }
    return goVersionCache;
}

const specOf = (tool: ToolName | ToolSpec): ToolSpec => (typeof tool === "string" ? toolSpec(tool) : tool);

/** `go build` flags besides the spec's own ldflags: static, reproducible, stripped. */
const BUILD_FLAGS = ["-trimpath", "-tags", "netgo"] as const;
const BASE_LDFLAGS = "-s -w";

/** A short hash of everything besides module version and Go version that decides what the build produces. Pure. */
export function buildRecipe(spec: ToolSpec): string {
    const recipe = {
        module: spec.module,
        pkg: spec.pkg,
        ldflags: [BASE_LDFLAGS, ...spec.ldflags],
        replaces: spec.replaces,
        alsoRequire: spec.alsoRequire,
        buildFlags: BUILD_FLAGS,
        cgo: false,
    };
    return createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 10);
}

/** Where a tool's binary lives once built. Suites with programs of their own pass their ToolSpec. */
export function toolBinary(tool: ToolName | ToolSpec): string {
    const spec = specOf(tool);
    return path.join(toolCacheRoot(), spec.name, `${spec.version}-${goVersion()}-${buildRecipe(spec)}`, spec.name);
}

/** Absolute path of a built tool; throws when the tool has not been built (jest's globalSetup builds them). */
export function toolPath(tool: ToolName | ToolSpec): string {
    const bin = toolBinary(tool);
    if (!fs.existsSync(bin)) {
        throw new Error(
            `${specOf(tool).name} is not built at ${bin}: run the tests through jest (its globalSetup builds the tools) or call ensureTools().`,
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
    name: ToolName | ToolSpec,
    args: string[],
    opts: { input?: string; cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): ToolRun {
    const r: SpawnSyncReturns<string> = spawnSync(toolPath(name), args, {
        input: opts.input,
        cwd: opts.cwd,
        env: opts.env,
        encoding: "utf8",
        timeout: opts.timeoutMs ?? 60_000,
    });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function goEnv(): NodeJS.ProcessEnv {
    return {
        ...process.env,
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

/** The wrapper module's go.mod: `go install pkg@version` refuses modules with replace directives; a wrapper works for all. */
export function wrapperGoMod(spec: ToolSpec): string {
    const replaces = spec.replaces.map((r) => `replace ${r}\n`).join("");
    return `module a4co.local/toolbuild\n\ngo 1.26\n${replaces ? `\n${replaces}` : ""}`;
}

/** Builds one tool from a throwaway wrapper module that requires the pinned module version. */
export function buildTool(tool: ToolName | ToolSpec): string {
    const spec = specOf(tool);
    const bin = toolBinary(spec);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), `a4co-build-${spec.name}-`));
    try {
        fs.writeFileSync(path.join(work, "go.mod"), wrapperGoMod(spec));
        // A blank import keeps `go mod tidy` from dropping the requirement; the build targets the package itself.
        fs.writeFileSync(path.join(work, "tools.go"), `//go:build tools\n\npackage tools\n\nimport _ "${spec.pkg}"\n`);
        go(["get", `${spec.pkg}@${spec.version}`, ...spec.alsoRequire], work);
        go(["mod", "tidy"], work);
        fs.mkdirSync(path.dirname(bin), { recursive: true });
        const tmpBin = `${bin}.partial-${process.pid}`;
        go(["build", "-p", "2", ...BUILD_FLAGS, "-ldflags", [BASE_LDFLAGS, ...spec.ldflags].join(" "), "-o", tmpBin, spec.pkg], work);
        fs.renameSync(tmpBin, bin);
        return bin;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** Builds every named tool that is not cached yet; reports each build's duration through `log`. */
export function ensureTools(log: (line: string) => void = () => undefined, tools: readonly (ToolName | ToolSpec)[] = TOOL_NAMES): void {
    for (const tool of tools) {
        const spec = specOf(tool);
        if (fs.existsSync(toolBinary(spec))) continue;
        const started = Date.now();
        log(`building ${spec.name} ${spec.version} from ${spec.module} with ${goVersion()} (cached under ${toolCacheRoot()}) ...`);
        buildTool(spec);
        log(`built ${spec.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
}
