/**
 * The real Pulumi CLI, at the SDK's version, on the project and stack files: every command the README and dev-up.sh
 * run, up to the point where the CLI would start the program. Pulumi's Node.js language host cannot be built here
 * (the Go module proxy does not serve it), so `preview` and `up` stop there; everything before it (project file,
 * stack files, config types, required keys, secrets) is the CLI's own verdict.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

import { PULUMI_CLI } from "../../config/versions";
import { configFor } from "../../config/stack";
import { stackConfigFromCli } from "../../scripts/cli-stack-config";
import { PROJECT, REPO_ROOT } from "../support/stackConfig";
import { toolPath } from "../../harness/tools/run";
import { CliRun, LANGUAGE_HOST_MISSING, ScratchProject } from "./scratchProject";

/** `preview` got past every config check and stopped only because the program cannot be started here. */
function expectStopsOnlyAtTheLanguageHost(run: CliRun): void {
    expect(run.output).not.toMatch(/validating stack config|missing configuration value|must be of type/);
    expect(run.output).toContain(LANGUAGE_HOST_MISSING);
    process.stdout.write(
        `pulumi CLI ${PULUMI_CLI.goVersion}: config accepted; partial check: the Node.js language host cannot run here, so the program itself did not run\n`,
    );
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
        const config = configFor(stackConfigFromCli(project.ok(["config", "--json", "--show-secrets", "--stack", "dev"]), PROJECT, "dev"), "docker");
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
        expect(() => stackConfigFromCli(project.ok(["config", "--json", "--show-secrets", "--stack", "dev"]), PROJECT, "dev")).toThrow(
            "'ports.grafana' is set as a key of its own: set object fields with --path",
        );
    });

    it("prod: creates the stack, sets the node count and previews up to the language host", () => {
        project.ok(["stack", "select", "prod", "--create", "--secrets-provider", "passphrase"]);
        project.ok(["config", "set", "--path", "kubernetes.nodeCount", "3", "--stack", "prod"]);
        expectStopsOnlyAtTheLanguageHost(project.pulumi(["preview", "--stack", "prod"]));
        // What the CLI hands the program (Pulumi.prod.yaml plus Pulumi.yaml's defaults) holds no Docker-only key.
        const config = stackConfigFromCli(project.ok(["config", "--json", "--show-secrets", "--stack", "prod"]), PROJECT, "prod");
        expect(configFor(config, "kubernetes").kubernetes.nodeCount).toBe(3);
    });

    it("prod: a default Pulumi.yaml declared for a Docker-only key would reach prod, which refuses it with the fix", () => {
        fs.appendFileSync(path.join(project.dir, "Pulumi.yaml"), "  bindAddress:\n    type: string\n    default: 127.0.0.1\n");
        project.ok(["stack", "select", "prod", "--create", "--secrets-provider", "passphrase"]);
        expect(() => stackConfigFromCli(project.ok(["config", "--json", "--show-secrets", "--stack", "prod"]), PROJECT, "prod")).toThrow(
            "'bindAddress' applies to the docker platform only: remove it from Pulumi.prod.yaml",
        );
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
