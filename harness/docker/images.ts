/**
 * Local images of the pinned programs for the e2e suite, built from their Go modules (static, CGO_ENABLED=0) into
 * images that reproduce the official images' layout: ENTRYPOINT/CMD, USER, WORKDIR, the directories they own (a fresh
 * named volume copies the ownership of the image directory it is mounted on) and the shell tools our healthchecks
 * use (busybox `wget`/`sh` from Debian's busybox-static, as the official images have busybox). Only the Apache-2.0
 * programs get a local image: Loki, Grafana, Promtail and Alloy run from their official images or not at all
 * ({@link NO_LOCAL_BUILD}).
 *
 * Local images are tagged `a4co-e2e/<name>:<official tag>`, never as the official reference, so they can never shadow
 * a user's real images. {@link E2E_IMAGES} is the single table official reference -> local image.
 *
 * The official Dockerfiles reproduced (read at the pinned tags):
 *  - prom/prometheus:v3.14.0        prometheus/prometheus@v3.14.0 (d7598b71) Dockerfile
 *  - prom/alertmanager:v0.34.0      prometheus/alertmanager@v0.34.0 Dockerfile
 *  - nats:2.14.9-alpine             nats-io/nats-docker 2.14.x/alpine3.22/Dockerfile + docker-entrypoint.sh
 *                                   (newest in the read snapshot is 2.14.5, aa0caa57; the layout is per minor)
 *  - natsio/prometheus-nats-exporter:0.20.1
 *                                   nats-io/prometheus-nats-exporter@v0.20.1 cicd/Dockerfile + cicd/assets/entrypoint.sh
 *                                   (the target of docker-bake.hcl that publishes the image)
 */
import { createHash } from "crypto";

import { imageRef, VERSIONS } from "../../config/versions";
import type { DockerService } from "../../platforms/docker/services";
import { TOOLS, ToolSpec } from "../tools/recipes";

/**
 * The services never built here, with the reason: each is or links AGPL code (README, Licence). Their official
 * images are deployed by the program and used by the e2e where the engine has or can pull them.
 */
export const NO_LOCAL_BUILD: Readonly<Record<"loki" | "grafana" | "promtail" | "alloy", string>> = {
    loki: "Loki's Go module (github.com/grafana/loki/v3) is AGPL-3.0: this project never builds it",
    grafana: "Grafana's Go module is AGPL-3.0: this project never builds it",
    promtail: "Promtail links Loki's AGPL-3.0 module: this project never builds it",
    alloy: "Alloy links Loki's AGPL-3.0 module: this project never builds it",
};

/** Label on every local image: the sha256 of the program binary it carries (a rebuilt binary rebuilds the image). */
export const BINARY_SHA_LABEL = "a4co.e2e.binary-sha256";
/** Label on every local image: the sha256 of its Dockerfile text (a changed recipe rebuilds the image). */
export const RECIPE_SHA_LABEL = "a4co.e2e.recipe-sha256";
/** Label on every object the e2e suite creates (containers, networks, volumes, images), for cleanup. */
export const E2E_LABEL = "a4co.e2e";

/** A file of the build context that is not the program binary. */
export interface ContextFile {
    readonly path: string;
    /** Text content, or `fromModule` = a file of the program's Go module (read from the module cache). */
    readonly content?: string;
    readonly fromModule?: { readonly module: string; readonly version: string; readonly file: string };
    /** Host file copied into the context (busybox). */
    readonly fromHost?: string;
    readonly mode?: number;
}

export interface E2eImage {
    /** The dev stack service whose image this stands in for. */
    readonly service: DockerService;
    readonly officialRef: string;
    readonly localRef: string;
    /** The programs copied in, first = the service's own program. */
    readonly programs: readonly { readonly spec: ToolSpec; readonly path: string }[];
    readonly user: string;
    readonly workdir: string;
    readonly entrypoint: readonly string[];
    readonly cmd: readonly string[];
    /** Directories the image owns (path -> uid:gid), as the official image does. */
    readonly owned: Readonly<Record<string, string>>;
    /** Whether the image has busybox `sh`/`wget` (like the official one). */
    readonly busybox: boolean;
    /** Default config file the official image ships. */
    readonly defaultConfig: string;
    /** A command that proves the image is healthy when started with its default CMD. */
    readonly healthcheck: readonly string[];
    /** The port its default CMD listens on (for the image test). */
    readonly port: number;
    readonly source: string;
}

const BUSYBOX_HOST_PATH = "/bin/busybox";
const NOBODY = "65534:65534";

const wget = (port: number, path: string) => ["wget", "-q", "-O", "/dev/null", `http://127.0.0.1:${port}${path}`];
const localRef = (name: string, tag: string) => `a4co-e2e/${name}:${tag}`;

