/**
 * Composition root: reads the stack config once, sizes the tier, renders the monitoring content, and hands them to
 * the platform's stack component. It creates no resources of its own; the stack outputs are the component's
 * outputs (components/contract.ts), exported as they are.
 */
import { DockerStack } from "./platforms/docker/stack";
import { KubernetesStack } from "./platforms/kubernetes/stack";
import { buildMonitoringContent } from "./monitoring/content";
import type { PlatformStack } from "./components/contract";
import { loadStackConfig } from "./config/stack";
import { sizeTier } from "./config/tiers";

const config = loadStackConfig();
const sizing = sizeTier(config.tier);
const content = buildMonitoringContent(config);

const stack: PlatformStack =
    config.platform === "docker"
        ? new DockerStack("a4co-dev", { config, sizing, content })
        : new KubernetesStack("a4co-prod", { config, sizing, content });

// Pulumi makes every property of the program's module exports a stack output.
export = stack.outputs;
