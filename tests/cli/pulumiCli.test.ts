/**
 * The real Pulumi CLI, at the SDK's version, on the project and stack files: every command the README and dev-up.sh
 * run, up to the point where the CLI would start the program. Pulumi's Node.js language host cannot be built here
 * (the Go module proxy does not serve it), so `preview` and `up` stop there; everything before it (project file,
 * stack files, config types, required keys, secrets) is the CLI's own verdict.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

import { loadStackConfig } from "../../config/stack";
import type { StackConfig } from "../../config/types";
import { PULUMI_CLI } from "../../config/versions";
import { PROJECT, REPO_ROOT } from "../support/stackConfig";
import { toolPath } from "../support/tools";

const LANGUAGE_HOST_MISSING = "no language plugin 'pulumi-language-nodejs' found";

/** The folder of the docker CLI, wherever it is installed (e.g. Homebrew's), or nothing. */
function dockerDir(): string[] {
    const r = spawnSync("sh", ["-c", "command -v docker"], { encoding: "utf8" });
    return r.status === 0 ? [path.dirname(r.stdout.trim())] : [];
}

interface CliRun {
    readonly status: number | null;
    readonly output: string;
}

/** A scratch copy of the project with its own local backend, passphrase and Pulumi home. */
class ScratchProject {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-cli-"));
    readonly env: NodeJS.ProcessEnv;

