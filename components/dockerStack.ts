import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import { JOBS } from "../config/jobs";
import { renderAlertmanagerConfig } from "../config/render/alertmanager";
import { ALERT_ROUTING } from "../config/monitoring/alertRouting";
import { renderAlloyConfig } from "../config/render/alloy";
import { natsExporterArgs } from "../config/render/exporter";
import {
    grafanaContainerCommand,
    grafanaEnvironment,
    renderGrafanaDashboardProvider,
    renderGrafanaDatasources,
} from "../config/render/grafana";
import { renderLokiConfig } from "../config/render/loki";
import { NatsRenderedUser, renderNatsConfig } from "../config/render/nats";
import { prometheusArgs, renderPrometheusConfig } from "../config/render/prometheus";
import { renderPromtailConfig } from "../config/render/promtail";
import type { SizedService, StoredService, TierSizing } from "../config/tiers";
import type { StackConfig } from "../config/types";
import { imageRef, VersionedService } from "../config/versions";
import { endpointOutputs, NatsLogin, StackEndpoints } from "./contract";
import { GRAFANA_ADMIN_USER, StackCredentials } from "./credentials";
import type { MonitoringContent } from "./monitoringContent";

/** The containers of the dev stack: network alias (also the DNS name inside the network) and listening port. */
export const DOCKER_SERVICES = {
    prometheus: { alias: "prometheus", port: 9090, image: "prometheus" },
    alertmanager: { alias: "alertmanager", port: 9093, image: "alertmanager" },
    loki: { alias: "loki", port: 3100, image: "loki" },
    promtail: { alias: "promtail", port: 9080, image: "promtail" },
    alloy: { alias: "alloy", port: 12345, image: "alloy" },
    grafana: { alias: "grafana", port: 3000, image: "grafana" },
    nats: { alias: "nats", port: 4222, image: "nats" },
    natsExporter: { alias: "nats-exporter", port: 7777, image: "natsExporter" },
} as const satisfies Record<string, { alias: string; port: number; image: VersionedService }>;

export type DockerService = keyof typeof DOCKER_SERVICES;

/** NATS monitoring port inside the network (the exporter polls it). */
export const NATS_MONITORING_PORT = 8222;

/** Prefix of every Docker object the stack creates, so `docker ps` shows what belongs to it. */
export const DOCKER_PREFIX = "a4co";
/** Label every container carries; the log collector turns it into the `service` log label. */
export const SERVICE_LABEL = "a4co.service";

/** Paths inside the containers. */
export const CONTAINER_PATHS = {
    prometheusConfig: "/etc/prometheus/prometheus.yml",
    prometheusRulesDir: "/etc/prometheus/rules",
    prometheusData: "/prometheus",
    alertmanagerConfig: "/etc/alertmanager/alertmanager.yml",
    alertmanagerReceiverUrl: "/etc/alertmanager/secrets/receiver-url",
    alertmanagerData: "/alertmanager",
    lokiConfig: "/etc/loki/loki.yaml",
    lokiData: "/loki",
    promtailConfig: "/etc/promtail/config.yml",
    promtailData: "/var/lib/promtail",
    alloyConfig: "/etc/alloy/config.alloy",
    alloyData: "/var/lib/alloy/data",
    grafanaDatasources: "/etc/grafana/provisioning/datasources/a4co.yaml",
    grafanaDashboardProvider: "/etc/grafana/provisioning/dashboards/a4co.yaml",
    grafanaDashboards: "/var/lib/grafana-dashboards",
    grafanaAdminPassword: "/run/secrets/grafana-admin-password",
    grafanaData: "/var/lib/grafana",
    natsConfig: "/etc/nats/nats.conf",
    natsData: "/data",
    dockerSocket: "/var/run/docker.sock",
} as const;

/** Data volumes and where they are mounted. Kept on `pulumi destroy` unless `retainData` is false. */
export const DATA_VOLUMES: Readonly<Record<StoredService, string>> = {
    prometheus: CONTAINER_PATHS.prometheusData,
    alertmanager: CONTAINER_PATHS.alertmanagerData,
    loki: CONTAINER_PATHS.lokiData,
    grafana: CONTAINER_PATHS.grafanaData,
    nats: CONTAINER_PATHS.natsData,
};

export const containerName = (service: DockerService): string => `${DOCKER_PREFIX}-${DOCKER_SERVICES[service].alias}`;
export const volumeName = (service: string): string => `${DOCKER_PREFIX}-${service}-data`;

