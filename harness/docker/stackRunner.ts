/**
 * Creates what the program declares on a real Docker engine through the Engine API (dockerode): network, volumes,
 * then containers in the plan's order, each started only once every container it depends on is healthy (the
 * provider's `wait` semantics), uploads copied in before start, each from the image chosen for it (imageSource.ts). Everything it makes carries the run label and is
 * removed by {@link StackRunner.removeEverything} (success, failure, Ctrl-C).
 */
import { spawn, spawnSync } from "child_process";
import Dockerode from "dockerode";

import type { DockerService } from "../../platforms/docker/services";
import { sleep } from "../live";
import type { ImageChoice } from "./imageSource";
import { ContainerRequest, E2E_NAME_PREFIX, RUN_LABEL, tarOf, translateContainer, translateNetwork, translateVolume } from "./translate";

/** What the program declares for the dev stack (tests/e2e/declared.ts records it under the Pulumi mocks). */
export interface DeclaredContainer {
    readonly service: DockerService;
    readonly dependsOn: readonly DockerService[];
    readonly inputs: Record<string, unknown>;
    /** The official image reference the program pulls. */
    readonly officialRef: string;
}

export interface DeclaredStack {
    readonly networks: Record<string, unknown>[];
    readonly volumes: Record<string, unknown>[];
    /** In the plan's creation order. */
    readonly containers: DeclaredContainer[];
    readonly outputs: Record<string, unknown>;
}

export interface NotRun {
    readonly service: DockerService;
    readonly officialRef: string;
    readonly reason: string;
}

export interface StartedContainer {
    readonly service: DockerService;
    readonly name: string;
    readonly request: ContainerRequest;
    /** Seconds from create to healthy. */
    readonly secondsToHealthy: number;
}

export class StackRunner {
    readonly docker = new Dockerode();
    readonly started = new Map<DockerService, StartedContainer>();
    readonly notRun: NotRun[] = [];
    private networkName = "";
    private readonly volumeNames = new Map<string, string>();

    /**
     * The image of each declared service (imageSource.ts): official, local build, or not run. A service that is not
     * run is skipped, and what depends on it starts without waiting for it.
     */
    private readonly images = new Map<DockerService, ImageChoice>();

    constructor(
        readonly runId: string,
        private readonly log: (line: string) => void,
    ) {}

    useImages(choices: readonly ImageChoice[]): void {
        for (const c of choices) this.images.set(c.service, c);
    }

    /** Whether the service runs (its image could be had); false before {@link useImages}. */
    runs(service: DockerService): boolean {
        return this.images.has(service) && this.images.get(service)!.origin !== "not run";
    }

    private choiceFor(service: DockerService): ImageChoice {
        const choice = this.images.get(service);
        if (!choice) throw new Error(`no image was chosen for ${service}: resolve the images of every declared service first`);
        return choice;
    }

    /** Creates network and volumes (volumes are reused when they exist: what `retainData` keeps), then the containers. */
    async up(stack: DeclaredStack): Promise<number> {
        const t0 = Date.now();
        if (stack.networks.length !== 1) throw new Error(`the program declares ${stack.networks.length} networks; the runner expects one`);
        const net = translateNetwork(stack.networks[0], this.runId);
        await this.docker.createNetwork(net.options);
        this.networkName = net.options.Name;
        for (const v of stack.volumes) {
            const req = translateVolume(v, this.runId);
            await this.docker.createVolume(req.options);
            this.volumeNames.set(req.declaredName, req.name);
        }
        const ctx = {
            runId: this.runId,
            imageFor: (declared: string) => {
                const c = stack.containers.find((x) => x.inputs.image === declared);
                const ref = c && this.choiceFor(c.service).ref;
                if (!ref) throw new Error(`no image to run for ${c?.officialRef ?? declared}: see harness/docker/imageSource.ts`);
                return ref;
            },
            networkName: (declared: string) => {
                if (declared !== stack.networks[0].name) throw new Error(`container joins network ${declared}, which the program does not declare`);
                return this.networkName;
            },
            volumeName: (declared: string) => {
                const n = this.volumeNames.get(declared);
                if (!n) throw new Error(`container mounts volume ${declared}, which the program does not declare`);
                return n;
            },
        };
        const pending = new Map<DockerService, Promise<void>>();
        for (const c of stack.containers) {
            const choice = this.choiceFor(c.service);
            if (choice.origin === "not run") {
                this.notRun.push({ service: c.service, officialRef: c.officialRef, reason: choice.reason });
                continue;
            }
            const request = translateContainer(c.inputs, ctx);
            // A container starts only after what it depends on is healthy; independent ones start side by side.
            const deps = c.dependsOn
                .filter((d) => this.choiceFor(d).origin !== "not run")
                .map((d) => {
                    const p = pending.get(d);
                    if (!p) throw new Error(`${c.service} depends on ${d}, which comes later in the plan`);
                    return p;
                });
            pending.set(
                c.service,
                Promise.all(deps).then(() => this.startOne(c.service, request)),
            );
        }
        await Promise.all(pending.values());
        return (Date.now() - t0) / 1000;
    }

