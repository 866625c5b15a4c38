/**
 * Translation of what the program declares (the inputs of its docker.Network / docker.Volume / docker.Container
 * registrations, as the Pulumi mocks record them) into Docker Engine API requests, field by field. A field the
 * program sets that is not translated here is an error, never silently dropped. Pure.
 *
 * Deliberate differences from the provider, all in one place:
 *  - names get the prefix `a4co-e2e-` (containers, network, volumes), so the suite never touches a user's real dev
 *    stack; network aliases (the DNS names the configs use) are kept;
 *  - the image is the local image standing in for the official reference (harness/docker/images.ts);
 *  - every object carries the label `a4co.e2e=<run id>` for cleanup.
 */
import type Dockerode from "dockerode";

export const E2E_NAME_PREFIX = "a4co-e2e-";
export const RUN_LABEL = "a4co.e2e";

export type Inputs = Record<string, unknown>;

/** A secret input arrives from the mocks either plain or wrapped in Pulumi's secret envelope. */
export function unwrapSecret<T>(v: T | { value: T }): T {
    if (v !== null && typeof v === "object" && "4dabf18193072939515e22adb298388d" in (v as object)) return (v as { value: T }).value;
    return v as T;
}

const e2eName = (name: unknown, what: string): string => {
    if (typeof name !== "string" || !name) throw new Error(`${what}: 'name' is ${JSON.stringify(name)}; the runner needs the declared name`);
    return `${E2E_NAME_PREFIX}${name}`;
};

function unknownFields(what: string, inputs: Inputs, known: readonly string[]): void {
    const extra = Object.keys(inputs).filter((k) => !known.includes(k) && inputs[k] !== undefined);
    if (extra.length > 0)
        throw new Error(
            `${what} sets ${extra.map((k) => `'${k}'`).join(", ")}, which the e2e runner does not translate: add the translation to harness/docker/translate.ts (never drop a field)`,
        );
}

/** Go-style duration ("15s", "1m30s", "500ms") in nanoseconds, as the Engine API wants healthcheck timings. */
export function durationNs(d: unknown, field: string): number {
    if (typeof d !== "string") throw new Error(`healthcheck.${field} is ${JSON.stringify(d)}: expected a duration such as "15s"`);
    const re = /(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)/g;
    const unit: Record<string, number> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
    let total = 0;
    let consumed = 0;
    for (let m = re.exec(d); m; m = re.exec(d)) {
        total += Number(m[1]) * unit[m[2]];
        consumed += m[0].length;
    }
    if (consumed !== d.length || d.length === 0) throw new Error(`healthcheck.${field} is ${JSON.stringify(d)}: expected a duration such as "15s"`);
    return Math.round(total);
}

export interface NetworkRequest {
    readonly declaredName: string;
    readonly options: Dockerode.NetworkCreateOptions;
}

export function translateNetwork(inputs: Inputs, runId: string): NetworkRequest {
    unknownFields("docker.Network", inputs, ["name", "driver"]);
    return {
        declaredName: String(inputs.name),
        options: {
            Name: e2eName(inputs.name, "docker.Network"),
            Driver: (inputs.driver as string | undefined) ?? "bridge",
            Labels: { [RUN_LABEL]: runId },
            CheckDuplicate: true,
        },
    };
}

type LabelInput = { label: string; value: string };

export interface VolumeRequest {
    readonly declaredName: string;
    readonly name: string;
    readonly options: Dockerode.VolumeCreateOptions;
}

export function translateVolume(inputs: Inputs, runId: string): VolumeRequest {
    unknownFields("docker.Volume", inputs, ["name", "labels"]);
    const labels = Object.fromEntries(((inputs.labels as LabelInput[] | undefined) ?? []).map((l) => [l.label, l.value]));
    const name = e2eName(inputs.name, "docker.Volume");
    return { declaredName: String(inputs.name), name, options: { Name: name, Labels: { ...labels, [RUN_LABEL]: runId } } };
}

export interface Upload {
    readonly file: string;
    readonly content: string;
    /** File mode bits: `permissions` (octal text), else 0755 / 0644 by `executable`, as the provider writes them. */
    readonly mode: number;
    /** Numeric owner and group (`owner` / `group`); 0 when unset, as the provider's tar header. */
    readonly uid: number;
    readonly gid: number;
}

