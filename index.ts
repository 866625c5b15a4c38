/**
 * Composition root: reads the stack config once, sizes the tier, renders the monitoring content, and hands them to
 * the platform's stack component. It creates no resources of its own.
 */
import { DockerStack } from "./components/dockerStack";
import { KubernetesStack } from "./components/kubernetesStack";
import { StackCredentials } from "./components/credentials";
import { buildMonitoringContent } from "./components/monitoringContent";
import type { StackEndpoints } from "./components/contract";
import { loadStackConfig } from "./config/stack";
import { sizeTier } from "./config/tiers";

const config = loadStackConfig();
const sizing = sizeTier(config.tier);
const content = buildMonitoringContent(config);
const credentials = new StackCredentials("a4co-credentials", { natsUsers: config.natsUsers });

const stack: StackEndpoints =
    config.platform === "docker"
        ? new DockerStack("a4co-dev", { config, sizing, credentials, content })
        : new KubernetesStack("a4co-prod", { config, sizing, credentials, content });

export const grafanaUrl = stack.grafanaUrl;
export const prometheusUrl = stack.prometheusUrl;
export const alertmanagerUrl = stack.alertmanagerUrl;
export const lokiUrl = stack.lokiUrl;
export const natsUrl = stack.natsUrl;
export const natsMonitoringUrl = stack.natsMonitoringUrl;
export const natsExporterUrl = stack.natsExporterUrl;
export const grafanaAdmin = stack.grafanaAdmin;
export const natsCredentials = stack.natsCredentials;
export const nextSteps = stack.nextSteps;
