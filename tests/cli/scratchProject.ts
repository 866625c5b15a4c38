/**
 * A scratch copy of the project for the real Pulumi CLI: its own local backend, passphrase and Pulumi home, so the
 * CLI tests never touch the developer's state, and (for dev-up.sh) a git repository of its own to show what a run
 * leaves behind.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { REPO_ROOT } from "../support/stackConfig";
import { toolPath } from "../../harness/tools/run";

/** What `pulumi preview` / `up` print when they reach the point of starting the program. */
export const LANGUAGE_HOST_MISSING = "no language plugin 'pulumi-language-nodejs' found";

/** The folder of the docker CLI, wherever it is installed (e.g. Homebrew's), or nothing. */
function dockerDir(): string[] {
    const r = spawnSync("sh", ["-c", "command -v docker"], { encoding: "utf8" });
    return r.status === 0 ? [path.dirname(r.stdout.trim())] : [];
}

export interface CliRun {
    readonly status: number | null;
    readonly output: string;
}

/** A scratch copy of the project with its own local backend, passphrase and Pulumi home. */
export class ScratchProject {
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

    /**
     * Makes the copy a git repository with everything in it committed, as a fresh clone is; the test harness's own
     * files (backend, passphrase, Pulumi home, stand-in tools, the dependencies' link) are excluded, so `git status`
     * shows exactly what a run of the project's scripts changed.
     */
    commitAll(harnessFiles: readonly string[] = []): void {
        const git = (...args: string[]) => {
            const r = spawnSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.invalid", ...args], {
                cwd: this.dir,
                encoding: "utf8",
            });
            if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr}`);
            return r.stdout;
        };
        git("init", "-q");
        fs.writeFileSync(
            path.join(this.dir, ".git", "info", "exclude"),
            [".state/", ".passphrase", ".pulumi-home/", ...harnessFiles].join("\n") + "\n",
        );
        git("add", "-A");
        git("commit", "-q", "-m", "clone");
    }

    /** `git status --porcelain`: every tracked file changed and every file created outside .gitignore. */
    gitStatus(): string {
        return spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: this.dir, encoding: "utf8" }).stdout;
    }

    remove(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