/** One upload of the program in Engine API terms; anything the provider would not take the same way is refused. Pure. */
export function translateUpload(
    what: string,
    u: { file: string; content?: unknown; executable?: boolean; permissions?: string; owner?: string; group?: string },
): Upload {
    const content = unwrapSecret(u.content as string);
    if (typeof content !== "string") throw new Error(`${what}: upload ${u.file} has no text 'content' (only content uploads are translated)`);
    if (u.permissions !== undefined && !/^0?[0-7]{3,4}$/.test(u.permissions))
        throw new Error(`${what}: upload ${u.file} has permissions '${u.permissions}'; the runner translates octal modes such as 0400`);
    const id = (field: "owner" | "group"): number => {
        const v = u[field];
        if (v === undefined) return 0;
        if (!/^\d+$/.test(v)) throw new Error(`${what}: upload ${u.file} has ${field} '${v}'; the runner translates numeric ids only`);
        return Number(v);
    };
    const mode = u.permissions !== undefined ? parseInt(u.permissions, 8) : u.executable === true ? 0o755 : 0o644;
    return { file: u.file, content, mode, uid: id("owner"), gid: id("group") };
}

export interface ContainerRequest {
    readonly declaredName: string;
    readonly options: Dockerode.ContainerCreateOptions;
    /** Files copied into the container after create, before start (what the provider does with `uploads`). */
    readonly uploads: readonly Upload[];
    /** Seconds to wait for healthy (`wait` + `waitTimeout`); undefined when the program does not wait. */
    readonly waitHealthySeconds: number | undefined;
    /** Seconds between SIGTERM and SIGKILL on removal (`destroyGraceSeconds`). */
    readonly destroyGraceSeconds: number | undefined;
}

/** Everything the program's containers may set, each translated below. */
export const CONTAINER_FIELDS = [
    "name",
    "image",
    "restart",
    "hosts",
    "labels",
    "logDriver",
    "logOpts",
    "memory",
    "memorySwap",
    "cpus",
    "stopSignal",
    "stopTimeout",
    "destroyGraceSeconds",
    "wait",
    "waitTimeout",
    "command",
    "entrypoints",
    "envs",
    "uploads",
    "volumes",
    "ports",
    "healthcheck",
    "networksAdvanced",
] as const;

export interface ContainerContext {
    readonly runId: string;
    /** The local image to run for the declared image input (an image id of a docker.RemoteImage). */
    readonly imageFor: (declaredImage: string) => string;
    /** Declared network name -> created network name; declared volume name -> created volume name. */
    readonly networkName: (declared: string) => string;
    readonly volumeName: (declared: string) => string;
}

const MB = 1024 * 1024;