const internalAddress = (service: DockerService): string =>
    `${DOCKER_SERVICES[service].alias}:${DOCKER_SERVICES[service].port}`;

/**
 * Every non-secret config file of the dev stack, rendered from the stack config, the tier and the monitoring
 * content. Pure: tests and `npm run render` call it directly.
 */
export function renderDockerConfigFiles(config: StackConfig, sizing: TierSizing, content: MonitoringContent) {
    const collector = config.logCollector;
    const lokiPushUrl = `http://${internalAddress("loki")}/loki/api/v1/push`;
    return {
        prometheus: renderPrometheusConfig({
            scrapeInterval: "15s",
            evaluationInterval: "15s",
            ruleFiles: [`${CONTAINER_PATHS.prometheusRulesDir}/*.yml`],
            alertmanagers: [internalAddress("alertmanager")],
            targets: {
                prometheus: `localhost:${DOCKER_SERVICES.prometheus.port}`,
                alertmanager: internalAddress("alertmanager"),
                loki: internalAddress("loki"),
                grafana: internalAddress("grafana"),
                natsExporter: internalAddress("natsExporter"),
                logCollector: { job: collector === "promtail" ? JOBS.promtail : JOBS.alloy, address: internalAddress(collector) },
            },
            services: config.scrapeTargets,
            externalLabels: { platform: "docker", tier: config.tier },
        }),
        alertmanager: renderAlertmanagerConfig({
            routing: ALERT_ROUTING,
            receiver: config.alertReceiver && {
                kind: config.alertReceiver.kind,
                urlFile: CONTAINER_PATHS.alertmanagerReceiverUrl,
                slackChannel: config.alertReceiver.slackChannel,
            },
        }),
        loki: renderLokiConfig({
            retentionPeriod: config.lokiRetention,
            logLevel: config.logLevel,
            limits: sizing.loki,
            alertmanagerUrl: `http://${internalAddress("alertmanager")}`,
        }),
        logCollector:
            collector === "promtail"
                ? renderPromtailConfig({ lokiPushUrl, logLevel: config.logLevel })
                : renderAlloyConfig({ lokiPushUrl, logLevel: config.logLevel }),
        grafanaDatasources: renderGrafanaDatasources({
            prometheusUrl: `http://${internalAddress("prometheus")}`,
            lokiUrl: `http://${internalAddress("loki")}`,
            alertmanagerUrl: `http://${internalAddress("alertmanager")}`,
            traceUrl: config.traceUrl,
        }),
        grafanaDashboardProvider: renderGrafanaDashboardProvider({
            folder: content.folder,
            path: CONTAINER_PATHS.grafanaDashboards,
        }),
        dashboards: content.dashboards.map((d) => ({
            file: `${CONTAINER_PATHS.grafanaDashboards}/${d.fileName}`,
            content: d.json,
        })),
        rules: content.ruleFiles.map((r) => ({
            file: `${CONTAINER_PATHS.prometheusRulesDir}/${r.fileName}`,
            content: r.content,
        })),
    };
}

/** The dev stack's nats.conf for the given users (bcrypt hashes only). */
export function renderDockerNatsConfig(config: StackConfig, sizing: TierSizing, users: readonly NatsRenderedUser[]): string {
    return renderNatsConfig({
        serverName: `${DOCKER_PREFIX}-nats`,
        clientPort: DOCKER_SERVICES.nats.port,
        monitoringPort: NATS_MONITORING_PORT,
        jetstream: {
            storeDir: `${CONTAINER_PATHS.natsData}/jetstream`,
            maxMemoryStoreMb: sizing.jetstream.maxMemoryStoreMb,
            maxFileStoreMb: sizing.jetstream.maxFileStoreMb,
        },
        users,
        appSubjects: config.natsAppSubjects,
        logLevel: config.logLevel,
    });
}

/** Inputs to {@link DockerStack}. */
export interface DockerStackArgs {
    readonly config: StackConfig;
    readonly sizing: TierSizing;
    readonly content: MonitoringContent;
}

/** Log rotation for every container; `json-file` so the log collector can read the logs through the Docker API. */
const LOGGING = { logDriver: "json-file", logOpts: { "max-size": "10m", "max-file": "3" } } as const;

const HEALTHCHECK_TIMING = { interval: "15s", timeout: "5s", retries: 5, startPeriod: "30s" } as const;

