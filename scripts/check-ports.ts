/**
 * `npm run dev:up` runs this before `pulumi up`: every port the dev stack publishes (`ports.*` on `bindAddress`)
 * must be free, or held by one of the stack's own containers (which `pulumi up` keeps or replaces). Otherwise Docker
 * would only refuse the port when it starts the container, after `pulumi up` has already deleted the old one.
 *
 * Usage: pulumi config --json --stack dev | ts-node scripts/check-ports.ts
 * Reads the stack config the CLI hands the program and checks it with the program's own loader.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";

import { parse } from "yaml";

import { DOCKER_PREFIX } from "../platforms/docker/services";
import { configFor } from "../config/stack";
import type { DockerSettings, StackConfig } from "../config/types";
import { stackConfigFromCli } from "./cli-stack-config";

/** A host port a running container publishes, as the engine reports it. */
export interface PublishedPort {
    readonly container: string;
    readonly hostIp: string;
    readonly hostPort: number;
}

/** One port the stack wants: the config key that sets it, the port, and the address it is published on. */
export interface PortClaim {
    readonly key: string;
    readonly port: number;
}

const ANY_ADDRESS = new Set(["0.0.0.0", "::", ""]);

/** The stack's published ports, each with the key a user changes to move it. */
export function portClaims(config: Pick<DockerSettings, "ports">): PortClaim[] {
    return Object.entries(config.ports).map(([field, port]) => ({ key: `ports.${field}`, port }));
}

/** Whether a container of the stack itself publishes `port` on `bindAddress` (or on every address). */
function heldByTheStack(port: number, bindAddress: string, published: readonly PublishedPort[]): boolean {
    return published.some(
        (p) =>
            p.container.startsWith(`${DOCKER_PREFIX}-`) &&
            p.hostPort === port &&
            (ANY_ADDRESS.has(p.hostIp) || ANY_ADDRESS.has(bindAddress) || p.hostIp === bindAddress),
    );
}

/**
 * The decision: a claimed port that is in use is refused unless the stack's own container holds it. Pure; `inUse`
 * is what binding the port found, `published` what the engine's containers publish.
 */
export function portProblems(
    claims: readonly PortClaim[],
    bindAddress: string,
    inUse: ReadonlySet<number>,
    published: readonly PublishedPort[],
): string[] {
    return claims
        .filter((c) => inUse.has(c.port) && !heldByTheStack(c.port, bindAddress, published))
        .map(
            (c) =>
                `${c.key} ${c.port} on ${bindAddress} is in use by another process: pulumi config set --path ${c.key} <free port> --stack dev ` +
                `(or stop what listens there).`,
        );
}

/**
 * `docker ps` publishes as `127.0.0.1:3000->3000/tcp, [::]:3000->3000/tcp`; a range as `0.0.0.0:9000-9001->...`.
 * Exposed-only ports (`3000/tcp`) hold nothing on the host.
 */
export function parseDockerPs(lines: string): PublishedPort[] {
    const out: PublishedPort[] = [];
    for (const line of lines.split("\n").filter((l) => l.trim() !== "")) {
        const [container, ports = ""] = line.split("\t");
        for (const mapping of ports.split(",").map((m) => m.trim())) {
            const m = /^(?:\[([^\]]*)\]|([^:[\]]*)|(::)):(\d+)(?:-(\d+))?->/.exec(mapping);
            if (!m) continue;
            const hostIp = m[1] ?? m[2] ?? m[3] ?? "";
            const first = Number(m[4]);
            const last = m[5] === undefined ? first : Number(m[5]);
            for (let port = first; port <= last; port++) out.push({ container, hostIp, hostPort: port });
        }
    }
    return out;
}

/** Whether something already listens on `port` at `address`: try to bind it. */
export function portInUse(port: number, address: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        // Only EADDRINUSE says someone holds it; EACCES (a low port without root) or EADDRNOTAVAIL (an address of a VM
        // engine) say nothing about the engine's own bind, which Docker then reports itself.
        server.once("error", (e: NodeJS.ErrnoException) => (e.code === "EADDRINUSE" ? resolve(true) : e.code ? resolve(false) : reject(e)));
        server.listen({ port, host: address, exclusive: true }, () => server.close(() => resolve(false)));
    });
}

/** The running containers' published ports, from the docker CLI (the engine dev-up.sh talks to). */
export function dockerPublishedPorts(): PublishedPort[] {
    const r = spawnSync("docker", ["ps", "--format", "{{.Names}}\t{{.Ports}}"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`docker ps failed: ${r.stderr.trim()}`);
    return parseDockerPs(r.stdout);
}

/** Every problem with the stack's ports; the engine lookup is injected so tests need no Docker. */
export async function checkPorts(config: Pick<DockerSettings, "ports" | "bindAddress">, published: () => PublishedPort[]): Promise<string[]> {
    const claims = portClaims(config);
    const inUse = new Set<number>();
    for (const c of claims) if (await portInUse(c.port, config.bindAddress)) inUse.add(c.port);
    // Ask the engine only when a port is taken: the common case needs no docker call.
    return inUse.size === 0 ? [] : portProblems(claims, config.bindAddress, inUse, published());
}

async function main(): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    let config: StackConfig;
    try {
        const project = (parse(fs.readFileSync("Pulumi.yaml", "utf8")) as { name: string }).name;
        config = stackConfigFromCli(Buffer.concat(chunks).toString("utf8"), project, "dev");
    } catch (e) {
        // The program would refuse the same config with the same message; say it before `pulumi up`.
        process.stderr.write(`dev-up: ${(e as Error).message}\n`);
        process.exit(1);
    }
    const problems = await checkPorts(configFor(config, "docker"), dockerPublishedPorts);
    if (problems.length > 0) {
        process.stderr.write(problems.map((p) => `dev-up: ${p}\n`).join(""));
        process.exit(1);
    }
}

if (require.main === module) void main();
