/**
 * Composition root: reads the stack config once, sizes the tier, renders the monitoring content, and hands them to
 * the platform's stack component. It creates no resources of its own.
 */
import { DockerStack } from "./platforms/docker/stack";
import { KubernetesStack } from "./platforms/kubernetes/stack";
import { buildMonitoringContent } from "./monitoring/content";
import type { StackEndpoints } from "./components/contract";
import { loadStackConfig } from "./config/stack";
import { sizeTier } from "./config/tiers";

const config = loadStackConfig();
const sizing = sizeTier(config.tier);
const content = buildMonitoringContent(config);

const stack: StackEndpoints =
    config.platform === "docker"
        ? new DockerStack("a4co-dev", { config, sizing, content })
        : new KubernetesStack("a4co-prod", { config, sizing, content });

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