    constructor(files: readonly string[] = ["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
        for (const file of files) fs.cpSync(path.join(REPO_ROOT, file), path.join(this.dir, file), { recursive: true, preserveTimestamps: true });
        const state = path.join(this.dir, ".state");
        fs.mkdirSync(state);
        fs.writeFileSync(path.join(this.dir, ".passphrase"), "scratch-passphrase-for-tests", { mode: 0o600 });
        this.env = {
            // The built CLI first, then node and docker wherever they are installed, then the system's tools.
            PATH: [path.dirname(toolPath("pulumi")), path.dirname(process.execPath), ...dockerDir(), "/usr/local/bin", "/usr/bin", "/bin"].join(
                path.delimiter,
            ),
            HOME: this.dir,
            // The developer's docker contexts (Colima, rootless, Docker Desktop), though HOME is the scratch dir.
            DOCKER_CONFIG: process.env.DOCKER_CONFIG ?? path.join(os.homedir(), ".docker"),
            PULUMI_HOME: path.join(this.dir, ".pulumi-home"),
            // No plugin of a Pulumi install on PATH: the language host must be missing here, as in CI.
            PULUMI_IGNORE_AMBIENT_PLUGINS: "true",
            PULUMI_BACKEND_URL: `file://${state}`,
            PULUMI_CONFIG_PASSPHRASE_FILE: path.join(this.dir, ".passphrase"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            NO_COLOR: "1",
        };
    }

    pulumi(args: string[]): CliRun {
        const r = spawnSync(toolPath("pulumi"), [...args, "--non-interactive"], { cwd: this.dir, env: this.env, encoding: "utf8", timeout: 120_000 });
        if (r.error) throw r.error;
        return { status: r.status, output: r.stdout + r.stderr };
    }

    /** Runs a command that must succeed; fails the test with the CLI's own words otherwise. */
    ok(args: string[]): string {
        const r = this.pulumi(args);
        expect({ command: `pulumi ${args.join(" ")}`, status: r.status, output: r.status === 0 ? "" : r.output }).toEqual({
            command: `pulumi ${args.join(" ")}`,
            status: 0,
            output: "",
        });
        return r.output;
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** `preview` got past every config check and stopped only because the program cannot be started here. */
function expectStopsOnlyAtTheLanguageHost(run: CliRun): void {
    expect(run.output).not.toMatch(/validating stack config|missing configuration value|must be of type/);
    expect(run.output).toContain(LANGUAGE_HOST_MISSING);
    process.stdout.write(
        `pulumi CLI ${PULUMI_CLI.goVersion}: config accepted; partial check: the Node.js language host cannot run here, so the program itself did not run\n`,
    );
}

/** Feeds `pulumi config --json --show-secrets` to the program's config loader, as the CLI feeds the language host. */
function programConfigFromCli(json: string): StackConfig {
    const entries = JSON.parse(json) as Record<string, { value?: string; objectValue?: unknown; secret?: boolean }>;
    const all: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [key, entry] of Object.entries(entries)) {
        all[key] = entry.objectValue !== undefined && typeof entry.objectValue !== "string" ? JSON.stringify(entry.objectValue) : String(entry.value);
        if (entry.secret) secrets.push(key);
    }
    pulumi.runtime.setAllConfig(all, secrets);
    return loadStackConfig(new pulumi.Config(PROJECT));
}

describe("the Pulumi CLI", () => {
    it("is the version of the SDK the program is built with", () => {
        const sdk = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"];
        expect(PULUMI_CLI.goVersion).toBe(`v${sdk}`);
        const r = spawnSync(toolPath("pulumi"), ["version"], { encoding: "utf8" });
        expect(r.stdout.trim()).toBe(PULUMI_CLI.goVersion);
    });
});

describe("README and dev-up.sh commands, run by the real CLI", () => {
    let project: ScratchProject;
    beforeEach(() => {
        project = new ScratchProject();
        project.ok(["login", project.env.PULUMI_BACKEND_URL as string]);
    });
    afterEach(() => project.remove());

    it("dev: creates the stack and previews up to the language host with the committed stack file", () => {
        project.ok(["stack", "select", "dev", "--create", "--secrets-provider", "passphrase"]);
        expectStopsOnlyAtTheLanguageHost(project.pulumi(["preview", "--stack", "dev"]));
    });

    it("dev: accepts every `pulumi config set` form the README shows", () => {
        project.ok(["stack", "select", "dev", "--create", "--secrets-provider", "passphrase"]);
        project.ok(["config", "set", "--path", "ports.grafana", "3300", "--stack", "dev"]);
        project.ok(["config", "set", "alertReceiverKind", "slack", "--stack", "dev"]);
        project.ok(["config", "set", "alertSlackChannel", "#alerts", "--stack", "dev"]);
        project.ok(["config", "set", "--secret", "alertReceiverUrl", "https://hooks.slack.com/services/T000/B000/XXXX", "--stack", "dev"]);
        project.ok(["config", "set", "--path", "scrapeTargets[0].service", "orders", "--stack", "dev"]);
        project.ok(["config", "set", "--path", "scrapeTargets[0].address", "host.docker.internal:3001", "--stack", "dev"]);
        project.ok(["config", "set", "retainData", "false", "--stack", "dev"]);
        project.ok(["config", "set", "--path", "docker.swapLimit", "false", "--stack", "dev"]);
        const stackFile = fs.readFileSync(path.join(project.dir, "Pulumi.dev.yaml"), "utf8");
        expect(stackFile).not.toContain("XXXX");
        expect(stackFile).toMatch(/alertReceiverUrl:\s*\n\s+secure:/);
        expectStopsOnlyAtTheLanguageHost(project.pulumi(["preview", "--stack", "dev"]));

        // What the CLI would hand the program (stack values plus Pulumi.yaml's defaults) is what the program accepts.
        const config = programConfigFromCli(project.ok(["config", "--json", "--show-secrets", "--stack", "dev"]));
        expect(config.ports.grafana).toBe(3300);
        expect(config.alertReceiver?.kind).toBe("slack");
        expect(config.alertReceiver?.slackChannel).toBe("#alerts");
        expect(config.scrapeTargets).toEqual([{ service: "orders", address: "host.docker.internal:3001", metricsPath: "/metrics" }]);
        expect(config.retainData).toBe(false);
        expect(config.docker.swapLimit).toBe(false);
        expect(config.bindAddress).toBe("127.0.0.1");
    });

    it("a key set without --path reaches the program as a key of its own, and the program names the fix", () => {
        project.ok(["stack", "select", "dev", "--create", "--secrets-provider", "passphrase"]);
        project.ok(["config", "set", "ports.grafana", "3300", "--stack", "dev"]);
        expect(() => programConfigFromCli(project.ok(["config", "--json", "--show-secrets", "--stack", "dev"]))).toThrow(
            "'ports.grafana' is set as a key of its own: set object fields with --path",
        );
    });

    it("prod: creates the stack, sets the node count and previews up to the language host", () => {
        project.ok(["stack", "select", "prod", "--create", "--secrets-provider", "passphrase"]);
        project.ok(["config", "set", "--path", "kubernetes.nodeCount", "3", "--stack", "prod"]);
        expectStopsOnlyAtTheLanguageHost(project.pulumi(["preview", "--stack", "prod"]));
    });

    it("refuses a value of the wrong type for a declared key, naming the key", () => {
        project.ok(["stack", "select", "prod", "--create", "--secrets-provider", "passphrase"]);
        project.ok(["config", "set", "retainData", "maybe", "--stack", "prod"]);
        const r = project.pulumi(["preview", "--stack", "prod"]);
        expect(r.status).not.toBe(0);
        expect(r.output).toContain("configuration key 'retainData' must be of type 'boolean'");
    });

    it("the check fails as it would have before: a declared key without a default is required by the CLI", () => {
        const file = path.join(project.dir, "Pulumi.yaml");
        fs.appendFileSync(file, "  traceUrl:\n    type: string\n");
        project.ok(["stack", "select", "dev", "--create", "--secrets-provider", "passphrase"]);
        const r = project.pulumi(["preview", "--stack", "dev"]);
        expect(r.status).not.toBe(0);
        expect(r.output).toContain("Stack 'dev' is missing configuration value 'traceUrl'");
    });
});

describe("npm run dev:up (scripts/dev-up.sh), run as far as the CLI can go", () => {
    let project: ScratchProject;
    // Asked with the environment the script gets, so the answer is the one the script will see.
    const dockerReachable = () => spawnSync("docker", ["info"], { env: project.env, encoding: "utf8" }).status === 0;
    beforeEach(() => {
        project = new ScratchProject(["Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.prod.yaml", "scripts", "package.json", "package-lock.json"]);
        // The installed dependencies, so ensure-deps.sh finds them current and installs nothing.
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(project.dir, "node_modules"));
    });
    afterEach(() => project.remove());

    const devUp = () => {
        const r = spawnSync("bash", [path.join(project.dir, "scripts", "dev-up.sh"), "--yes"], {
            cwd: project.dir,
            env: { ...project.env, A4CO_STATE_DIR: path.join(project.dir, ".pulumi-local"), DOCKER_HOST: process.env.DOCKER_HOST ?? "" },
            encoding: "utf8",
            timeout: 180_000,
        });
        return { status: r.status, output: r.stdout + r.stderr };
    };

    it("logs in to a local backend, creates the dev stack with a generated passphrase and reaches `pulumi up`", () => {
        const r = devUp();
        if (!dockerReachable()) {
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
        const passphrase = fs.readFileSync(path.join(project.dir, ".pulumi-local", "passphrase"), "utf8");
        expect(passphrase).toMatch(/^[A-Za-z0-9_-]{32}$/);
        expect(fs.statSync(path.join(project.dir, ".pulumi-local", "passphrase")).mode & 0o077).toBe(0);
        expect(fs.readdirSync(path.join(project.dir, ".pulumi-local", "state", ".pulumi", "stacks", "a4co-observability"))).toContain("dev.json");
        process.stdout.write("dev-up.sh: reached `pulumi up`; partial check: the Node.js language host cannot run here\n");
    });

    it("tells an unreachable engine apart, naming the endpoint it tried", () => {
        const r = spawnSync("bash", [path.join(project.dir, "scripts", "dev-up.sh")], {
            cwd: project.dir,
            env: { ...project.env, A4CO_STATE_DIR: path.join(project.dir, ".pulumi-local"), DOCKER_HOST: `unix://${project.dir}/no-such.sock` },
            encoding: "utf8",
            timeout: 60_000,
        });
        expect(r.status).not.toBe(0);
        expect(r.stdout + r.stderr).toContain(`the Docker engine is not reachable at unix://${project.dir}/no-such.sock`);
    });

    /**
     * The engine-detection branches need engines this machine is not (rootless, no swap accounting): a stand-in
     * `docker` first on PATH answers the three questions the script asks, the rest is the real CLI.
     */
    function fakeEngine(opts: { rootless: boolean; swapLimit: boolean }): NodeJS.ProcessEnv {
        const bin = path.join(project.dir, "fake-docker-bin");
        fs.mkdirSync(bin, { recursive: true });
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
                '  *) echo "fake docker: unexpected $*" >&2; exit 3 ;;',
                "esac",
                "",
            ].join("\n"),
            { mode: 0o755 },
        );
        return {
            ...project.env,
            PATH: `${bin}${path.delimiter}${project.env.PATH}`,
            A4CO_STATE_DIR: path.join(project.dir, ".pulumi-local"),
            DOCKER_HOST: "",
        };
    }
    const runWith = (env: NodeJS.ProcessEnv) => {
        const r = spawnSync("bash", [path.join(project.dir, "scripts", "dev-up.sh"), "--yes"], {
            cwd: project.dir,
            env,
            encoding: "utf8",
            timeout: 120_000,
        });
        return r.stdout + r.stderr;
    };
    const dockerConfig = () =>
        (parse(fs.readFileSync(path.join(project.dir, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> }).config[
            "a4co-observability:docker"
        ];

    it("records a rootless engine's socket and missing swap accounting, and follows the engine when it changes", () => {
        const rootless = runWith(fakeEngine({ rootless: true, swapLimit: false }));
        expect(rootless).toContain("dev-up: Docker engine at unix:///run/user/1000/docker.sock");
        expect(rootless).toContain(LANGUAGE_HOST_MISSING);
        expect(dockerConfig()).toEqual({ socket: "/run/user/1000/docker.sock", swapLimit: false });

        // Back on a standard engine: the values the script set go away, nothing stale is mounted.
        runWith(fakeEngine({ rootless: false, swapLimit: true }));
        expect(dockerConfig() ?? {}).toEqual({});
    });

    it("leaves a value the user set alone", () => {
        runWith(fakeEngine({ rootless: false, swapLimit: true }));
        // The user's own setting, in the backend and with the passphrase dev-up.sh created.
        const local = path.join(project.dir, ".pulumi-local");
        const set = spawnSync(
            toolPath("pulumi"),
            ["config", "set", "--path", "docker.socket", "/srv/docker.sock", "--stack", "dev", "--non-interactive"],
            {
                cwd: project.dir,
                env: { ...project.env, PULUMI_BACKEND_URL: `file://${local}/state`, PULUMI_CONFIG_PASSPHRASE_FILE: path.join(local, "passphrase") },
                encoding: "utf8",
            },
        );
        expect(set.stderr).toBe("");
        const out = runWith(fakeEngine({ rootless: true, swapLimit: true }));
        expect(out).toContain("dev-up: docker.socket = /srv/docker.sock (set by you; this engine suggests /run/user/1000/docker.sock)");
        expect(dockerConfig()).toEqual({ socket: "/srv/docker.sock" });
    });
});
