/**
 * Builds the programs of ./recipes.ts from their Go modules, once, into a cache outside the clone, so a fresh clone
 * (CI's) reuses what an earlier run built:
 *   ${XDG_CACHE_HOME:-~/.cache}/a4co-observability/tools/<tool>/<module version>-<go version>-<recipe>/<tool>
 * where <recipe> hashes everything else the binary depends on (package, ldflags, replaces, extra requirements, build
 * flags), so changing any of them builds again instead of reusing a stale binary.
 * Go's own module and build caches stay at their defaults and are shared with every other Go build on the machine.
 */
import { spawnSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import type { ToolSpec } from "./recipes";

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

/** The cache folder of one build, below `<tool>/`: module version, Go version, recipe. Pure. */
export function cacheKey(spec: ToolSpec, go: string): string {
    return `${spec.version}-${go}-${buildRecipe(spec)}`;
}

/** Where a tool's binary lives once built. */
export function toolBinary(spec: ToolSpec): string {
    return path.join(toolCacheRoot(), spec.name, cacheKey(spec, goVersion()), spec.name);
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
export function buildTool(spec: ToolSpec): string {
    const bin = toolBinary(spec);
    spec.prepare?.();
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

/** Builds every given tool that is not cached yet; reports each build's duration through `log`. */
export function ensureTools(log: (line: string) => void, tools: readonly ToolSpec[]): void {
    for (const spec of tools) {
        if (fs.existsSync(toolBinary(spec))) continue;
        const started = Date.now();
        log(`building ${spec.name} ${spec.version} from ${spec.module} with ${goVersion()} (cached under ${toolCacheRoot()}) ...`);
        buildTool(spec);
        log(`built ${spec.name} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
}