/** `wget` healthcheck for the images that ship busybox or Alpine wget. */
const wgetCheck = (url: string): docker.types.input.ContainerHealthcheck => ({
    tests: ["CMD", "wget", "-q", "-O", "/dev/null", url],
    ...HEALTHCHECK_TIMING,
});

/**
 * The Promtail image has neither wget nor curl; bash's /dev/tcp asks /ready instead. Docker runs CMD-SHELL with
 * /bin/sh, so bash is called explicitly.
 */
export const PROMTAIL_HEALTHCHECK = [
    "CMD",
    "bash",
    "-c",
    `exec 3<>/dev/tcp/127.0.0.1/${DOCKER_SERVICES.promtail.port} && printf 'GET /ready HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3`,
];

/**
 * The dev stack: every service of the observability stack as a Docker container on one private network.
 * Config files are delivered with `uploads` (no host bind mounts), data lives on named volumes, ports are published
 * on the configured bind address only.
 */
export class DockerStack extends pulumi.ComponentResource implements StackEndpoints {
    public readonly grafanaUrl: pulumi.Output<string>;
    public readonly prometheusUrl: pulumi.Output<string>;
    public readonly alertmanagerUrl: pulumi.Output<string>;
    public readonly lokiUrl: pulumi.Output<string>;
    public readonly natsUrl: pulumi.Output<string>;
    public readonly natsMonitoringUrl: pulumi.Output<string>;
    public readonly natsExporterUrl: pulumi.Output<string>;
    public readonly grafanaAdmin: pulumi.Output<{ user: string; password: string }>;
    public readonly natsCredentials: pulumi.Output<Record<string, NatsLogin>>;
    public readonly nextSteps: pulumi.Output<string>;

