/**
 * The published Alertmanager module does not build `cmd/alertmanager`: ui/web.go embeds `app/dist`, the web UI that
 * its release build generates with npm and that is not part of the module (`pattern app/dist: no matching files
 * found`). The recipe (./recipes.ts) replaces the module with a copy of it (from the Go module cache, same version)
 * whose ui/app/dist holds one page saying so; the API (v2) and everything the stack uses are untouched.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { toolCacheRoot } from "./build";

/** Where the copy lives: beside the tool cache, so its path (part of the recipe's replace) is stable. Pure. */
export function alertmanagerSourceWithoutUi(version: string): string {
    return path.join(path.dirname(toolCacheRoot()), "src", `alertmanager-${version}-no-ui`);
}

/** Makes the copy, once: `go mod download` of the module, copied, with a placeholder page as its UI. */
export function prepareAlertmanagerSourceWithoutUi(module: string, version: string): void {
    const dir = alertmanagerSourceWithoutUi(version);
    const marker = path.join(dir, "ui", "app", "dist", "index.html");
    if (fs.existsSync(marker)) return;
    const r = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], {
        encoding: "utf8",
        env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
        cwd: os.tmpdir(),
    });
    if (r.status !== 0) throw new Error(`go mod download ${module}@${version} failed: ${r.stderr}`);
    const src = (JSON.parse(r.stdout) as { Dir: string }).Dir;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.cpSync(src, dir, { recursive: true });
    // The module cache is read-only; the copy must take the placeholder page.
    spawnSync("chmod", ["-R", "u+w", dir]);
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(
        marker,
        "<!doctype html><title>Alertmanager</title><p>Built from the Go module without the web UI (its assets are not part of the module); the API is at /api/v2.</p>\n",
    );
}
