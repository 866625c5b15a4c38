/**
 * The dev stack's containers as data. One pure builder decides every container's arguments and what it waits for;
 * the DockerStack component turns the plan into resources, and the e2e runner starts the same plan on a real engine,
 * so the order and the dependencies are stated once.
 */
import type * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { alertmanagerArgs } from "../../render/alertmanager";
import { natsExporterArgs } from "../../render/exporter";
import { grafanaContainerCommand, grafanaEnvironment } from "../../render/grafana";
import { prometheusArgs } from "../../render/prometheus";
import type { SizedService, StoredService, TierSizing } from "../../config/tiers";
import type { DockerSettings, DockerStackConfig } from "../../config/types";
import { GRAFANA_ADMIN_USER } from "../../components/credentials";
import { CONTAINER_PATHS, containerName, DOCKER_SERVICES, DockerConfigFiles, DockerService, PROMTAIL_HEALTHCHECK, SERVICE_LABEL } from "./services";
import { SERVICE_PORTS } from "../ports";

/** Every container argument the plan decides; the component adds the image and the network. */
export type PlannedContainerArgs = Omit<docker.ContainerArgs, "image" | "networksAdvanced">;

export interface ContainerPlan {
    readonly service: DockerService;
    /** The tier budget it runs under. */
    readonly sized: SizedService;
    /** Containers that must exist and be healthy first (the component's `dependsOn` with `wait: true`). */
    readonly dependsOn: readonly DockerService[];
    readonly args: PlannedContainerArgs;
}

export interface DockerPlanInputs {
    readonly config: Pick<
        DockerStackConfig,
        "bindAddress" | "externalHost" | "ports" | "logCollector" | "docker" | "alertReceiver" | "prometheusRetention" | "logLevel"
    >;
    readonly sizing: TierSizing;
    readonly files: DockerConfigFiles;
    /** nats.conf with the users' bcrypt hashes. */
    readonly natsConfig: pulumi.Input<string>;
    /** Grafana's generated admin password (secret). */
    readonly grafanaAdminPassword: pulumi.Input<string>;
    /** Names of the data volumes, and of the log collector's positions volume. */
    readonly volumes: Readonly<Record<StoredService | "logCollector", pulumi.Input<string>>>;
    /** File name of the home dashboard among `files.dashboards`. */
    readonly homeDashboardFile: string;
}

/**
 * Seconds each service gets between SIGTERM and SIGKILL, on `docker stop`, on replacement and on `pulumi destroy`.
 * Without them the provider removes containers by force (SIGKILL), and Prometheus replays its WAL, Alertmanager
 * loses silences and notification state, JetStream and Grafana's SQLite stop mid-write.
 */
export const STOP_GRACE_SECONDS: Readonly<Record<DockerService, number>> = {
    // Closes the head and writes a checkpoint; the operator gives Prometheus pods 600 s, a dev head needs far less.
    prometheus: 120,
    // Writes its silences and notification log snapshots.
    alertmanager: 30,
    // Leaves its ring and closes the ingester's WAL and TSDB index cleanly (chunks are replayed from the WAL).
    loki: 120,
    // Saves its positions file.
    promtail: 15,
    alloy: 15,
    // Closes its SQLite database.
    grafana: 30,
    // Stops JetStream cleanly (syncs streams to disk); the NATS chart allows 60 s as well.
    nats: 60,
    natsExporter: 10,
};

