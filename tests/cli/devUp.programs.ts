/**
 * `npm run dev:up` (scripts/dev-up.sh) run with the real Pulumi CLI in a scratch clone, as far as the CLI can go:
 * Pulumi's Node.js language host cannot be built here, so `pulumi up` stops where it would start the program. What
 * the script does before that, and what it leaves in the clone, is real.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { parse, parseDocument } from "yaml";

import { CONFIG_DEFAULTS } from "../../config/defaults";
import { freePort, holdPort } from "../../harness/live";
import { REPO_ROOT } from "../support/stackConfig";
import { toolPath } from "../../harness/tools/run";
import { LANGUAGE_HOST_MISSING, ScratchProject } from "./scratchProject";

/** What a clone holds that dev-up.sh reads (the program's sources too: its checks load the program's config code). */
const CLONE_FILES = [
    ".gitignore",
    "Pulumi.yaml",
    "Pulumi.dev.yaml",
    "Pulumi.prod.yaml",
    "scripts",
    "components",
    "config",
    "monitoring",
    "render",
    "platforms",
    "index.ts",
];
const CLONE_FILES_WITH_DEPS = [...CLONE_FILES, "package.json", "package-lock.json", "tsconfig.json"];
/** The test harness's own files in the scratch clone, which `git status` must not count. */
const HARNESS_FILES = ["node_modules", "fake-docker-bin/"];

interface Clone {
    readonly project: ScratchProject;
    readonly stateDir: string;
}

/**
 * A fresh clone: the project files committed, the installed dependencies linked in, nothing of a previous run. Its
 * ports are free ones (the stack's defaults may be in use on a developer's machine), as a user would set them.
 */
async function freshClone(): Promise<Clone> {
    const project = new ScratchProject(CLONE_FILES_WITH_DEPS);
    const stackFile = path.join(project.dir, "Pulumi.dev.yaml");
    const doc = parseDocument(fs.readFileSync(stackFile, "utf8"));
    const ports: Record<string, number> = {};
    // Distinct: the kernel may hand out a just-closed port again, and the stack refuses two services on one port.
    for (const field of Object.keys(CONFIG_DEFAULTS.ports)) {
        let port = await freePort();
        while (Object.values(ports).includes(port)) port = await freePort();
        ports[field] = port;
    }
    doc.setIn(["config", "a4co-observability:ports"], ports);
    fs.writeFileSync(stackFile, doc.toString());
    // The installed dependencies, linked in package by package into a folder of the clone's own: were ensure-deps.sh
    // ever to `npm ci` there, it would remove the links, never the repository's node_modules (a link to the whole
    // folder let one such run wipe the tree the suite itself runs from). The install marker is a copy written after
    // the lock, so the clone counts as installed.
    const modules = path.join(project.dir, "node_modules");
    fs.mkdirSync(modules);
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, "node_modules"))) {
        if (entry !== ".package-lock.json") fs.symlinkSync(path.join(REPO_ROOT, "node_modules", entry), path.join(modules, entry));
    }
    fs.copyFileSync(path.join(REPO_ROOT, "node_modules", ".package-lock.json"), path.join(modules, ".package-lock.json"));
    const later = new Date(fs.statSync(path.join(project.dir, "package-lock.json")).mtimeMs + 1000);
    fs.utimesSync(path.join(modules, ".package-lock.json"), later, later);
    project.commitAll(HARNESS_FILES);
    return { project, stateDir: path.join(project.dir, ".pulumi-local") };
}

/**
 * The engine-detection branches need engines this machine is not (rootless, no swap accounting), and a run must not
 * depend on a Docker engine being there: a stand-in `docker` first on PATH answers the questions the script asks,
 * the rest is the real CLI.
 */
function fakeEngine(clone: Clone, opts: { rootless: boolean; swapLimit: boolean; ps?: string }): NodeJS.ProcessEnv {
    const bin = path.join(clone.project.dir, "fake-docker-bin");
    fs.mkdirSync(bin, { recursive: true });
    // The real CLI behind a wrapper that records every command the script gives it, one line each.
    fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$*" >>"${cliLog(clone)}"\nexec "${toolPath("pulumi")}" "$@"\n`, { mode: 0o755 });
    const security = opts.rootless ? '["name=seccomp,profile=default","name=rootless"]' : '["name=seccomp,profile=default"]';
    fs.writeFileSync(
        path.join(bin, "docker"),
        [
            "#!/bin/sh",
            'case "$*" in',
            '  "context inspect"*) echo "unix:///run/user/1000/docker.sock" ;;',
            `  *SecurityOptions*) echo '${security}' ;;`,
            `  *SwapLimit*) echo ${opts.swapLimit} ;;`,
            "  info) exit 0 ;;",
            `  ps*) printf '%s' '${opts.ps ?? ""}' ;;`,
            '  *) echo "fake docker: unexpected $*" >&2; exit 3 ;;',
            "esac",
            "",
        ].join("\n"),
        { mode: 0o755 },
    );
    return { ...clone.project.env, PATH: `${bin}${path.delimiter}${clone.project.env.PATH}`, A4CO_STATE_DIR: clone.stateDir, DOCKER_HOST: "" };
}

