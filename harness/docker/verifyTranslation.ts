/**
 * The translation itself, tested against the engine: what `docker inspect` reports for a created container equals
 * the request the runner built from the program's declaration, and every upload is in the container with its
 * content's size, its mode and its owner.
 */
import type Dockerode from "dockerode";

import type { ContainerRequest } from "./translate";

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Differences between the request and the inspected container, as "field: wanted X, engine has Y". */
export function translationDifferences(info: Dockerode.ContainerInspectInfo, req: ContainerRequest): string[] {
    const o = req.options;
    const h = o.HostConfig ?? {};
    const problems: string[] = [];
    const check = (field: string, wanted: unknown, seen: unknown) => {
        if (wanted !== undefined && !same(wanted, seen))
            problems.push(`${field}: wanted ${JSON.stringify(wanted)}, engine has ${JSON.stringify(seen)}`);
    };
    check("name", `/${o.name}`, info.Name);
    check("image", o.Image, info.Config.Image);
    if (o.Entrypoint !== undefined) check("entrypoint", o.Entrypoint, info.Config.Entrypoint);
    check("cmd", o.Cmd, info.Config.Cmd);
    for (const e of o.Env ?? []) if (!info.Config.Env.includes(e)) problems.push(`env: ${e.split("=")[0]} missing`);
    for (const [k, v] of Object.entries(o.Labels ?? {}))
        if (info.Config.Labels?.[k] !== v) problems.push(`label ${k}: wanted ${v}, engine has ${info.Config.Labels?.[k]}`);
    check("memory", h.Memory, info.HostConfig.Memory);
    check("memorySwap", h.MemorySwap, info.HostConfig.MemorySwap);
    check("nanoCpus", h.NanoCpus, info.HostConfig.NanoCpus);
    check("restart", h.RestartPolicy?.Name, info.HostConfig.RestartPolicy?.Name);
    check("logDriver", h.LogConfig?.Type, info.HostConfig.LogConfig?.Type);
    check("logOpts", h.LogConfig?.Config, info.HostConfig.LogConfig?.Config);
    check("extraHosts", h.ExtraHosts, info.HostConfig.ExtraHosts);
    check("portBindings", h.PortBindings, info.HostConfig.PortBindings);
    check("binds", h.Binds, info.HostConfig.Binds);
    check("stopSignal", o.StopSignal, (info.Config as { StopSignal?: string }).StopSignal);
    check("stopTimeout", o.StopTimeout, (info.Config as { StopTimeout?: number }).StopTimeout);
    check("healthcheck", o.Healthcheck, (info.Config as { Healthcheck?: unknown }).Healthcheck);
    for (const [netName, ep] of Object.entries(o.NetworkingConfig?.EndpointsConfig ?? {})) {
        const seen = info.NetworkSettings.Networks[netName];
        if (!seen) problems.push(`network ${netName}: not attached`);
        else
            for (const a of ep.Aliases ?? [])
                if (!(seen.Aliases ?? []).includes(a)) problems.push(`network ${netName}: alias ${a} missing (has ${JSON.stringify(seen.Aliases)})`);
    }
    return problems;
}

/** {@link translationDifferences} plus the uploads, read back through the archive API. */
export async function verifyTranslation(
    container: Dockerode.Container,
    info: Dockerode.ContainerInspectInfo,
    req: ContainerRequest,
): Promise<string[]> {
    const problems = translationDifferences(info, req);
    for (const u of req.uploads) {
        const stat = await container.infoArchive({ path: u.file }).catch((e: Error) => e);
        if (stat instanceof Error) {
            problems.push(`upload ${u.file}: not in the container (${stat.message})`);
            continue;
        }
        const header = (stat as unknown as { headers?: Record<string, string> }).headers?.["x-docker-container-path-stat"];
        const size = header ? (JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { size: number }).size : undefined;
        const wanted = Buffer.byteLength(u.content, "utf8");
        if (size !== undefined && size !== wanted) problems.push(`upload ${u.file}: ${size} bytes in the container, ${wanted} declared`);
        const entry = await archiveEntry(container, u.file);
        const seen = `${(entry.mode & 0o7777).toString(8)} ${entry.uid}:${entry.gid}`;
        const declared = `${u.mode.toString(8)} ${u.uid}:${u.gid}`;
        if (seen !== declared) problems.push(`upload ${u.file}: mode and owner ${seen} in the container, ${declared} declared`);
    }
    return problems;
}

/** The first 512-byte block of a stream (then stops reading it). */
function firstBlock(stream: NodeJS.ReadableStream): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const onData = (d: Buffer) => {
            chunks.push(d);
            size += d.length;
            if (size >= 512) {
                stream.removeListener("data", onData);
                (stream as unknown as { destroy?: () => void }).destroy?.();
                resolve(Buffer.concat(chunks).subarray(0, 512));
            }
        };
        stream.on("data", onData);
        stream.on("error", reject);
        stream.on("end", () => (size >= 512 ? undefined : reject(new Error("archive shorter than one tar block"))));
    });
}

/**
 * Mode bits and numeric owner of a path in a container, from the tar header of the archive API (works without a
 * shell in the image, e.g. in Loki's distroless one).
 */
export async function archiveEntry(container: Dockerode.Container, file: string): Promise<{ mode: number; uid: number; gid: number }> {
    const header = await firstBlock(await container.getArchive({ path: file }));
    const octal = (at: number) =>
        parseInt(
            header
                .subarray(at, at + 8)
                .toString("ascii")
                .replace(/\0.*$/, "")
                .trim(),
            8,
        );
    return { mode: octal(100), uid: octal(108), gid: octal(116) };
}
