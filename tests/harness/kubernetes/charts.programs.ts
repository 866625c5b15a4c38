/**
 * Where the k8s suite's chart archives come from (harness/kubernetes/charts.ts): an offline mirror named by A4CO_CHARTS_DIR,
 * else the chart cache, else a real `helm pull` from the chart's repository (here a repository served on 127.0.0.1),
 * and one message naming both ways when neither works. Helm is the pinned one, built like the suite's other programs.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { freePort, waitFor } from "../../../harness/live";
import { chartArchive, chartCacheDir, ChartSpec } from "../../../harness/kubernetes/charts";
import { ensureTools } from "../../../harness/tools/build";
import { TOOLS } from "../../../harness/tools/recipes";
import { toolPath } from "../../../harness/tools/run";

let helm: string;
beforeAll(() => {
    ensureTools((line) => process.stderr.write(`[tools] ${line}\n`), [TOOLS.helm]);
    // Resolved before the tests point XDG_CACHE_HOME elsewhere: the tool cache lives under it too.
    helm = toolPath("helm");
}, 600_000); // a cold build downloads Helm's modules first

let work: string;
const saved = { A4CO_CHARTS_DIR: process.env.A4CO_CHARTS_DIR, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-charts-test-"));
    process.env.XDG_CACHE_HOME = path.join(work, "xdg");
    delete process.env.A4CO_CHARTS_DIR;
});
afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
    fs.rmSync(work, { recursive: true, force: true });
});

function dir(name: string): string {
    const d = path.join(work, name);
    fs.mkdirSync(d, { recursive: true });
    return d;
}
const cacheListing = () => (fs.existsSync(chartCacheDir()) ? fs.readdirSync(chartCacheDir()) : []);
/** Nothing listens there: freePort closes its listener before returning. */
const unreachableRepo = async () => `http://127.0.0.1:${await freePort()}`;
/** A Helm binary that does not exist: a call that tried to pull would fail on it. */
const NO_HELM = { helm: "/nonexistent/helm-must-not-run" };

function helmIn(cwd: string, args: string[]): void {
    const home = path.join(work, "helm-home");
    const env = { ...process.env, HELM_CACHE_HOME: `${home}/cache`, HELM_CONFIG_HOME: `${home}/config`, HELM_DATA_HOME: `${home}/data` };
    const r = spawnSync(helm, args, { cwd, env, encoding: "utf8", timeout: 60_000 });
    if (r.status !== 0) throw new Error(`helm ${args.join(" ")} failed: ${r.error?.message ?? r.stderr}`);
}

/** A chart repository folder: a chart made by `helm create`, packaged at `version`, and its index.yaml. */
function chartRepository(name: string, version: string): { dir: string; archive: string } {
    const repo = dir("repo");
    helmIn(work, ["create", name]);
    helmIn(work, ["package", name, "--version", version, "--destination", repo]);
    // Without --url the index names the archive relatively, which Helm resolves against the repository URL.
    helmIn(repo, ["repo", "index", "."]);
    return { dir: repo, archive: path.join(repo, `${name}-${version}.tgz`) };
}

