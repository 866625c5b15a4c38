/**
 * The dev stack's services and their files: container names, ports and paths, data volumes, and every config file
 * rendered from the stack config. Pure data and functions, shared by the DockerStack component, its container plan,
 * `npm run render` and the tests.
 */
import { JOBS } from "../../monitoring/jobs";
import { renderAlertmanagerConfig } from "../../render/alertmanager";
import { ALERT_ROUTING } from "../../monitoring/alertRouting";
import { renderAlloyConfig } from "../../render/alloy";
import { renderGrafanaDashboardProvider, renderGrafanaDatasources } from "../../render/grafana";
import { renderLokiConfig } from "../../render/loki";
import { NatsRenderedUser, renderNatsConfig } from "../../render/nats";
import { renderPrometheusConfig } from "../../render/prometheus";
import { renderPromtailConfig } from "../../render/promtail";
import type { StoredService, TierSizing } from "../../config/tiers";
import type { DockerStackConfig } from "../../config/types";
import type { VersionedService } from "../../config/versions";
import type { MonitoringContent } from "../../monitoring/content";
import { SERVICE_PORTS } from "../ports";

/** The containers of the dev stack: network alias (also the DNS name inside the network) and listening port. */
export const DOCKER_SERVICES = {
    prometheus: { alias: "prometheus", port: SERVICE_PORTS.prometheus, image: "prometheus" },
    alertmanager: { alias: "alertmanager", port: SERVICE_PORTS.alertmanager, image: "alertmanager" },
    loki: { alias: "loki", port: SERVICE_PORTS.loki, image: "loki" },
    promtail: { alias: "promtail", port: 9080, image: "promtail" },
    alloy: { alias: "alloy", port: 12345, image: "alloy" },
    grafana: { alias: "grafana", port: SERVICE_PORTS.grafana, image: "grafana" },
    nats: { alias: "nats", port: SERVICE_PORTS.nats, image: "nats" },
    natsExporter: { alias: "nats-exporter", port: SERVICE_PORTS.natsExporter, image: "natsExporter" },
} as const satisfies Record<string, { alias: string; port: number; image: VersionedService }>;

export type DockerService = keyof typeof DOCKER_SERVICES;

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

const internalAddress = (service: DockerService): string => `${DOCKER_SERVICES[service].alias}:${DOCKER_SERVICES[service].port}`;

/**
 * Every non-secret config file of the dev stack, rendered from the stack config, the tier and the monitoring
 * content. Pure: tests and `npm run render` call it directly.
 */
export function renderDockerConfigFiles(
    config: Pick<DockerStackConfig, "logCollector" | "scrapeTargets" | "tier" | "alertReceiver" | "lokiRetention" | "logLevel" | "traceUrl">,
    sizing: TierSizing,
    content: MonitoringContent,
) {
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
export function renderDockerNatsConfig(
    config: Pick<DockerStackConfig, "natsAppSubjects" | "logLevel">,
    sizing: TierSizing,
    users: readonly NatsRenderedUser[],
): string {
    return renderNatsConfig({
        serverName: `${DOCKER_PREFIX}-nats`,
        clientPort: DOCKER_SERVICES.nats.port,
        monitoringPort: SERVICE_PORTS.natsMonitoring,
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

/** Every config file of the dev stack, as {@link renderDockerConfigFiles} renders them. */
export type DockerConfigFiles = ReturnType<typeof renderDockerConfigFiles>;

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