    constructor(name: string, args: DockerStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("a4co:observability:DockerStack", name, {}, opts);
        const { config, sizing, content } = args;
        const files = renderDockerConfigFiles(config, sizing, content);
        const credentials = new StackCredentials(`${name}-credentials`, { natsUsers: config.natsUsers }, { parent: this });
        const bind = config.bindAddress;

        const network = new docker.Network(
            `${name}-network`,
            { name: `${DOCKER_PREFIX}-observability`, driver: "bridge" },
            { parent: this },
        );

        const volumes = {} as Record<StoredService, docker.Volume>;
        for (const service of Object.keys(DATA_VOLUMES) as StoredService[]) {
            volumes[service] = new docker.Volume(
                `${name}-${service}-data`,
                { name: volumeName(service), labels: [{ label: SERVICE_LABEL, value: service }] },
                // Data survives `pulumi destroy` unless the user opts out; the next `up` reuses the volume by name.
                { parent: this, retainOnDelete: config.retainData },
            );
        }
        const collector = config.logCollector;
        const collectorVolume = new docker.Volume(
            `${name}-${collector}-positions`,
            { name: `${DOCKER_PREFIX}-${collector}-positions`, labels: [{ label: SERVICE_LABEL, value: collector }] },
            { parent: this, retainOnDelete: config.retainData },
        );

        const images = {} as Record<DockerService, docker.RemoteImage>;
        const imageOf = (service: DockerService): docker.RemoteImage => {
            images[service] ??= new docker.RemoteImage(
                `${name}-${service}-image`,
                { name: imageRef(DOCKER_SERVICES[service].image), keepLocally: true },
                { parent: this },
            );
            return images[service];
        };

        const limits = (service: SizedService) => ({
            memory: sizing.services[service].memoryMb,
            // No swap: a limit that can spill into swap is not a limit.
            memorySwap: sizing.services[service].memoryMb,
            cpus: String(sizing.services[service].cpus),
        });

        const container = (
            service: DockerService,
            sized: SizedService,
            spec: Omit<docker.ContainerArgs, "image" | "name">,
            dependsOn: pulumi.Resource[] = [],
        ): docker.Container =>
            new docker.Container(
                `${name}-${service}`,
                {
                    name: containerName(service),
                    image: imageOf(service).imageId,
                    restart: "unless-stopped",
                    networksAdvanced: [{ name: network.name, aliases: [DOCKER_SERVICES[service].alias] }],
                    // Lets containers reach processes on the Docker host (scrape targets) on every OS.
                    hosts: [{ host: "host.docker.internal", ip: "host-gateway" }],
                    labels: [{ label: SERVICE_LABEL, value: DOCKER_SERVICES[service].alias }],
                    ...LOGGING,
                    ...limits(sized),
                    wait: true,
                    waitTimeout: 180,
                    ...spec,
                },
                { parent: this, dependsOn },
            );

        // NATS: config with bcrypt hashes only; JetStream on its volume, limits from the tier.
        const natsConfig = pulumi
            .all(credentials.natsUsers.map((u) => u.bcryptHash))
            .apply((hashes) => renderDockerNatsConfig(config, sizing, credentials.natsUsers.map((u, i) => ({ ...u.spec, bcryptHash: hashes[i] }))));
        const nats = container("nats", "nats", {
            command: ["nats-server", "--config", CONTAINER_PATHS.natsConfig],
            uploads: [{ file: CONTAINER_PATHS.natsConfig, content: natsConfig }],
            volumes: [{ volumeName: volumes.nats.name, containerPath: CONTAINER_PATHS.natsData }],
            ports: [
                { internal: DOCKER_SERVICES.nats.port, external: config.ports.natsClient, ip: bind },
                { internal: NATS_MONITORING_PORT, external: config.ports.natsMonitoring, ip: bind },
            ],
            healthcheck: wgetCheck(`http://127.0.0.1:${NATS_MONITORING_PORT}/healthz`),
        });

        const exporter = container(
            "natsExporter",
            "natsExporter",
            {
                command: natsExporterArgs(`http://${DOCKER_SERVICES.nats.alias}:${NATS_MONITORING_PORT}`, DOCKER_SERVICES.natsExporter.port),
                ports: [{ internal: DOCKER_SERVICES.natsExporter.port, external: config.ports.natsExporter, ip: bind }],
                healthcheck: wgetCheck(`http://127.0.0.1:${DOCKER_SERVICES.natsExporter.port}/metrics`),
            },
            [nats],
        );

        const alertmanagerUploads: docker.types.input.ContainerUpload[] = [
            { file: CONTAINER_PATHS.alertmanagerConfig, content: files.alertmanager },
        ];
        if (config.alertReceiver) {
            alertmanagerUploads.push({
                file: CONTAINER_PATHS.alertmanagerReceiverUrl,
                content: pulumi.secret(config.alertReceiver.url),
            });
        }
        const alertmanager = container("alertmanager", "alertmanager", {
            command: [
                `--config.file=${CONTAINER_PATHS.alertmanagerConfig}`,
                `--storage.path=${CONTAINER_PATHS.alertmanagerData}`,
            ],
            uploads: alertmanagerUploads,
            volumes: [{ volumeName: volumes.alertmanager.name, containerPath: CONTAINER_PATHS.alertmanagerData }],
            ports: [{ internal: DOCKER_SERVICES.alertmanager.port, external: config.ports.alertmanager, ip: bind }],
            healthcheck: wgetCheck(`http://127.0.0.1:${DOCKER_SERVICES.alertmanager.port}/-/ready`),
        });

        const prometheus = container(
            "prometheus",
            "prometheus",
            {
                command: prometheusArgs({
                    configFile: CONTAINER_PATHS.prometheusConfig,
                    dataDir: CONTAINER_PATHS.prometheusData,
                    retentionTime: config.prometheusRetention,
                    retentionSize: sizing.prometheusRetentionSize,
                }),
                uploads: [
                    { file: CONTAINER_PATHS.prometheusConfig, content: files.prometheus },
                    ...files.rules.map((r) => ({ file: r.file, content: r.content })),
                ],
                volumes: [{ volumeName: volumes.prometheus.name, containerPath: CONTAINER_PATHS.prometheusData }],
                ports: [{ internal: DOCKER_SERVICES.prometheus.port, external: config.ports.prometheus, ip: bind }],
                healthcheck: wgetCheck(`http://127.0.0.1:${DOCKER_SERVICES.prometheus.port}/-/ready`),
            },
            [alertmanager],
        );

        const loki = container("loki", "loki", {
            command: [`-config.file=${CONTAINER_PATHS.lokiConfig}`],
            uploads: [{ file: CONTAINER_PATHS.lokiConfig, content: files.loki }],
            volumes: [{ volumeName: volumes.loki.name, containerPath: CONTAINER_PATHS.lokiData }],
            ports: [{ internal: DOCKER_SERVICES.loki.port, external: config.ports.loki, ip: bind }],
            // Distroless image without a shell: Loki checks itself.
            healthcheck: { tests: ["CMD", "/usr/bin/loki", "-health"], ...HEALTHCHECK_TIMING },
        });

        // The collector reads every container's logs through the Docker socket (root-equivalent; see README).
        const socket = { hostPath: CONTAINER_PATHS.dockerSocket, containerPath: CONTAINER_PATHS.dockerSocket, readOnly: true };
        if (collector === "promtail") {
            container(
                "promtail",
                "logCollector",
                {
                    command: [`-config.file=${CONTAINER_PATHS.promtailConfig}`],
                    uploads: [{ file: CONTAINER_PATHS.promtailConfig, content: files.logCollector }],
                    volumes: [socket, { volumeName: collectorVolume.name, containerPath: CONTAINER_PATHS.promtailData }],
                    healthcheck: { tests: PROMTAIL_HEALTHCHECK, ...HEALTHCHECK_TIMING },
                },
                [loki],
            );
        } else {
            container(
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
                    volumes: [socket, { volumeName: collectorVolume.name, containerPath: CONTAINER_PATHS.alloyData }],
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
                [loki],
            );
        }

        const home = content.dashboards.find((d) => d.fileName === content.homeDashboardFileName);
        if (home === undefined) {
            throw new pulumi.ResourceError(`home dashboard ${content.homeDashboardFileName} is not among the dashboards`, this);
        }
        const grafanaStart = grafanaContainerCommand({ adminPasswordFile: CONTAINER_PATHS.grafanaAdminPassword });
        const grafana = container(
            "grafana",
            "grafana",
            {
                entrypoints: grafanaStart.entrypoint,
                command: grafanaStart.command,
                envs: grafanaEnvironment({
                    logLevel: config.logLevel,
                    adminUser: GRAFANA_ADMIN_USER,
                    adminPasswordFile: CONTAINER_PATHS.grafanaAdminPassword,
                    homeDashboardPath: `${CONTAINER_PATHS.grafanaDashboards}/${home.fileName}`,
                    rootUrl: `http://${bind}:${config.ports.grafana}`,
                }),
                uploads: [
                    { file: CONTAINER_PATHS.grafanaAdminPassword, content: credentials.grafanaAdminPassword },
                    { file: CONTAINER_PATHS.grafanaDatasources, content: files.grafanaDatasources },
                    { file: CONTAINER_PATHS.grafanaDashboardProvider, content: files.grafanaDashboardProvider },
                    ...files.dashboards.map((d) => ({ file: d.file, content: d.content })),
                ],
                volumes: [{ volumeName: volumes.grafana.name, containerPath: CONTAINER_PATHS.grafanaData }],
                ports: [{ internal: DOCKER_SERVICES.grafana.port, external: config.ports.grafana, ip: bind }],
                healthcheck: wgetCheck(`http://127.0.0.1:${DOCKER_SERVICES.grafana.port}/api/health`),
            },
            [prometheus, loki, alertmanager],
        );

        // URLs derive from the published ports of the containers they describe.
        const published = (c: docker.Container, internal: number, scheme: string) =>
            c.ports.apply((ports) => {
                const port = (ports ?? []).find((p) => p.internal === internal);
                if (port?.external === undefined) throw new Error(`port ${internal} is not published`);
                return `${scheme}://${port.ip ?? bind}:${port.external}`;
            });
        this.grafanaUrl = published(grafana, DOCKER_SERVICES.grafana.port, "http");
        this.prometheusUrl = published(prometheus, DOCKER_SERVICES.prometheus.port, "http");
        this.alertmanagerUrl = published(alertmanager, DOCKER_SERVICES.alertmanager.port, "http");
        this.lokiUrl = published(loki, DOCKER_SERVICES.loki.port, "http");
        this.natsUrl = published(nats, DOCKER_SERVICES.nats.port, "nats");
        this.natsMonitoringUrl = published(nats, NATS_MONITORING_PORT, "http");
        this.natsExporterUrl = published(exporter, DOCKER_SERVICES.natsExporter.port, "http");
        this.grafanaAdmin = pulumi.secret(
            pulumi.all([grafana.id, credentials.grafanaAdminPassword]).apply(([, password]) => ({ user: GRAFANA_ADMIN_USER, password })),
        );
        this.natsCredentials = pulumi.secret(pulumi.all([nats.id, credentials.natsLogins]).apply(([, logins]) => logins));
        this.nextSteps = pulumi.interpolate`Grafana: ${this.grafanaUrl} (user ${GRAFANA_ADMIN_USER}; password: pulumi stack output grafanaAdmin --show-secrets). Prometheus: ${this.prometheusUrl}. NATS: ${this.natsUrl} (logins: pulumi stack output natsCredentials --show-secrets). Dashboards are in the "${content.folder}" folder.`;

        this.registerOutputs(endpointOutputs(this));
    }
}