    private async startOne(service: DockerService, request: ContainerRequest): Promise<void> {
        const t0 = Date.now();
        const container = await this.docker.createContainer(request.options);
        if (request.uploads.length > 0) await container.putArchive(tarOf(request.uploads), { path: "/" });
        await container.start();
        if (request.waitHealthySeconds !== undefined) await this.waitHealthy(request.options.name!, request.waitHealthySeconds);
        const secondsToHealthy = (Date.now() - t0) / 1000;
        this.started.set(service, { service, name: request.options.name!, request, secondsToHealthy });
        this.log(`  ${request.options.name} healthy after ${secondsToHealthy.toFixed(1)} s`);
    }

    /** Waits until the container's healthcheck reports healthy; fails with its last health log when it does not. */
    async waitHealthy(name: string, seconds: number): Promise<void> {
        const deadline = Date.now() + seconds * 1000;
        for (;;) {
            const info = await this.docker.getContainer(name).inspect();
            const status = info.State.Health?.Status;
            if (status === "healthy") return;
            if (!info.State.Running && info.State.Status !== "created" && info.State.Status !== "restarting") {
                throw new Error(
                    `${name} is ${info.State.Status} (exit ${info.State.ExitCode}, OOMKilled ${info.State.OOMKilled}) instead of healthy; logs:\n${await this.logsOf(name)}`,
                );
            }
            if (Date.now() > deadline) {
                const last = info.State.Health?.Log?.slice(-1)[0];
                throw new Error(
                    `${name} not healthy within ${seconds} s (status ${status}; last check: exit ${last?.ExitCode} ${last?.Output?.trim()}); logs:\n${await this.logsOf(name)}`,
                );
            }
            await sleep(1000);
        }
    }

    async logsOf(name: string): Promise<string> {
        const buf = await this.docker.getContainer(name).logs({ stdout: true, stderr: true, tail: 30 });
        return withoutControlBytes(buf.toString("utf8"));
    }

    /** `pulumi destroy` with retainData: containers (graceful stop) and network go, volumes stay. */
    async destroyKeepingVolumes(): Promise<void> {
        for (const s of [...this.started.values()].reverse()) {
            const c = this.docker.getContainer(s.name);
            await c.stop({ t: s.request.destroyGraceSeconds ?? 10 }).catch(() => undefined);
            await c.remove({ force: true });
        }
        this.started.clear();
        this.notRun.length = 0;
        if (this.networkName) await this.docker.getNetwork(this.networkName).remove();
        this.networkName = "";
    }

    /** Removes every container, network and volume carrying this run's label. Synchronous, so it also works on exit. */
    removeEverythingSync(): void {
        removeLabelled(`${RUN_LABEL}=${this.runId}`);
    }
}

/** Removes containers, networks and volumes carrying a label (`key=value`), via the docker CLI (synchronous). */
export function removeLabelled(label: string): void {
    const list = (args: string[]) => spawnSync("docker", args, { encoding: "utf8" }).stdout.split("\n").filter(Boolean);
    const containers = list(["ps", "-aq", "--filter", `label=${label}`]);
    if (containers.length) spawnSync("docker", ["rm", "-f", "-v", ...containers]);
    const networks = list(["network", "ls", "-q", "--filter", `label=${label}`]);
    if (networks.length) spawnSync("docker", ["network", "rm", ...networks]);
    const volumes = list(["volume", "ls", "-q", "--filter", `label=${label}`]);
    if (volumes.length) spawnSync("docker", ["volume", "rm", "-f", ...volumes]);
}

/**
 * A detached watchdog that outlives the test process: when `ownerPid` is gone (Ctrl-C, a crash, SIGKILL: jest does not
 * run afterAll then), it stops the process group named in `pidFile` (the event generator) and removes every
 * container, network and volume labelled with this run. The happy path cleans up itself; the watchdog then finds
 * nothing to remove.
 */
export function startCleanupWatchdog(ownerPid: number, runLabel: string, pidFile: string): void {
    const script = [
        `while kill -0 ${ownerPid} 2>/dev/null; do sleep 1; done`,
        `[ -f '${pidFile}' ] && kill -9 -- -"$(cat '${pidFile}')" 2>/dev/null`,
        `c=$(docker ps -aq --filter 'label=${runLabel}'); [ -n "$c" ] && docker rm -f -v $c`,
        `n=$(docker network ls -q --filter 'label=${runLabel}'); [ -n "$n" ] && docker network rm $n`,
        `v=$(docker volume ls -q --filter 'label=${runLabel}'); [ -n "$v" ] && docker volume rm -f $v`,
        `rm -f '${pidFile}'`,
    ].join("; ");
    spawn("sh", ["-c", script], { detached: true, stdio: "ignore" }).unref();
}

export const isE2eName = (name: string) => name.replace(/^\//, "").startsWith(E2E_NAME_PREFIX);

/** Text of a multiplexed Docker log or exec stream without its frame headers' control bytes (0x00-0x08). */
export function withoutControlBytes(text: string): string {
    return [...text].filter((c) => c.charCodeAt(0) > 8).join("");
}
