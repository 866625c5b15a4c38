/**
 * Which image the e2e runs for each service the program declares: the official reference when the engine has it or
 * can pull it in bounded time (every user's laptop, every GitHub runner), else a local build of the same program
 * (the Apache-licensed ones only, images.ts), else the service is not run, with the reason. The report shows the
 * origin of each.
 *
 * `A4CO_E2E_IMAGES` picks the policy: `auto` (default) as above; `official` requires every official image (the
 * GitHub e2e job: nothing built from Go modules there, and a missing image fails the suite instead of shrinking it);
 * `local` never pulls (offline machines, faster when every pull is known to fail).
 */
import { spawn } from "child_process";

import type { DockerService } from "../../platforms/docker/services";
import { E2eImage, NO_LOCAL_BUILD } from "./images";

export const IMAGE_POLICIES = ["auto", "official", "local"] as const;
export type ImagePolicy = (typeof IMAGE_POLICIES)[number];
export const IMAGE_POLICY_VARIABLE = "A4CO_E2E_IMAGES";

export type ImageOrigin = "official" | "local build" | "not run";

export interface ImageChoice {
    readonly service: DockerService;
    readonly officialRef: string;
    readonly origin: ImageOrigin;
    /** The reference the container runs; absent when the service is not run. */
    readonly ref?: string;
    /** Why this origin: where the official image came from, or why it could not be had. */
    readonly reason: string;
}

/** What the engine said about an official reference. */
export interface OfficialImageFacts {
    /** The engine already holds the reference (pulled earlier, or tagged locally). */
    readonly present: boolean;
    /** The outcome of a pull, when one was tried. */
    readonly pull?: { readonly ok: boolean; readonly detail: string };
}

/** The policy from the environment; a bad value names the variable, the value and the fix. */
export function imagePolicyFrom(env: NodeJS.ProcessEnv): ImagePolicy {
    const value = env[IMAGE_POLICY_VARIABLE];
    if (value === undefined || value === "") return "auto";
    if ((IMAGE_POLICIES as readonly string[]).includes(value)) return value as ImagePolicy;
    throw new Error(`${IMAGE_POLICY_VARIABLE}=${value} is not an image policy: use one of ${IMAGE_POLICIES.join(", ")} (or leave it unset for auto)`);
}

/** Whether the engine should be asked to pull the official reference. Pure. */
export const shouldPull = (policy: ImagePolicy, facts: Pick<OfficialImageFacts, "present">): boolean => policy !== "local" && !facts.present;

/** The image of one service from what the engine said and whether a local recipe exists. Pure. */
export function chooseImage(
    service: DockerService,
    officialRef: string,
    policy: ImagePolicy,
    facts: OfficialImageFacts,
    local: E2eImage | undefined,
): ImageChoice {
    if (policy !== "local" && facts.present)
        return { service, officialRef, origin: "official", ref: officialRef, reason: "the engine holds the official image" };
    if (policy !== "local" && facts.pull?.ok) return { service, officialRef, origin: "official", ref: officialRef, reason: "pulled" };
    const unavailable =
        policy === "local" ? `not pulled (${IMAGE_POLICY_VARIABLE}=local)` : `cannot be pulled: ${facts.pull?.detail ?? "no pull tried"}`;
    if (policy === "official")
        throw new Error(
            `${IMAGE_POLICY_VARIABLE}=official, but ${officialRef} (${service}) ${unavailable}: let the engine reach its registry, or unset ${IMAGE_POLICY_VARIABLE} to fall back to local builds`,
        );
    if (local)
        return { service, officialRef, origin: "local build", ref: local.localRef, reason: `official image ${unavailable}; built ${local.localRef}` };
    const why = service in NO_LOCAL_BUILD ? NO_LOCAL_BUILD[service as keyof typeof NO_LOCAL_BUILD] : "no local recipe";
    return { service, officialRef, origin: "not run", reason: `official image ${unavailable}; no local build: ${why}` };
}

/** What resolving needs from the engine (injected, so the decision is tested without one). */
export interface ImageEngine {
    has(ref: string): Promise<boolean>;
    pull(ref: string, timeoutMs: number): Promise<{ ok: boolean; detail: string }>;
}

/**
 * Decides the image of every declared service, pulling what is missing (one at a time, each bounded). Local builds
 * are the caller's: it builds the images of the choices whose origin is `local build`.
 */
export async function resolveImages(
    declared: readonly { readonly service: DockerService; readonly officialRef: string }[],
    policy: ImagePolicy,
    engine: ImageEngine,
    localFor: (officialRef: string) => E2eImage | undefined,
    log: (line: string) => void,
    pullTimeoutMs = 300_000,
): Promise<ImageChoice[]> {
    const choices: ImageChoice[] = [];
    for (const d of declared) {
        const present = await engine.has(d.officialRef);
        const pull = shouldPull(policy, { present }) ? await engine.pull(d.officialRef, pullTimeoutMs) : undefined;
        const choice = chooseImage(d.service, d.officialRef, policy, { present, pull }, localFor(d.officialRef));
        log(`  ${d.service.padEnd(12)} ${choice.origin.padEnd(11)} ${choice.ref ?? "-"} (${choice.reason})`);
        choices.push(choice);
    }
    return choices;
}

/** The docker CLI as the engine: `image inspect` and a `pull` killed after its time. */
export const dockerCliEngine: ImageEngine = {
    has: (ref) => run(["image", "inspect", "--format", "{{.Id}}", ref], 30_000).then((r) => r.code === 0),
    pull: async (ref, timeoutMs) => {
        const r = await run(["pull", "--quiet", ref], timeoutMs);
        // The daemon's last line says why, e.g. "... lookup registry-1.docker.io ...: no such host".
        const out = (r.output.trim().split("\n").slice(-1)[0] ?? "").replace(/^Error response from daemon:\s*/, "").slice(0, 160);
        if (r.timedOut) return { ok: false, detail: `no answer within ${timeoutMs / 1000} s` };
        return { ok: r.code === 0, detail: r.code === 0 ? out : out || `docker pull exited ${r.code}` };
    },
};

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string; timedOut: boolean }> {
    return new Promise((resolve) => {
        const p = spawn("docker", args, { stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        let timedOut = false;
        p.stdout.on("data", (d) => (output += String(d)));
        p.stderr.on("data", (d) => (output += String(d)));
        const timer = setTimeout(() => {
            timedOut = true;
            p.kill("SIGKILL");
        }, timeoutMs);
        p.on("error", (e) => {
            clearTimeout(timer);
            resolve({ code: null, output: e.message, timedOut });
        });
        p.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, output, timedOut });
        });
    });
}
