/**
 * Where the k8s suite gets the pinned chart archives (CHARTS in config/versions.ts, each with its repository):
 *   1. A4CO_CHARTS_DIR set: an offline mirror, which must hold `<chart>-<version>.tgz`;
 *   2. otherwise the chart cache next to the tool cache, ${XDG_CACHE_HOME:-~/.cache}/a4co-observability/charts,
 *      filled once per archive by `helm pull` from the chart's repository.
 * A mirror never falls back to pulling: a set variable that misses a chart is a broken mirror, not a reason to go online.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { toolCacheRoot } from "../tools/build";
import { toolPath } from "../tools/run";

/** A pinned chart as CHARTS declares it. */
export interface ChartSpec {
    readonly chart: string;
    readonly version: string;
    readonly repo: string;
}

export const CHARTS_DIR_VARIABLE = "A4CO_CHARTS_DIR";

/** How long one `helm pull` may take: a few MB over a slow link. */
const PULL_TIMEOUT_MS = 5 * 60_000;

export const chartFileName = (chart: ChartSpec) => `${chart.chart}-${chart.version}.tgz`;

/** The chart cache: a sibling of the tool cache, so it follows the same XDG_CACHE_HOME rule. */
export const chartCacheDir = () => path.join(path.dirname(toolCacheRoot()), "charts");

/** The offline mirror named by A4CO_CHARTS_DIR (absolute), or undefined when the variable is unset or empty. */
export function chartsMirror(): string | undefined {
    const dir = process.env[CHARTS_DIR_VARIABLE];
    return dir ? path.resolve(dir) : undefined;
}

/** Where chartArchive takes the charts from, in words, for logs. */
export const chartSourceDescription = () => {
    const mirror = chartsMirror();
    return mirror
        ? `the offline mirror ${mirror} (${CHARTS_DIR_VARIABLE})`
        : `their repositories, pulled once into ${chartCacheDir()} (set ${CHARTS_DIR_VARIABLE} to use an offline mirror)`;
};

/**
 * The archive of a pinned chart: from the mirror, from the cache, or pulled into the cache. Throws one message naming
 * both ways to get it when it can't. `helm` is the Helm binary to pull with (default: the built one).
 */
export function chartArchive(chart: ChartSpec, opts: { helm?: string } = {}): string {
    const file = chartFileName(chart);
    const mirror = chartsMirror();
    if (mirror !== undefined) {
        const archive = path.join(mirror, file);
        if (!fs.existsSync(archive))
            throw new Error(
                `chart archive ${archive} is missing: ${CHARTS_DIR_VARIABLE} is set to ${mirror}, which must hold ${file}; ` +
                    `put it there, or unset ${CHARTS_DIR_VARIABLE} to let the suite pull ${chart.chart} ${chart.version} from ${chart.repo}`,
            );
        return archive;
    }
    const cached = path.join(chartCacheDir(), file);
    if (fs.existsSync(cached)) return cached;
    const pulled = pullChart(chart, opts.helm ?? toolPath("helm"));
    if (typeof pulled !== "string")
        throw new Error(
            `chart ${chart.chart} ${chart.version} is not in the chart cache (${cached}) and could not be pulled: ` +
                `set ${CHARTS_DIR_VARIABLE} to a folder holding ${file} (an offline mirror), ` +
                `or let the suite pull ${chart.chart} ${chart.version} from ${chart.repo} (needs network: ${pulled.error})`,
        );
    return pulled;
}

/**
 * `helm pull` into a scratch folder inside the cache (same file system), then one rename into place, so a pull that
 * dies halfway or a concurrent pull never leaves a partial archive under the final name. Returns the cached path, or
 * Helm's error.
 */
function pullChart(chart: ChartSpec, helm: string): string | { error: string } {
    const cacheDir = chartCacheDir();
    fs.mkdirSync(cacheDir, { recursive: true });
    const scratch = fs.mkdtempSync(path.join(cacheDir, ".pull-"));
    // Helm's own state (repository index cache, config) in a temp dir: nothing in the user's home.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-helm-pull-"));
    try {
        const env = {
            ...process.env,
            HELM_CACHE_HOME: path.join(home, "cache"),
            HELM_CONFIG_HOME: path.join(home, "config"),
            HELM_DATA_HOME: path.join(home, "data"),
        };
        const args = ["pull", "--repo", chart.repo, chart.chart, "--version", chart.version, "--destination", scratch];
        const r = spawnSync(helm, args, { env, encoding: "utf8", timeout: PULL_TIMEOUT_MS });
        if (r.error) return { error: `helm ${args.join(" ")}: ${r.error.message}` };
        // Helm prefixes its message with "Error: ", which reads oddly inside ours.
        if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().replace(/^Error: /, "") || `helm pull exited with ${r.status}` };
        const downloaded = path.join(scratch, chartFileName(chart));
        if (!fs.existsSync(downloaded))
            return { error: `helm pull succeeded but left ${fs.readdirSync(scratch).join(", ") || "nothing"} instead of ${chartFileName(chart)}` };
        const cached = path.join(cacheDir, chartFileName(chart));
        fs.renameSync(downloaded, cached);
        return cached;
    } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
        fs.rmSync(home, { recursive: true, force: true });
    }
}
