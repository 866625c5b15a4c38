/**
 * The server programs the e2e suite runs in containers, as ToolSpecs for tests/support/tools.ts (which builds them
 * from their Go modules at the pins of config/versions.ts, static, into the shared tool cache).
 *
 * The CLIs the unit tests use (nats-server, prometheus-nats-exporter, promtool, amtool) are specified in tools.ts;
 * only the programs the unit tests never needed live here.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { toolCacheRoot, toolSpec, ToolSpec } from "../support/tools";
import { VERSIONS } from "../../config/versions";

const PROMETHEUS_COMMON_VERSION = "github.com/prometheus/common/version";
/** Same -X stamps as promtool/amtool in tools.ts: `--version` and the build_info metric show the release. */
const stampPrometheus = (reported: string): string[] => [
    `-X ${PROMETHEUS_COMMON_VERSION}.Version=${reported}`,
    `-X ${PROMETHEUS_COMMON_VERSION}.Branch=HEAD`,
];

const none = { replaces: [] as string[], alsoRequire: [] as string[] };

/** Prometheus server (`cmd/prometheus`), module v0.314.0 = release v3.14.0. */
export function prometheusServerSpec(): ToolSpec {
    const v = VERSIONS.prometheus;
    const reported = v.tag.slice(1);
    return {
        name: "prometheus",
        module: v.goModule,
        version: v.goVersion,
        pkg: `${v.goModule}/cmd/prometheus`,
        reportedVersion: reported,
        versionArgs: ["--version"],
        ldflags: stampPrometheus(reported),
        ...none,
    };
}

/**
 * The published Alertmanager module does not build `cmd/alertmanager`: ui/web.go embeds `app/dist`, the web UI that
 * its release build generates with npm and that is not part of the module (`pattern app/dist: no matching files
 * found`). The wrapper replaces the module with a copy of it (from the Go module cache, same version) whose
 * ui/app/dist holds one page saying so; the API (v2) and everything the stack uses are untouched.
 */
export function alertmanagerSourceWithoutUi(version: string, cacheRoot: string): string {
    const v = VERSIONS.alertmanager;
    const dir = path.join(path.dirname(cacheRoot), "src", `alertmanager-${version}-no-ui`);
    const marker = path.join(dir, "ui", "app", "dist", "index.html");
    if (fs.existsSync(marker)) return dir;
    const r = spawnSync("go", ["mod", "download", "-json", `${v.goModule}@${version}`], {
        encoding: "utf8",
        env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
        cwd: os.tmpdir(),
    });
    if (r.status !== 0) throw new Error(`go mod download ${v.goModule}@${version} failed: ${r.stderr}`);
    const src = (JSON.parse(r.stdout) as { Dir: string }).Dir;
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    fs.cpSync(src, dir, { recursive: true });
    spawnSync("chmod", ["-R", "u+w", dir]);
    fs.mkdirSync(path.dirname(marker), { recursive: true });
    fs.writeFileSync(
        marker,
        "<!doctype html><title>Alertmanager</title><p>Built from the Go module without the web UI (its assets are not part of the module); the API is at /api/v2.</p>\n",
    );
    return dir;
}

/** Alertmanager server (`cmd/alertmanager`), from the module copy with a placeholder UI (see above). */
export function alertmanagerServerSpec(): ToolSpec {
    const v = VERSIONS.alertmanager;
    const reported = v.tag.slice(1);
    const source = alertmanagerSourceWithoutUi(v.goVersion, toolCacheRoot());
    return {
        name: "alertmanager",
        module: v.goModule,
        version: v.goVersion,
        pkg: `${v.goModule}/cmd/alertmanager`,
        reportedVersion: reported,
        versionArgs: ["--version"],
        ldflags: stampPrometheus(reported),
        replaces: [`${v.goModule} => ${source}`],
        alsoRequire: [],
    };
}

/** Every program the e2e suite may build into a local image, in build order (smallest first). */
export function e2eProgramSpecs(): ToolSpec[] {
    return [toolSpec("nats-server"), toolSpec("prometheus-nats-exporter"), alertmanagerServerSpec(), prometheusServerSpec()];
}