/** Log rotation for every container; `json-file` so the log collector can read the logs through the Docker API. */
export const LOGGING = { logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" } } as const;

export const HEALTHCHECK_TIMING = { interval: "15s", timeout: "5s", retries: 5, startPeriod: "30s" } as const;

/** `wget` healthcheck for the images that ship busybox or Alpine wget. */
const wgetCheck = (url: string): docker.types.input.ContainerHealthcheck => ({
    tests: ["CMD", "wget", "-q", "-O", "/dev/null", url],
    ...HEALTHCHECK_TIMING,
});

/**
 * Host part of the URLs users and notifications open: `externalHost` when set, else the bind address, or localhost
 * when the stack listens on every interface (0.0.0.0 is no address a browser opens).
 */
export function publishedHost(config: Pick<DockerSettings, "bindAddress" | "externalHost">): string {
    return config.externalHost ?? (config.bindAddress === "0.0.0.0" ? "localhost" : config.bindAddress);
}

/** The URL a published port is reached at. */
export function publishedUrl(scheme: string, config: Pick<DockerSettings, "bindAddress" | "externalHost">, port: number): string {
    return `${scheme}://${publishedHost(config)}:${port}`;
}

/**
 * Memory limits from the tier. Memory-swap equal to memory means no swap: a limit that can spill into swap is not a
 * limit. On an engine without swap accounting Docker stores -1 whatever is asked, so the plan asks for -1 there
 * (`docker.swapLimit: false`) and `pulumi up` shows no perpetual diff.
 */
export function memoryLimits(memoryMb: number, swapLimit: boolean): { memory: number; memorySwap: number } {
    return { memory: memoryMb, memorySwap: swapLimit ? memoryMb : -1 };
}

/**
 * The admin password file is readable by Grafana's user alone: the official image runs as `grafana`, uid 472 with
 * group 0 (its Dockerfile's GF_UID / GF_GID); without a mode the provider writes 0644.
 */
export const GRAFANA_ADMIN_PASSWORD_FILE_MODE = { permissions: "0400", owner: "472", group: "0" } as const;

/** The dev stack's containers, in creation order, each with what it waits for. Pure: tests and the e2e runner call it. */
export function dockerContainerPlan(inputs: DockerPlanInputs): ContainerPlan[] {
    const { config, sizing, files, volumes } = inputs;
    const bind = config.bindAddress;
    const collector = config.logCollector;

    const common = (service: DockerService, sized: SizedService): PlannedContainerArgs => ({
        name: containerName(service),
        restart: "unless-stopped",
        // Lets containers reach processes on the Docker host (scrape targets) on every OS.
        hosts: [{ host: "host.docker.internal", ip: "host-gateway" }],
        labels: [{ label: SERVICE_LABEL, value: DOCKER_SERVICES[service].alias }],
        ...LOGGING,
        ...memoryLimits(sizing.services[sized].memoryMb, config.docker.swapLimit),
        cpus: String(sizing.services[sized].cpus),
        stopSignal: "SIGTERM",
        stopTimeout: STOP_GRACE_SECONDS[service],
        destroyGraceSeconds: STOP_GRACE_SECONDS[service],
        wait: true,
        waitTimeout: 180,
    });
    const plan = (service: DockerService, sized: SizedService, args: PlannedContainerArgs, dependsOn: DockerService[] = []): ContainerPlan => ({
        service,
        sized,
        dependsOn,
        args: { ...common(service, sized), ...args },
    });
    const port = (internal: number, external: number) => ({ internal, external, ip: bind });

    const nats = plan("nats", "nats", {
        command: ["nats-server", "--config", CONTAINER_PATHS.natsConfig],
        uploads: [{ file: CONTAINER_PATHS.natsConfig, content: inputs.natsConfig }],
        volumes: [{ volumeName: volumes.nats, containerPath: CONTAINER_PATHS.natsData }],
        ports: [port(DOCKER_SERVICES.nats.port, config.ports.natsClient), port(SERVICE_PORTS.natsMonitoring, config.ports.natsMonitoring)],
        healthcheck: wgetCheck(`http://127.0.0.1:${SERVICE_PORTS.natsMonitoring}/healthz`),
    });

    const exporter = plan(
        "natsExporter",
        "natsExporter",
        {
            command: natsExporterArgs(`http://${DOCKER_SERVICES.nats.alias}:${SERVICE_PORTS.natsMonitoring}`, DOCKER_SERVICES.natsExporter.port, {
                logLevel: config.logLevel,
            }),
            ports: [port(DOCKER_SERVICES.natsExporter.port, config.ports.natsExporter)],
            healthcheck: wgetCheck(`http://127.0.0.1:${DOCKER_SERVICES.natsExporter.port}/metrics`),
        },
        ["nats"],
    );

    const alertmanagerUploads: docker.types.input.ContainerUpload[] = [{ file: CONTAINER_PATHS.alertmanagerConfig, content: files.alertmanager }];
    if (config.alertReceiver) {
        alertmanagerUploads.push({ file: CONTAINER_PATHS.alertmanagerReceiverUrl, content: pulumi.secret(config.alertReceiver.url) });
    }
    const alertmanager = plan("alertmanager", "alertmanager", {
        command: alertmanagerArgs({
            configFile: CONTAINER_PATHS.alertmanagerConfig,
            dataDir: CONTAINER_PATHS.alertmanagerData,
            externalUrl: publishedUrl("http", config, config.ports.alertmanager),
            logLevel: config.logLevel,
        }),
        uploads: alertmanagerUploads,
        volumes: [{ volumeName: volumes.alertmanager, containerPath: CONTAINER_PATHS.alertmanagerData }],
        ports: [port(DOCKER_SERVICES.alertmanager.port, config.ports.alertmanager)],
        healthcheck: wgetCheck(`http://127.0.0.1:${DOCKER_SERVICES.alertmanager.port}/-/ready`),
    });

    const prometheus = plan(
        "prometheus",
        "prometheus",
        {
            command: prometheusArgs({
                configFile: CONTAINER_PATHS.prometheusConfig,
                dataDir: CONTAINER_PATHS.prometheusData,
                retentionTime: config.prometheusRetention,
                retentionSize: sizing.prometheusRetentionSize,
                externalUrl: publishedUrl("http", config, config.ports.prometheus),
                logLevel: config.logLevel,
            }),
            uploads: [
                { file: CONTAINER_PATHS.prometheusConfig, content: files.prometheus },
                ...files.rules.map((r) => ({ file: r.file, content: r.content })),
            ],
            volumes: [{ volumeName: volumes.prometheus, containerPath: CONTAINER_PATHS.prometheusData }],
            ports: [port(DOCKER_SERVICES.prometheus.port, config.ports.prometheus)],
            healthcheck: wgetCheck(`http://127.0.0.1:${DOCKER_SERVICES.prometheus.port}/-/ready`),
        },
        ["alertmanager"],
    );

    const loki = plan("loki", "loki", {
        command: [`-config.file=${CONTAINER_PATHS.lokiConfig}`],
        uploads: [{ file: CONTAINER_PATHS.lokiConfig, content: files.loki }],
        volumes: [{ volumeName: volumes.loki, containerPath: CONTAINER_PATHS.lokiData }],
        ports: [port(DOCKER_SERVICES.loki.port, config.ports.loki)],
        // Distroless image without a shell: Loki checks itself.
        healthcheck: { tests: ["CMD", "/usr/bin/loki", "-health"], ...HEALTHCHECK_TIMING },
    });

    // The collector reads every container's logs through the engine's socket (root-equivalent; see README). The
    // mount source is the socket on the engine's host, which is not always the client's DOCKER_HOST path.
    const socket = { hostPath: config.docker.socket, containerPath: CONTAINER_PATHS.dockerSocket, readOnly: true };
    const logCollector =
        collector === "promtail"
            ? plan(
                  "promtail",
                  "logCollector",
                  {
                      command: [`-config.file=${CONTAINER_PATHS.promtailConfig}`],
                      uploads: [{ file: CONTAINER_PATHS.promtailConfig, content: files.logCollector }],
                      volumes: [socket, { volumeName: volumes.logCollector, containerPath: CONTAINER_PATHS.promtailData }],
                      healthcheck: { tests: PROMTAIL_HEALTHCHECK, ...HEALTHCHECK_TIMING },
                  },
                  ["loki"],
              )
            : plan(
                  "alloy",
                  "logCollector",
                  {
                      command: [
                          "run",
                          `--server.http.listen-addr=0.0.0.0:${DOCKER_SERVICES.alloy.port}`,
                          `--storage.path=${CONTAINER_PATHS.alloyData}`,
                          CONTAINER_PATHS.alloyConfig,
                      ],
                      uploads: [{ file: CONTAINER_PATHS.alloyConfig, content: files.logCollector }],
                      volumes: [socket, { volumeName: volumes.logCollector, containerPath: CONTAINER_PATHS.alloyData }],
                      // Alloy's Ubuntu image has no wget; its binary has no health subcommand, so bash asks /-/ready.
                      healthcheck: {
                          tests: [
                              "CMD",
                              "bash",
                              "-c",
                              `exec 3<>/dev/tcp/127.0.0.1/${DOCKER_SERVICES.alloy.port} && printf 'GET /-/ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3`,
                          ],
                          ...HEALTHCHECK_TIMING,
                      },
                  },
                  ["loki"],
              );

    const grafanaStart = grafanaContainerCommand({ adminPasswordFile: CONTAINER_PATHS.grafanaAdminPassword });
    const grafana = plan(
        "grafana",
        "grafana",
        {
            entrypoints: grafanaStart.entrypoint,
            command: grafanaStart.command,
            envs: grafanaEnvironment({
                logLevel: config.logLevel,
                adminUser: GRAFANA_ADMIN_USER,
                adminPasswordFile: CONTAINER_PATHS.grafanaAdminPassword,
                homeDashboardPath: `${CONTAINER_PATHS.grafanaDashboards}/${inputs.homeDashboardFile}`,
                rootUrl: publishedUrl("http", config, config.ports.grafana),
            }),
            uploads: [
                { file: CONTAINER_PATHS.grafanaAdminPassword, content: inputs.grafanaAdminPassword, ...GRAFANA_ADMIN_PASSWORD_FILE_MODE },
                { file: CONTAINER_PATHS.grafanaDatasources, content: files.grafanaDatasources },
                { file: CONTAINER_PATHS.grafanaDashboardProvider, content: files.grafanaDashboardProvider },
                ...files.dashboards.map((d) => ({ file: d.file, content: d.content })),
            ],
            volumes: [{ volumeName: volumes.grafana, containerPath: CONTAINER_PATHS.grafanaData }],
            ports: [port(DOCKER_SERVICES.grafana.port, config.ports.grafana)],
            healthcheck: wgetCheck(`http://127.0.0.1:${DOCKER_SERVICES.grafana.port}/api/health`),
        },
        ["prometheus", "loki", "alertmanager"],
    );

    return [nats, exporter, alertmanager, prometheus, loki, logCollector, grafana];
}