/** Serves a folder over HTTP on 127.0.0.1 from a child process (spawnSync in the test would block an in-process server). */
async function serve(folder: string): Promise<{ url: string; requests: () => string[]; stop: () => Promise<void> }> {
    const script = `
        const http = require("http"), fs = require("fs"), path = require("path");
        const server = http.createServer((req, res) => {
            console.log("GET " + req.url);
            fs.readFile(path.join(process.argv[1], path.basename(req.url)), (err, body) => {
                res.writeHead(err ? 404 : 200);
                res.end(err ? "" : body);
            });
        });
        server.listen(0, "127.0.0.1", () => console.log("port " + server.address().port));`;
    const child = spawn(process.execPath, ["-e", script, folder], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    const port = await new Promise<number>((resolve, reject) => {
        child.once("exit", (code) => reject(new Error(`chart repository server exited with ${code}`)));
        child.stdout.on("data", (d) => {
            out += String(d);
            const m = /^port (\d+)$/m.exec(out);
            if (m) resolve(Number(m[1]));
        });
    });
    return {
        url: `http://127.0.0.1:${port}`,
        requests: () => out.split("\n").filter((l) => l.startsWith("GET ")),
        stop: () =>
            new Promise<void>((resolve) => {
                child.removeAllListeners("exit");
                child.once("exit", () => resolve());
                child.kill();
            }),
    };
}

describe("chartArchive with A4CO_CHARTS_DIR (an offline mirror)", () => {
    const spec: ChartSpec = { chart: "nats", version: "2.14.2", repo: "http://127.0.0.1:9" };

    it("returns the mirror's archive, never looking at the repository", () => {
        const mirror = dir("mirror");
        fs.writeFileSync(path.join(mirror, "nats-2.14.2.tgz"), "mirror copy");
        process.env.A4CO_CHARTS_DIR = mirror;
        expect(chartArchive(spec, NO_HELM)).toBe(path.join(mirror, "nats-2.14.2.tgz"));
        expect(cacheListing()).toEqual([]);
    });

    it("fails naming the missing file and the variable, even when the chart cache holds the archive", () => {
        const mirror = dir("empty-mirror");
        fs.mkdirSync(chartCacheDir(), { recursive: true });
        fs.writeFileSync(path.join(chartCacheDir(), "nats-2.14.2.tgz"), "cached copy");
        process.env.A4CO_CHARTS_DIR = mirror;
        expect(() => chartArchive(spec, NO_HELM)).toThrow(
            `chart archive ${path.join(mirror, "nats-2.14.2.tgz")} is missing: A4CO_CHARTS_DIR is set to ${mirror}, which must hold nats-2.14.2.tgz`,
        );
    });
});

describe("chartArchive without A4CO_CHARTS_DIR (the chart cache, filled by helm pull)", () => {
    it("keeps the cache next to the tool cache, under XDG_CACHE_HOME when it is absolute and ~/.cache otherwise", () => {
        expect(chartCacheDir()).toBe(path.join(work, "xdg", "a4co-observability", "charts"));
        process.env.XDG_CACHE_HOME = "relative/cache";
        expect(chartCacheDir()).toBe(path.join(os.homedir(), ".cache", "a4co-observability", "charts"));
        process.env.A4CO_CHARTS_DIR = "";
        process.env.XDG_CACHE_HOME = path.join(work, "xdg");
        // An empty variable is no mirror: the cache answers.
        fs.mkdirSync(chartCacheDir(), { recursive: true });
        fs.writeFileSync(path.join(chartCacheDir(), "nats-2.14.2.tgz"), "cached copy");
        expect(chartArchive({ chart: "nats", version: "2.14.2", repo: "http://127.0.0.1:9" }, NO_HELM)).toBe(
            path.join(chartCacheDir(), "nats-2.14.2.tgz"),
        );
    });

    it("fails within seconds when the repository cannot be reached, naming both ways and Helm's error", async () => {
        const repo = await unreachableRepo();
        const started = Date.now();
        let message = "";
        try {
            chartArchive({ chart: "nats", version: "2.14.2", repo }, { helm });
        } catch (e) {
            message = (e as Error).message;
        }
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(message).toContain(`not in the chart cache (${path.join(chartCacheDir(), "nats-2.14.2.tgz")})`);
        expect(message).toContain("set A4CO_CHARTS_DIR to a folder holding nats-2.14.2.tgz (an offline mirror)");
        expect(message).toContain(`or let the suite pull nats 2.14.2 from ${repo} (needs network: `);
        expect(message).toMatch(/connection refused/);
        // No partial archive and no scratch folder left behind.
        expect(cacheListing()).toEqual([]);
    });

    it("pulls the pinned version from the repository once: the archive as served, then from the cache with the repository gone", async () => {
        const served = chartRepository("a4co-probe", "1.2.3");
        const server = await serve(served.dir);
        const spec: ChartSpec = { chart: "a4co-probe", version: "1.2.3", repo: server.url };
        let first: string;
        try {
            first = chartArchive(spec, { helm });
            // The server's log reaches this process once spawnSync lets the event loop run again.
            await waitFor(() => Promise.resolve(server.requests().length >= 2 ? true : undefined), 5_000, 50);
            expect(server.requests()).toEqual(["GET /index.yaml", "GET /a4co-probe-1.2.3.tgz"]);
        } finally {
            await server.stop();
        }
        expect(first).toBe(path.join(chartCacheDir(), "a4co-probe-1.2.3.tgz"));
        expect(fs.readFileSync(first).equals(fs.readFileSync(served.archive))).toBe(true);
        expect(cacheListing()).toEqual(["a4co-probe-1.2.3.tgz"]);
        // The server is stopped: a second pull would fail with connection refused.
        expect(chartArchive(spec, { helm })).toBe(first);
    });

    it("refuses a repository that does not have the pinned version, with Helm's error, caching nothing", async () => {
        const served = chartRepository("a4co-probe", "1.2.3");
        const server = await serve(served.dir);
        try {
            expect(() => chartArchive({ chart: "a4co-probe", version: "1.2.4", repo: server.url }, { helm })).toThrow(
                /or let the suite pull a4co-probe 1\.2\.4 from http:\/\/127\.0\.0\.1:\d+ \(needs network: .*a4co-probe.*1\.2\.4.*not found/,
            );
        } finally {
            await server.stop();
        }
        expect(cacheListing()).toEqual([]);
    });
});
