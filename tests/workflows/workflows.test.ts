/**
 * The GitHub Actions workflows: every action is pinned to a full commit SHA with its version in a comment, every job
 * has a timeout and its own least-privilege permissions, and the jobs the PR checks rely on exist and do what
 * CONTRIBUTING.md says. actionlint's verdict on them is in actionlint.programs.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

import { REPO_ROOT } from "../support/stackConfig";
import { WORKFLOW_FILES as files, WORKFLOWS_DIR } from "./workflowFiles";

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    "runs-on"?: string;
    "timeout-minutes"?: number;
    permissions?: Record<string, string> | string;
    steps?: Step[];
}
interface Workflow {
    on: unknown;
    permissions?: unknown;
    concurrency?: { group: string; "cancel-in-progress": unknown };
    jobs: Record<string, Job>;
}
const workflows = Object.fromEntries(files.map((f) => [f, parse(fs.readFileSync(path.join(WORKFLOWS_DIR, f), "utf8")) as Workflow]));
const allJobs = Object.entries(workflows).flatMap(([file, w]) => Object.entries(w.jobs).map(([id, job]) => ({ file, id, job })));

describe("pinned actions", () => {
    const USES_LINE = /^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/;
    const usesLines = files.flatMap((file) =>
        fs
            .readFileSync(path.join(WORKFLOWS_DIR, file), "utf8")
            .split("\n")
            .map((line, i) => ({ file, line: i + 1, match: USES_LINE.exec(line) }))
            .filter((x) => x.match !== null)
            .map((x) => ({ file: x.file, line: x.line, ref: x.match![1], rest: x.match![2] })),
    );

    it("pins every action to a full commit SHA with the release in a comment", () => {
        const parsedUses = allJobs.flatMap(({ job }) => (job.steps ?? []).map((s) => s.uses).filter((u): u is string => u !== undefined));
        expect(usesLines.map((u) => u.ref).sort()).toEqual(parsedUses.sort());
        expect(usesLines.length).toBeGreaterThan(0);
        for (const u of usesLines) {
            const where = `${u.file}:${u.line} ${u.ref}`;
            expect(`${where} ${/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/.test(u.ref)}`).toBe(`${where} true`);
            expect(`${where}${u.rest}`).toMatch(/ # v\d+\.\d+\.\d+$/);
        }
    });

    it("pins each action to the same commit and release everywhere", () => {
        const byAction = new Map<string, Set<string>>();
        for (const u of usesLines) {
            const [action, sha] = u.ref.split("@");
            byAction.set(action, (byAction.get(action) ?? new Set()).add(`${sha}${u.rest}`));
        }
        for (const [action, pins] of byAction) expect(`${action}: ${[...pins].join(" | ")}`).toBe(`${action}: ${[...pins][0]}`);
    });
});

describe("jobs", () => {
    it("give every job a timeout and its own permissions, with none granted at the workflow level", () => {
        for (const { file, id, job } of allJobs) {
            expect(`${file} ${id} timeout ${typeof job["timeout-minutes"]}`).toBe(`${file} ${id} timeout number`);
            expect(job["timeout-minutes"]).toBeGreaterThan(0);
            expect(typeof job.permissions).toBe("object");
        }
        for (const [file, w] of Object.entries(workflows)) expect(`${file} ${JSON.stringify(w.permissions)}`).toBe(`${file} {}`);
    });

    it("grant write access only to the preview jobs, and only to comment on the pull request", () => {
        for (const { file, id, job } of allJobs) {
            const writes = Object.entries(job.permissions as Record<string, string>).filter(([, level]) => level === "write");
            const expected = id.startsWith("preview-") ? [["pull-requests", "write"]] : [];
            expect(`${file} ${id} ${JSON.stringify(writes)}`).toBe(`${file} ${id} ${JSON.stringify(expected)}`);
        }
    });

    it("run on pull requests and pushes to main, one run per pull request at a time", () => {
        for (const [file, w] of Object.entries(workflows)) {
            expect(w.on).toEqual({ pull_request: null, push: { branches: ["main"] } });
            expect(`${file} ${w.concurrency?.group}`).toMatch(/github\.event\.pull_request\.number \|\| github\.ref/);
        }
    });

    const job = (id: string) => {
        const hit = allJobs.find((j) => j.id === id);
        if (!hit) throw new Error(`no job ${id} in ${files.join(", ")}`);
        return hit.job;
    };
    const runs = (id: string) => (job(id).steps ?? []).map((s) => s.run).filter(Boolean);
    const action = (id: string, name: string) => (job(id).steps ?? []).find((s) => s.uses?.startsWith(`${name}@`));

    it("test: installs, type-checks, lints, checks formatting, runs the unit suite, then the programs suite with Go", () => {
        expect(runs("test")).toEqual([
            "npm ci",
            "npm run typecheck",
            "npm run lint",
            "npm run format:check",
            "npm run test:unit",
            "npm run test:programs",
        ]);
        expect(action("test", "actions/setup-go")?.with?.["go-version"]).toMatch(/^1\.26\.\d+$/);
        expect(action("test", "actions/setup-node")?.with?.cache).toBe("npm");
        expect(action("test", "actions/cache")?.with?.path).toBe("~/.cache/a4co-observability/tools");
        // A changed recipe is a new key: the job saves the builds it made instead of restoring a stale set for good.
        expect(String(action("test", "actions/cache")?.with?.key)).toContain("'harness/tools/recipes.ts'");
    });

    it("e2e and k8s: run the live-proof suites", () => {
        expect(runs("e2e")).toContain("npm run test:e2e");
        expect(runs("k8s")).toContain("npm run test:k8s");
    });

    it("e2e: runs every service from its official image and builds nothing from Go modules", () => {
        const suite = (job("e2e").steps ?? []).find((s) => s.run === "npm run test:e2e");
        expect(suite?.env).toEqual({ A4CO_E2E_IMAGES: "official" });
        expect(action("e2e", "actions/setup-go")).toBeUndefined();
    });

    it("k8s: caches the charts the suite pulls, keyed on the pinned versions, and needs no folder outside the clone", () => {
        const steps = job("k8s").steps ?? [];
        const charts = steps.findIndex((s) => s.uses?.startsWith("actions/cache@") && s.with?.path === "~/.cache/a4co-observability/charts");
        const suite = steps.findIndex((s) => s.run === "npm run test:k8s");
        expect(charts).toBeGreaterThanOrEqual(0);
        expect(charts).toBeLessThan(suite);
        expect(String(steps[charts].with?.key)).toContain("${{ hashFiles('config/versions.ts') }}");
        // The runner pulls the charts: an offline mirror would have to come from outside the repository.
        expect(JSON.stringify(job("k8s"))).not.toContain("A4CO_CHARTS_DIR");
    });

    it("refer to no folder above the checkout (a runner has the repository alone, no offline chart mirror beside it)", () => {
        for (const file of files) {
            const lines = fs.readFileSync(path.join(WORKFLOWS_DIR, file), "utf8").split("\n");
            expect(lines.map((l, i) => `${file}:${i + 1}: ${l}`).filter((l) => l.includes("../"))).toEqual([]);
        }
    });

    it.each(["dev", "prod"])("preview-%s: pulumi preview with the policy pack, commented on the PR, local backend unless a token is set", (stack) => {
        const pulumi = action(`preview-${stack}`, "pulumi/actions");
        expect(pulumi?.with).toMatchObject({
            command: "preview",
            "stack-name": stack,
            policyPacks: "policy",
            upsert: true,
            "comment-on-summary": true,
        });
        // Commented on pull requests from this repository (a fork's token cannot write).
        expect(pulumi?.with?.["comment-on-pr"]).toBe(
            "${{ github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository }}",
        );
        expect(String(pulumi?.with?.["cloud-url"])).toMatch(/PULUMI_ACCESS_TOKEN == '' && format\('file:\/\/\{0\}\/pulumi-state', runner\.temp\)/);
        expect(String(pulumi?.with?.["pulumi-version"])).toBe(
            JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).dependencies["@pulumi/pulumi"],
        );
        const env = workflows["preview.yml"] as unknown as { env: Record<string, string> };
        expect(env.env).toEqual({
            PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
            PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
        });
    });

    it("preview-prod: previews against an ephemeral kind cluster", () => {
        const steps = job("preview-prod").steps ?? [];
        const kind = steps.findIndex((s) => s.uses?.startsWith("helm/kind-action@"));
        const preview = steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
        expect(kind).toBeGreaterThanOrEqual(0);
        expect(kind).toBeLessThan(preview);
        expect(steps[kind].with?.version).toMatch(/^v\d+\.\d+\.\d+$/);
    });
});