/** The table official reference -> local image, with what each image reproduces. Pure. */
export function e2eImages(): E2eImage[] {
    const prom = TOOLS.prometheus;
    const am = TOOLS.alertmanager;
    const nats = TOOLS["nats-server"];
    const exporter = TOOLS["prometheus-nats-exporter"];
    return [
        {
            service: "prometheus",
            officialRef: imageRef("prometheus"),
            localRef: localRef("prometheus", VERSIONS.prometheus.tag),
            programs: [
                { spec: prom, path: "/bin/prometheus" },
                { spec: TOOLS.promtool, path: "/bin/promtool" },
            ],
            user: "nobody",
            workdir: "/prometheus",
            entrypoint: ["/bin/prometheus"],
            cmd: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"],
            owned: { "/etc/prometheus": NOBODY, "/prometheus": NOBODY },
            busybox: true,
            defaultConfig: "/etc/prometheus/prometheus.yml",
            healthcheck: wget(9090, "/-/ready"),
            port: 9090,
            source: "prometheus/prometheus@v3.14.0 Dockerfile (busybox base)",
        },
        {
            service: "alertmanager",
            officialRef: imageRef("alertmanager"),
            localRef: localRef("alertmanager", VERSIONS.alertmanager.tag),
            programs: [
                { spec: am, path: "/bin/alertmanager" },
                { spec: TOOLS.amtool, path: "/bin/amtool" },
            ],
            user: "nobody",
            workdir: "/alertmanager",
            entrypoint: ["/bin/alertmanager"],
            cmd: ["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager"],
            owned: { "/etc/alertmanager": NOBODY, "/alertmanager": NOBODY },
            busybox: true,
            defaultConfig: "/etc/alertmanager/alertmanager.yml",
            healthcheck: wget(9093, "/-/ready"),
            port: 9093,
            source: "prometheus/alertmanager@v0.34.0 Dockerfile (busybox base)",
        },
        {
            service: "nats",
            officialRef: imageRef("nats"),
            localRef: localRef("nats", VERSIONS.nats.tag),
            programs: [{ spec: nats, path: "/usr/local/bin/nats-server" }],
            user: "",
            workdir: "",
            entrypoint: ["docker-entrypoint.sh"],
            cmd: ["nats-server", "--config", "/etc/nats/nats-server.conf"],
            owned: {},
            busybox: true,
            defaultConfig: "/etc/nats/nats-server.conf",
            healthcheck: wget(8222, "/healthz"),
            port: 8222,
            source: "nats-io/nats-docker 2.14.x/alpine3.22/Dockerfile (alpine: busybox sh and wget)",
        },
        {
            service: "natsExporter",
            officialRef: imageRef("natsExporter"),
            localRef: localRef("prometheus-nats-exporter", VERSIONS.natsExporter.tag),
            programs: [{ spec: exporter, path: "/usr/local/bin/prometheus-nats-exporter" }],
            user: "",
            workdir: "",
            entrypoint: ["/entrypoint.sh"],
            cmd: [],
            owned: {},
            busybox: true,
            defaultConfig: "",
            // Started with `-varz http://127.0.0.1:8222` it serves /metrics even when NATS is away.
            healthcheck: wget(7777, "/metrics"),
            port: 7777,
            source: "nats-io/prometheus-nats-exporter@v0.20.1 cicd/Dockerfile (alpine: busybox sh and wget)",
        },
    ];
}

/** The local image standing in for an official reference; throws naming the table when there is none. */
export function localImageFor(officialRef: string, images: readonly E2eImage[] = e2eImages()): E2eImage | undefined {
    return images.find((i) => i.officialRef === officialRef);
}

const json = (v: readonly string[]) => JSON.stringify(v);
/** The binary's file name in the build context. */
export const contextName = (programPath: string) => `bin-${programPath.split("/").pop()}`;

const PASSWD = "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n";
const GROUP = "root:x:0:\nnobody:x:65534:\n";

/** Files of the build context besides the program binaries. Pure. */
export function contextFiles(image: E2eImage): ContextFile[] {
    const files: ContextFile[] = [];
    if (image.busybox || Object.keys(image.owned).length > 0) files.push({ path: "busybox", fromHost: BUSYBOX_HOST_PATH, mode: 0o755 });
    switch (image.service) {
        case "prometheus": {
            const v = VERSIONS.prometheus;
            files.push({
                path: "prometheus.yml",
                fromModule: { module: v.goModule, version: v.goVersion, file: "documentation/examples/prometheus.yml" },
            });
            files.push({ path: "passwd", content: PASSWD }, { path: "group", content: GROUP });
            break;
        }
        case "alertmanager": {
            const v = VERSIONS.alertmanager;
            files.push({ path: "alertmanager.yml", fromModule: { module: v.goModule, version: v.goVersion, file: "examples/ha/alertmanager.yml" } });
            files.push({ path: "passwd", content: PASSWD }, { path: "group", content: GROUP });
            break;
        }
        case "nats":
            // Same decision as the official docker-entrypoint.sh: flags alone run nats-server, anything else runs as given.
            files.push({
                path: "docker-entrypoint.sh",
                mode: 0o755,
                content: '#!/bin/sh\nset -e\nif [ "$#" -eq 0 ] || [ "${1#-}" != "$1" ]; then\n    set -- nats-server "$@"\nfi\nexec "$@"\n',
            });
            // The official default config listens on 4222 with monitoring on 8222 (its cluster block with a sample
            // route password is left out on purpose: nobody should run it).
            files.push({ path: "nats-server.conf", content: "port: 4222\nmonitor_port: 8222\n" });
            break;
        case "natsExporter":
            files.push({ path: "entrypoint.sh", mode: 0o755, content: '#!/bin/sh\nexec "/${GO_APP}" "$@"\n' });
            break;
        case "loki":
        case "grafana":
        case "promtail":
        case "alloy":
            throw new Error(`no local image recipe for ${image.service}: ${NO_LOCAL_BUILD[image.service]}`);
    }
    return files;
}

