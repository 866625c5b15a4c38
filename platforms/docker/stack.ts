import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

import type { StoredService, TierSizing } from "../../config/tiers";
import type { DockerStackConfig } from "../../config/types";
import { imageRef } from "../../config/versions";
import { PlatformStack } from "../../components/contract";
import { GRAFANA_ADMIN_USER, StackCredentials } from "../../components/credentials";
import { dockerContainerPlan, publishedHost } from "./containers";
import {
    DATA_VOLUMES,
    DOCKER_PREFIX,
    DOCKER_SERVICES,
    DockerService,
    renderDockerConfigFiles,
    renderDockerNatsConfig,
    SERVICE_LABEL,
    volumeName,
} from "./services";
import type { MonitoringContent } from "../../monitoring/content";
import { SERVICE_PORTS } from "../ports";

/** Inputs to {@link DockerStack}. */
export interface DockerStackArgs {
    readonly config: DockerStackConfig;
    readonly sizing: TierSizing;
    readonly content: MonitoringContent;
}

/**
 * The dev stack: every service of the observability stack as a Docker container on one private network.
 * Config files are delivered with `uploads` (no host bind mounts), data lives on named volumes, ports are published
 * on the configured bind address only.
 */
export class DockerStack extends PlatformStack {
    constructor(name: string, args: DockerStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("a4co:observability:DockerStack", name, {}, opts);
        const { config, sizing, content } = args;
        const files = renderDockerConfigFiles(config, sizing, content);
        const credentials = new StackCredentials(`${name}-credentials`, { natsUsers: config.natsUsers }, { parent: this });
        const bind = config.bindAddress;

        const network = new docker.Network(`${name}-network`, { name: `${DOCKER_PREFIX}-observability`, driver: "bridge" }, { parent: this });

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
        // One positions volume whatever the collector: switching collectors keeps it tracked (so retainData: false can
        // remove it) instead of orphaning the other collector's. Promtail and Alloy keep different files in it.
        const collectorVolume = new docker.Volume(
            `${name}-logCollector-positions`,
            { name: `${DOCKER_PREFIX}-log-collector-positions`, labels: [{ label: SERVICE_LABEL, value: "log-collector" }] },
            {
                parent: this,
                retainOnDelete: config.retainData,
                // The volumes of stacks made before, one per collector.
                aliases: [{ name: `${name}-promtail-positions` }, { name: `${name}-alloy-positions` }],
            },
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

        const home = content.dashboards.find((d) => d.fileName === content.homeDashboardFileName);
        if (home === undefined) {
            throw new pulumi.ResourceError(`home dashboard ${content.homeDashboardFileName} is not among the dashboards`, this);
        }
        // NATS: config with bcrypt hashes only.
        const natsConfig = credentials.hashedNatsUsers.apply((users) => renderDockerNatsConfig(config, sizing, users));
        const plan = dockerContainerPlan({
            config,
            sizing,
            files,
            natsConfig,
            grafanaAdminPassword: credentials.grafanaAdminPassword,
            volumes: { ...volumeNames(volumes), logCollector: collectorVolume.name },
            homeDashboardFile: home.fileName,
        });

        const containers: Partial<Record<DockerService, docker.Container>> = {};
        for (const { service, args: planned, dependsOn } of plan) {
            containers[service] = new docker.Container(
                service === collector ? `${name}-logCollector` : `${name}-${service}`,
                {
                    ...planned,
                    image: imageOf(service).imageId,
                    networksAdvanced: [{ name: network.name, aliases: [DOCKER_SERVICES[service].alias] }],
                },
                {
                    parent: this,
                    dependsOn: dependsOn.map((d) => required(containers, d)),
                    ...(service === collector ? collectorSwitch(name) : {}),
                },
            );
        }
        const [nats, exporter, prometheus, alertmanager, loki, grafana] = (
            ["nats", "natsExporter", "prometheus", "alertmanager", "loki", "grafana"] as const
        ).map((service) => required(containers, service));

        // URLs derive from the published ports of the containers they describe.
        const published = (c: docker.Container, internal: number, scheme: string) =>
            c.ports.apply((ports) => {
                const port = (ports ?? []).find((p) => p.internal === internal);
                if (port?.external === undefined) throw new Error(`port ${internal} is not published`);
                return `${scheme}://${publishedHost({ bindAddress: port.ip ?? bind, externalHost: config.externalHost })}:${port.external}`;
            });
        const grafanaUrl = published(grafana, DOCKER_SERVICES.grafana.port, "http");
        const prometheusUrl = published(prometheus, DOCKER_SERVICES.prometheus.port, "http");
        const natsUrl = published(nats, DOCKER_SERVICES.nats.port, "nats");
        this.publish({
            grafanaUrl,
            prometheusUrl,
            alertmanagerUrl: published(alertmanager, DOCKER_SERVICES.alertmanager.port, "http"),
            lokiUrl: published(loki, DOCKER_SERVICES.loki.port, "http"),
            natsUrl,
            natsMonitoringUrl: published(nats, SERVICE_PORTS.natsMonitoring, "http"),
            natsExporterUrl: published(exporter, DOCKER_SERVICES.natsExporter.port, "http"),
            grafanaAdmin: pulumi.secret(
                pulumi.all([grafana.id, credentials.grafanaAdminPassword]).apply(([, password]) => ({ user: GRAFANA_ADMIN_USER, password })),
            ),
            natsCredentials: pulumi.secret(pulumi.all([nats.id, credentials.natsLogins]).apply(([, logins]) => logins)),
            nextSteps: pulumi.interpolate`Grafana: ${grafanaUrl} (user ${GRAFANA_ADMIN_USER}; password: pulumi stack output grafanaAdmin --show-secrets). Prometheus: ${prometheusUrl}. NATS: ${natsUrl} (logins: pulumi stack output natsCredentials --show-secrets). Dashboards are in the "${content.folder}" folder.`,
        });
    }
}

/**
 * The log collector is one resource whichever collector runs, so switching replaces it; delete-before-replace stops
 * the old one (saving its positions) before the new one starts: never two collectors shipping the same logs. The
 * aliases adopt the per-collector resources of stacks made before.
 */
function collectorSwitch(name: string): pulumi.CustomResourceOptions {
    return { deleteBeforeReplace: true, aliases: [{ name: `${name}-promtail` }, { name: `${name}-alloy` }] };
}

function volumeNames(volumes: Record<StoredService, docker.Volume>): Record<StoredService, pulumi.Output<string>> {
    const names = {} as Record<StoredService, pulumi.Output<string>>;
    for (const [service, volume] of Object.entries(volumes)) names[service as StoredService] = volume.name;
    return names;
}

function required<T>(items: Partial<Record<DockerService, T>>, service: DockerService): T {
    const item = items[service];
    if (item === undefined) throw new Error(`the dev stack's plan has no ${service} container before it is needed`);
    return item;
}
