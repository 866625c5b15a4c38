/**
 * Builds the local e2e images (see images.ts for what each reproduces): the programs from their Go modules (one Go
 * build at a time), then `docker build` from a throwaway context holding the static binaries. Idempotent: an image
 * whose tag exists with the labels of the same binaries and recipe is kept.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { ensureTools } from "../tools/build";
import { toolPath } from "../tools/run";
import { BINARY_SHA_LABEL, E2E_LABEL, E2eImage, e2eImages, imageIsCurrent, RECIPE_SHA_LABEL, sha256 } from "./images";
import { contextFiles, contextName, dockerfileFor } from "./dockerfiles";

export interface ImageResult {
    readonly localRef: string;
    readonly officialRef: string;
    readonly action: "built" | "kept";
    readonly seconds: number;
}

function docker(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): { status: number | null; stdout: string; stderr: string } {
    // The legacy builder: present in every engine; the images need nothing BuildKit adds.
    const r = spawnSync("docker", args, {
        encoding: "utf8",
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 600_000,
        env: { ...process.env, DOCKER_BUILDKIT: "0" },
        maxBuffer: 64 << 20,
    });
    if (r.error) throw new Error(`docker ${args.join(" ")}: ${r.error.message}`);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function imageLabels(ref: string): Record<string, string> | undefined {
    const r = docker(["image", "inspect", "--format", "{{json .Config.Labels}}", ref]);
    if (r.status !== 0) return undefined;
    return (JSON.parse(r.stdout.trim()) as Record<string, string> | null) ?? {};
}

/** A file of a module at a version, from the Go module cache. */
function moduleFile(module: string, version: string, file: string): Buffer {
    // `go mod download` fetches the module once and prints where the module cache holds it.
    const r = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], {
        encoding: "utf8",
        env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
        cwd: os.tmpdir(),
    });
    if (r.status !== 0) throw new Error(`go mod download ${module}@${version} failed: ${r.stderr}${r.stdout}`);
    const dir = (JSON.parse(r.stdout) as { Dir: string }).Dir;
    return fs.readFileSync(path.join(dir, file));
}

/** Builds (or keeps) one image; returns what it did. */
export function ensureImage(image: E2eImage, log: (line: string) => void): ImageResult {
    const started = Date.now();
    ensureTools(
        log,
        image.programs.map((p) => p.spec),
    );
    const binaries = image.programs.map((p) => ({ ...p, file: toolPath(p.spec) }));
    const binarySha = sha256(binaries.map((b) => `${b.path}=${sha256(fs.readFileSync(b.file))}`).join("\n"));
    const dockerfile = dockerfileFor(image);
    const files = contextFiles(image);
    const recipeSha = sha256(dockerfile + JSON.stringify(files.map((f) => ({ ...f, host: f.fromHost && sha256(fs.readFileSync(f.fromHost)) }))));
    if (imageIsCurrent(imageLabels(image.localRef), binarySha, recipeSha)) {
        log(`  ${image.localRef}: up to date (same binaries and recipe), kept`);
        return { localRef: image.localRef, officialRef: image.officialRef, action: "kept", seconds: (Date.now() - started) / 1000 };
    }
    const ctx = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-e2e-image-"));
    try {
        for (const b of binaries) fs.copyFileSync(b.file, path.join(ctx, contextName(b.path)));
        for (const f of files) {
            const target = path.join(ctx, f.path);
            if (f.content !== undefined) fs.writeFileSync(target, f.content);
            else if (f.fromHost) fs.copyFileSync(f.fromHost, target);
            else if (f.fromModule) fs.writeFileSync(target, moduleFile(f.fromModule.module, f.fromModule.version, f.fromModule.file));
            fs.chmodSync(target, f.mode ?? 0o644);
        }
        for (const b of binaries) fs.chmodSync(path.join(ctx, contextName(b.path)), 0o755);
        fs.writeFileSync(path.join(ctx, "Dockerfile"), dockerfile);
        log(`  ${image.localRef}: docker build (stands in for ${image.officialRef}) ...`);
        const r = docker([
            "build",
            "-q",
            "-t",
            image.localRef,
            "--label",
            `${BINARY_SHA_LABEL}=${binarySha}`,
            "--label",
            `${RECIPE_SHA_LABEL}=${recipeSha}`,
            "--label",
            `${E2E_LABEL}=image`,
            ctx,
        ]);
        if (r.status !== 0) throw new Error(`docker build of ${image.localRef} failed:\n${r.stdout}\n${r.stderr}\nDockerfile:\n${dockerfile}`);
    } finally {
        fs.rmSync(ctx, { recursive: true, force: true });
    }
    const seconds = (Date.now() - started) / 1000;
    log(`  ${image.localRef}: built in ${seconds.toFixed(1)} s`);
    return { localRef: image.localRef, officialRef: image.officialRef, action: "built", seconds };
}

/** The images copy the host's /bin/busybox into scratch: it must be the static build (Debian's busybox-static). */
export function checkStaticBusybox(file = "/bin/busybox"): void {
    const fix = "install Debian's busybox-static (apt-get install busybox-static), which replaces the dynamic busybox";
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: ${fix}`);
    const ldd = spawnSync("ldd", [file], { encoding: "utf8" });
    if (ldd.status === 0 && !/not a dynamic executable|statically linked/.test(ldd.stdout + ldd.stderr)) {
        throw new Error(`${file} is dynamically linked and cannot run in a scratch image: ${fix}`);
    }
}

/** Builds every e2e image that is missing or stale, one after another. */
export function ensureImages(log: (line: string) => void = console.log, images: readonly E2eImage[] = e2eImages()): ImageResult[] {
    checkStaticBusybox();
    return images.map((image, i) => {
        log(`[${i + 1}/${images.length}] ${image.officialRef} -> ${image.localRef}`);
        return ensureImage(image, log);
    });
}
