/**
 * The images of the table in images.ts (the local builds; under A4CO_E2E_IMAGES=official the official images
 * themselves, which proves the recipes reproduce them): each starts from its default CMD, its healthcheck command passes inside it, and what the engine
 * reports (USER, WORKDIR, ENTRYPOINT, CMD, owners of the image's directories) matches the table of images.ts, which
 * reproduces the official images. Then the selection of images itself, on this engine: an image held under the
 * official reference is used as official, a missing one falls back to the local build, or the service is not run.
 */
import { spawnSync } from "child_process";
import Dockerode from "dockerode";

import { ensureEngine } from "../../harness/docker/engine";
import { ensureImages } from "../../harness/docker/imageBuild";
import { E2E_LABEL, E2eImage, e2eImages, NO_LOCAL_BUILD } from "../../harness/docker/images";
import { dockerCliEngine, imagePolicyFrom, resolveImages } from "../../harness/docker/imageSource";
import { removeLabelled, withoutControlBytes } from "../../harness/docker/stackRunner";
import { archiveEntry } from "../../harness/docker/verifyTranslation";
import { sleep } from "../../harness/live";

const docker = new Dockerode();
const runLabel = `images-${Date.now()}`;
const policy = imagePolicyFrom(process.env);
/**
 * Under the official policy (the GitHub e2e job) the table is checked against the official images themselves, which
 * proves the local recipes reproduce them; otherwise against the local builds.
 */
const underTest = (i: E2eImage): string => (policy === "official" ? i.officialRef : i.localRef);

beforeAll(async () => {
    await ensureEngine();
    const log = (l: string) => process.stdout.write(`${l}\n`);
    if (policy !== "official") ensureImages(log, e2eImages());
    else
        for (const i of e2eImages()) {
            const pulled = (await dockerCliEngine.has(i.officialRef)) || (await dockerCliEngine.pull(i.officialRef, 300_000)).ok;
            if (!pulled) throw new Error(`A4CO_E2E_IMAGES=official, but ${i.officialRef} cannot be pulled`);
            log(`  ${i.officialRef}: official image present`);
        }
}, 3_600_000);

afterAll(() => removeLabelled(`${E2E_LABEL}=${runLabel}`));

/** Runs a command inside the container; returns its exit code and output. */
async function exec(c: Dockerode.Container, cmd: readonly string[]): Promise<{ code: number; out: string }> {
    const e = await c.exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true });
    const stream = await e.start({});
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve) => {
        stream.on("data", (d: Buffer) => chunks.push(d));
        stream.on("end", () => resolve());
    });
    const info = await e.inspect();
    return { code: info.ExitCode ?? -1, out: withoutControlBytes(Buffer.concat(chunks).toString("utf8")) };
}

/** Extra arguments an image needs to run on its own (the exporter has no default CMD in the official image either). */
const standaloneArgs = (i: E2eImage): string[] | undefined => (i.service === "natsExporter" ? ["-varz", "http://127.0.0.1:8222"] : undefined);

describe.each(e2eImages().map((i) => [underTest(i), i] as const))("image %s", (ref, image) => {
    it("has the official image's USER, WORKDIR, ENTRYPOINT and CMD", async () => {
        const info = await docker.getImage(ref).inspect();
        expect({ user: info.Config.User, workdir: info.Config.WorkingDir, entrypoint: info.Config.Entrypoint, cmd: info.Config.Cmd ?? [] }).toEqual({
            user: image.user,
            workdir: image.workdir,
            entrypoint: image.entrypoint,
            cmd: image.cmd,
        });
    });

    it("starts, passes its healthcheck command, and owns its directories", async () => {
        const c = await docker.createContainer({
            Image: ref,
            Cmd: standaloneArgs(image),
            Labels: { [E2E_LABEL]: runLabel },
            HostConfig: { NetworkMode: "bridge" },
        });
        await c.start();
        let last = { code: -1, out: "" };
        for (let i = 0; i < 30; i++) {
            await sleep(1000);
            last = await exec(c, image.healthcheck);
            if (last.code === 0) break;
        }
        expect({ healthcheck: image.healthcheck, exit: last.code }).toEqual({ healthcheck: image.healthcheck, exit: 0 });
        // Owners, read through the archive API (works without a shell, e.g. in Loki's image): the first tar header
        // of the directory carries its uid and gid.
        for (const [dir, owner] of Object.entries(image.owned)) {
            const { uid, gid } = await archiveEntry(c, dir);
            expect({ dir, owner: `${uid}:${gid}` }).toEqual({ dir, owner });
        }
        const shell = await exec(c, ["sh", "-c", "true"]).catch((e: Error) => ({ code: -1, out: e.message }));
        expect({ shell: shell.code === 0 }).toEqual({ shell: image.busybox });
        await c.remove({ force: true, v: true });
    }, 120_000);
});

describe("image selection on this engine", () => {
    const nats = () => e2eImages().find((i) => i.service === "nats")!;
    const probeRef = `a4co-e2e-probe/nats:${runLabel}`;
    const missingRef = `a4co-e2e-probe/missing:${runLabel}`;
    const quiet = () => undefined;

    afterAll(() => {
        spawnSync("docker", ["image", "rm", probeRef], { encoding: "utf8" });
    });

    it("uses an image the engine holds under the official reference as official, without building", async () => {
        const tagged = spawnSync("docker", ["tag", underTest(nats()), probeRef], { encoding: "utf8" });
        expect(tagged.stderr).toBe("");
        const [choice] = await resolveImages([{ service: "nats", officialRef: probeRef }], "auto", dockerCliEngine, () => nats(), quiet);
        expect(choice).toMatchObject({ origin: "official", ref: probeRef, reason: "the engine holds the official image" });
    });

    it("falls back to the local build when the official reference can be neither found nor pulled", async () => {
        const [choice] = await resolveImages([{ service: "nats", officialRef: missingRef }], "auto", dockerCliEngine, () => nats(), quiet, 60_000);
        expect(choice).toMatchObject({ origin: "local build", ref: nats().localRef });
        expect(choice.reason).toMatch(/^official image cannot be pulled: .+; built a4co-e2e\/nats:/);
    }, 90_000);

    it("does not run a service that has neither, saying why, and refuses the official-only policy", async () => {
        const [loki] = await resolveImages([{ service: "loki", officialRef: missingRef }], "auto", dockerCliEngine, () => undefined, quiet, 60_000);
        expect([loki.origin, loki.ref]).toEqual(["not run", undefined]);
        expect(loki.reason).toContain(NO_LOCAL_BUILD.loki);
        await expect(
            resolveImages([{ service: "nats", officialRef: missingRef }], "official", dockerCliEngine, () => nats(), quiet, 60_000),
        ).rejects.toThrow(/A4CO_E2E_IMAGES=official, but a4co-e2e-probe\/missing:.* \(nats\) cannot be pulled/);
    }, 150_000);
});
