/**
 * The build context and Dockerfile of each local image (./images.ts says what each reproduces). Pure. The Dockerfiles
 * suit the legacy builder: no heredocs, no --chmod.
 */
import { VERSIONS } from "../../config/versions";
import { ContextFile, E2E_LABEL, E2eImage, NO_LOCAL_BUILD } from "./images";

const BUSYBOX_HOST_PATH = "/bin/busybox";
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
