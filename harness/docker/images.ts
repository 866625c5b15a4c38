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

export const sha256 = (data: Buffer | string): string => createHash("sha256").update(data).digest("hex");

/** Whether an existing image (its labels) is the one the recipe and binary would build. Pure. */
export function imageIsCurrent(labels: Readonly<Record<string, string>> | undefined, binarySha: string, recipeSha: string): boolean {
    return labels?.[BINARY_SHA_LABEL] === binarySha && labels?.[RECIPE_SHA_LABEL] === recipeSha;
}