export function translateContainer(inputs: Inputs, ctx: ContainerContext): ContainerRequest {
    const what = `docker.Container ${String(inputs.name)}`;
    unknownFields(what, inputs, CONTAINER_FIELDS);
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    for (const p of (inputs.ports as { internal: number; external?: number; ip?: string; protocol?: string }[] | undefined) ?? []) {
        const key = `${p.internal}/${p.protocol ?? "tcp"}`;
        exposed[key] = {};
        if (!p.ip) throw new Error(`${what}: ports[${p.internal}] has no 'ip': the dev stack publishes on the bind address only`);
        (bindings[key] ??= []).push({ HostIp: p.ip, HostPort: p.external === undefined ? "" : String(p.external) });
    }
    const binds: string[] = [];
    for (const v of (inputs.volumes as { volumeName?: string; hostPath?: string; containerPath: string; readOnly?: boolean }[] | undefined) ?? []) {
        const source = v.volumeName !== undefined ? ctx.volumeName(v.volumeName) : v.hostPath;
        if (!source) throw new Error(`${what}: volume at ${v.containerPath} has neither volumeName nor hostPath`);
        binds.push(`${source}:${v.containerPath}${v.readOnly ? ":ro" : ""}`);
    }
    const labels = Object.fromEntries(((inputs.labels as LabelInput[] | undefined) ?? []).map((l) => [l.label, l.value]));
    const hc = inputs.healthcheck as { tests: string[]; interval?: string; timeout?: string; retries?: number; startPeriod?: string } | undefined;
    const nets = (inputs.networksAdvanced as { name: string; aliases?: string[] }[] | undefined) ?? [];
    if (nets.length > 1) throw new Error(`${what}: ${nets.length} networks; the Engine API attaches one at create, the runner supports one`);
    const uploads = ((inputs.uploads as Parameters<typeof translateUpload>[1][] | undefined) ?? []).map((u) => translateUpload(what, u));
    const memorySwap = inputs.memorySwap as number | undefined;
    const options: Dockerode.ContainerCreateOptions = {
        name: e2eName(inputs.name, "docker.Container"),
        Image: ctx.imageFor(String(inputs.image)),
        Entrypoint: inputs.entrypoints as string[] | undefined,
        Cmd: inputs.command as string[] | undefined,
        Env: ((inputs.envs as unknown[] | undefined) ?? []).map((e) => String(unwrapSecret(e as string))),
        Labels: { ...labels, [RUN_LABEL]: ctx.runId },
        ExposedPorts: exposed,
        StopSignal: inputs.stopSignal as string | undefined,
        StopTimeout: inputs.stopTimeout as number | undefined,
        Healthcheck: hc && {
            Test: hc.tests,
            Interval: hc.interval === undefined ? undefined : durationNs(hc.interval, "interval"),
            Timeout: hc.timeout === undefined ? undefined : durationNs(hc.timeout, "timeout"),
            StartPeriod: hc.startPeriod === undefined ? undefined : durationNs(hc.startPeriod, "startPeriod"),
            Retries: hc.retries,
        },
        HostConfig: {
            PortBindings: bindings,
            Binds: binds,
            RestartPolicy: inputs.restart ? { Name: String(inputs.restart) } : undefined,
            LogConfig: inputs.logDriver
                ? { Type: String(inputs.logDriver), Config: (inputs.logOpts as Record<string, string> | undefined) ?? {} }
                : undefined,
            Memory: inputs.memory === undefined ? undefined : Number(inputs.memory) * MB,
            MemorySwap: memorySwap === undefined ? undefined : memorySwap < 0 ? -1 : memorySwap * MB,
            NanoCpus: inputs.cpus === undefined ? undefined : Math.round(Number(inputs.cpus) * 1e9),
            ExtraHosts: ((inputs.hosts as { host: string; ip: string }[] | undefined) ?? []).map((h) => `${h.host}:${h.ip}`),
            NetworkMode: nets[0] ? ctx.networkName(nets[0].name) : undefined,
        },
        NetworkingConfig: nets[0] ? { EndpointsConfig: { [ctx.networkName(nets[0].name)]: { Aliases: nets[0].aliases ?? [] } } } : undefined,
    };
    return {
        declaredName: String(inputs.name),
        options,
        uploads,
        waitHealthySeconds: inputs.wait === true ? Number(inputs.waitTimeout ?? 60) : undefined,
        destroyGraceSeconds: inputs.destroyGraceSeconds as number | undefined,
    };
}

/** A POSIX ustar archive of the uploads (what `putArchive` takes). The provider uploads files the same way. */
export function tarOf(files: readonly Upload[]): Buffer {
    const blocks: Buffer[] = [];
    for (const f of files) {
        const name = f.file.replace(/^\/+/, "");
        const body = Buffer.from(f.content, "utf8");
        const header = Buffer.alloc(512, 0);
        const split = name.length > 100 ? name.lastIndexOf("/", 155) : -1;
        header.write(split > 0 ? name.slice(split + 1) : name, 0, 100, "utf8");
        header.write(f.mode.toString(8).padStart(7, "0") + "\0", 100, "ascii");
        header.write(f.uid.toString(8).padStart(7, "0") + "\0", 108, "ascii");
        header.write(f.gid.toString(8).padStart(7, "0") + "\0", 116, "ascii");
        header.write(body.length.toString(8).padStart(11, "0") + "\0", 124, "ascii");
        header.write(
            Math.floor(Date.now() / 1000)
                .toString(8)
                .padStart(11, "0") + "\0",
            136,
            "ascii",
        );
        header.write("        ", 148, "ascii");
        header.write("0", 156, "ascii");
        header.write("ustar\0", 257, "ascii");
        header.write("00", 263, "ascii");
        if (split > 0) header.write(name.slice(0, split), 345, 155, "utf8");
        let sum = 0;
        for (const b of header) sum += b;
        header.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "ascii");
        blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512, 0));
    }
    blocks.push(Buffer.alloc(1024, 0));
    return Buffer.concat(blocks);
}