const tail = (image: E2eImage): string[] => [
    ...(image.user ? [`USER ${image.user}`] : []),
    ...(image.workdir ? [`WORKDIR ${image.workdir}`] : []),
    `ENTRYPOINT ${json(image.entrypoint)}`,
    ...(image.cmd.length ? [`CMD ${json(image.cmd)}`] : []),
    `LABEL ${E2E_LABEL}="image" org.opencontainers.image.source="${image.source}" a4co.e2e.official-ref="${image.officialRef}"`,
];

const copyPrograms = (image: E2eImage) => image.programs.map((p) => `COPY ${contextName(p.path)} ${p.path}`);
const chownOwned = (image: E2eImage) => Object.entries(image.owned).map(([dir, owner]) => `chown -R ${owner} ${dir}`);

/** The Dockerfile of a local image (the legacy builder understands it: no heredocs, no --chmod). Pure. */
export function dockerfileFor(image: E2eImage): string {
    const bb = [
        "FROM scratch",
        "COPY busybox /bin/busybox",
        'RUN ["/bin/busybox", "--install", "-s", "/bin"]',
        "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    ];
    const mkTmp = "mkdir -p /tmp && chmod 1777 /tmp";
    switch (image.service) {
        case "prometheus":
            return (
                [
                    `# ${image.source}: prometheus and promtool in /bin, example config, /etc/prometheus and /prometheus owned by nobody.`,
                    ...bb,
                    "COPY passwd /etc/passwd",
                    "COPY group /etc/group",
                    ...copyPrograms(image),
                    "COPY prometheus.yml /etc/prometheus/prometheus.yml",
                    "WORKDIR /prometheus",
                    `RUN ${[mkTmp, ...chownOwned(image), "chmod g+w /prometheus"].join(" && ")}`,
                    "EXPOSE 9090",
                    'VOLUME ["/prometheus"]',
                    ...tail(image),
                ].join("\n") + "\n"
            );
        case "alertmanager":
            return (
                [
                    `# ${image.source}: alertmanager and amtool in /bin, example config, /etc/alertmanager and /alertmanager owned by nobody.`,
                    ...bb,
                    "COPY passwd /etc/passwd",
                    "COPY group /etc/group",
                    ...copyPrograms(image),
                    "COPY alertmanager.yml /etc/alertmanager/alertmanager.yml",
                    `RUN ${[mkTmp, "mkdir -p /alertmanager", ...chownOwned(image), "chmod -R g+w /alertmanager"].join(" && ")}`,
                    "EXPOSE 9093",
                    'VOLUME ["/alertmanager"]',
                    ...tail(image),
                ].join("\n") + "\n"
            );
        case "nats":
            return (
                [
                    `# ${image.source}: nats-server in /usr/local/bin, default config, entrypoint script; runs as root.`,
                    ...bb,
                    `RUN ${mkTmp}`,
                    ...copyPrograms(image),
                    "COPY nats-server.conf /etc/nats/nats-server.conf",
                    "COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
                    "EXPOSE 4222 8222 6222",
                    ...tail(image),
                ].join("\n") + "\n"
            );
        case "natsExporter":
            return (
                [
                    `# ${image.source}: the exporter in /usr/local/bin linked as /prometheus-nats-exporter, /entrypoint.sh execs /$GO_APP.`,
                    ...bb,
                    `RUN ${mkTmp}`,
                    "ENV GO_APP=prometheus-nats-exporter",
                    ...copyPrograms(image),
                    "COPY entrypoint.sh /entrypoint.sh",
                    "RUN ln -s /usr/local/bin/prometheus-nats-exporter /prometheus-nats-exporter",
                    ...tail(image),
                ].join("\n") + "\n"
            );
        case "loki":
        case "grafana":
        case "promtail":
        case "alloy":
            throw new Error(`no local image recipe for ${image.service}: ${NO_LOCAL_BUILD[image.service]}`);
    }
}

export const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

/** Whether an existing image (its labels) is the one the recipe and binary would build. Pure. */
export function imageIsCurrent(labels: Readonly<Record<string, string>> | undefined, binarySha: string, recipeSha: string): boolean {
    return labels?.[BINARY_SHA_LABEL] === binarySha && labels?.[RECIPE_SHA_LABEL] === recipeSha;
}