const cliLog = (clone: Clone) => path.join(clone.project.dir, "fake-docker-bin", "pulumi-commands.log");
/** The commands dev-up.sh gave the CLI, through the fake engine's recording wrapper. */
const cliCommands = (clone: Clone): string[] => (fs.existsSync(cliLog(clone)) ? fs.readFileSync(cliLog(clone), "utf8").trim().split("\n") : []);

function devUp(clone: Clone, env: NodeJS.ProcessEnv, args: string[] = ["--yes"]): { status: number | null; output: string } {
    const r = spawnSync("bash", [path.join(clone.project.dir, "scripts", "dev-up.sh"), ...args], {
        cwd: clone.project.dir,
        env,
        encoding: "utf8",
        timeout: 180_000,
    });
    return { status: r.status, output: r.stdout + r.stderr };
}

const readYaml = (file: string) => parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown>; encryptionsalt?: string };
/** The stack file the CLI was handed: the working copy under the state dir. */
const workingCopy = (clone: Clone) => readYaml(path.join(clone.stateDir, "Pulumi.dev.yaml"));
const engineFacts = (clone: Clone) => workingCopy(clone).config["a4co-observability:docker"];

describe("npm run dev:up (scripts/dev-up.sh), run as far as the CLI can go", () => {
    let clone: Clone;
    let second: Clone | undefined;
    beforeEach(async () => {
        clone = await freshClone();
    });
    afterEach(() => {
        clone.project.remove();
        second?.project.remove();
        second = undefined;
    });

    it("logs in to a local backend, creates the dev stack with a generated passphrase and reaches `pulumi up`", () => {
        const env = { ...clone.project.env, A4CO_STATE_DIR: clone.stateDir, DOCKER_HOST: process.env.DOCKER_HOST ?? "" };
        const dockerReachable = spawnSync("docker", ["info"], { env, encoding: "utf8" }).status === 0;
        const r = devUp(clone, env);
        if (!dockerReachable) {
            // Without an engine the script must stop before Pulumi with a message that says what to do.
            expect(r.output).toContain("the Docker engine is not reachable");
            expect(r.status).not.toBe(0);
            process.stdout.write("dev-up.sh: no Docker engine here, so only its engine check ran (partial)\n");
            return;
        }
        expect(r.output).toContain("dev-up: Docker engine at unix://");
        expect(r.output).not.toMatch(/validating stack config|missing configuration value|must be of type/);
        expect(r.output).toContain(LANGUAGE_HOST_MISSING);
        expect(r.status).not.toBe(0);
        const passphrase = fs.readFileSync(path.join(clone.stateDir, "passphrase"), "utf8");
        expect(passphrase).toMatch(/^[A-Za-z0-9_-]{32}$/);
        expect(fs.statSync(path.join(clone.stateDir, "passphrase")).mode & 0o077).toBe(0);
        expect(fs.readdirSync(path.join(clone.stateDir, "state", ".pulumi", "stacks", "a4co-observability"))).toContain("dev.json");
        expect(clone.project.gitStatus()).toBe("");
        process.stdout.write("dev-up.sh: reached `pulumi up`; partial check: the Node.js language host cannot run here\n");
    });

    it("tells an unreachable engine apart, naming the endpoint it tried", () => {
        const r = devUp(clone, { ...clone.project.env, A4CO_STATE_DIR: clone.stateDir, DOCKER_HOST: `unix://${clone.project.dir}/no-such.sock` }, []);
        expect(r.status).not.toBe(0);
        expect(r.output).toContain(`the Docker engine is not reachable at unix://${clone.project.dir}/no-such.sock`);
    });

    it("leaves the clone as it found it: the stack's salt goes to .pulumi-local, never into the tracked Pulumi.dev.yaml", () => {
        const tracked = fs.readFileSync(path.join(clone.project.dir, "Pulumi.dev.yaml"));
        const env = fakeEngine(clone, { rootless: false, swapLimit: true });
        for (const run of ["creates the stack", "runs again on it"]) {
            const r = devUp(clone, env);
            expect({ run, reachedUp: r.output.includes(LANGUAGE_HOST_MISSING) }).toEqual({ run, reachedUp: true });
            expect({ run, gitStatus: clone.project.gitStatus() }).toEqual({ run, gitStatus: "" });
        }
        expect(fs.readFileSync(path.join(clone.project.dir, "Pulumi.dev.yaml"))).toEqual(tracked);
        // The CLI did need the stack's secrets provider, and found it: in the working copy, from the stack's state.
        expect(workingCopy(clone).encryptionsalt).toMatch(/^v1:/);
    });

    it("a second clone with its own passphrase opens the stack file the first one committed after its run", async () => {
        devUp(clone, fakeEngine(clone, { rootless: false, swapLimit: true }));
        second = await freshClone();
        // What the first clone would commit: its Pulumi.dev.yaml as the run left it.
        fs.copyFileSync(path.join(clone.project.dir, "Pulumi.dev.yaml"), path.join(second.project.dir, "Pulumi.dev.yaml"));
        const r = devUp(second, fakeEngine(second, { rootless: false, swapLimit: true }));
        expect(r.output).not.toContain("incorrect passphrase");
        expect(r.output).toContain(LANGUAGE_HOST_MISSING);
        expect(fs.readFileSync(path.join(second.stateDir, "passphrase"), "utf8")).not.toBe(
            fs.readFileSync(path.join(clone.stateDir, "passphrase"), "utf8"),
        );
    });

    it("records a rootless engine's socket and missing swap accounting, and follows the engine when it changes", () => {
        const rootless = devUp(clone, fakeEngine(clone, { rootless: true, swapLimit: false })).output;
        expect(rootless).toContain("dev-up: Docker engine at unix:///run/user/1000/docker.sock");
        expect(rootless).toContain(LANGUAGE_HOST_MISSING);
        expect(engineFacts(clone)).toEqual({ socket: "/run/user/1000/docker.sock", swapLimit: false });

        // Back on a standard engine: the values the script set go away, nothing stale is mounted.
        devUp(clone, fakeEngine(clone, { rootless: false, swapLimit: true }));
        expect(engineFacts(clone) ?? {}).toEqual({});
        expect(clone.project.gitStatus()).toBe("");
    });

    it("leaves a value the user set in Pulumi.dev.yaml alone", () => {
        devUp(clone, fakeEngine(clone, { rootless: false, swapLimit: true }));
        // The user's own setting, as the README shows it (the tracked stack file), with the backend dev-up.sh created.
        const set = spawnSync(
            toolPath("pulumi"),
            ["config", "set", "--path", "docker.socket", "/srv/docker.sock", "--stack", "dev", "--non-interactive"],
            {
                cwd: clone.project.dir,
                env: {
                    ...clone.project.env,
                    PULUMI_BACKEND_URL: `file://${clone.stateDir}/state`,
                    PULUMI_CONFIG_PASSPHRASE_FILE: path.join(clone.stateDir, "passphrase"),
                },
                encoding: "utf8",
            },
        );
        expect(set.stderr).toBe("");
        const out = devUp(clone, fakeEngine(clone, { rootless: true, swapLimit: true })).output;
        expect(out).toContain("dev-up: docker.socket = /srv/docker.sock (set by you; this engine suggests /run/user/1000/docker.sock)");
        expect(engineFacts(clone)).toEqual({ socket: "/srv/docker.sock" });
    });

    it("asks the CLI to refresh before the update, so a stopped container is seen and started again", () => {
        const r = devUp(clone, fakeEngine(clone, { rootless: false, swapLimit: true }), ["--yes", "--diff"]);
        expect(r.output).toContain(LANGUAGE_HOST_MISSING);
        const stackFile = path.join(clone.stateDir, "Pulumi.dev.yaml");
        expect(cliCommands(clone).filter((c) => c.startsWith("up"))).toEqual([`up --refresh --stack dev --config-file ${stackFile} --yes --diff`]);
    });

    describe("a published port already in use", () => {
        let holder: Awaited<ReturnType<typeof holdPort>>;
        let held: number;
        beforeEach(async () => {
            holder = await holdPort();
            held = holder.port;
            // The user moved Grafana to a port another process holds.
            const stackFile = path.join(clone.project.dir, "Pulumi.dev.yaml");
            const doc = parseDocument(fs.readFileSync(stackFile, "utf8"));
            doc.setIn(["config", "a4co-observability:ports", "grafana"], held);
            fs.writeFileSync(stackFile, doc.toString());
        });
        afterEach(() => holder.release());

        it("is refused before `pulumi up`, naming the key to change", () => {
            const r = devUp(clone, fakeEngine(clone, { rootless: false, swapLimit: true }));
            expect(r.status).not.toBe(0);
            expect(r.output).toContain(
                `dev-up: ports.grafana ${held} on 127.0.0.1 is in use by another process: pulumi config set --path ports.grafana <free port> --stack dev`,
            );
            expect(r.output).not.toContain(LANGUAGE_HOST_MISSING);
            expect(cliCommands(clone).filter((c) => c.startsWith("up"))).toEqual([]);
            expect(cliCommands(clone)).toContainEqual(expect.stringMatching(/^config --json --stack dev --config-file /));
        });

        it("is fine when the stack's own container holds it", () => {
            const r = devUp(clone, fakeEngine(clone, { rootless: false, swapLimit: true, ps: `a4co-grafana\t127.0.0.1:${held}->3000/tcp\n` }));
            expect(r.output).toContain(LANGUAGE_HOST_MISSING);
            expect(cliCommands(clone).filter((c) => c.startsWith("up"))).toHaveLength(1);
        });
    });
});
