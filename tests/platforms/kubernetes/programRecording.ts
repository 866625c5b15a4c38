/**
 * Builds the prod stack under the Pulumi mocks (installed by the calling test file) and reads back what it
 * registered: the releases with their values, and the program's own objects. Shared by tests/platforms/kubernetes and tests/k8s.
 */
import * as pulumi from "@pulumi/pulumi";

import { KubernetesStack } from "../../../platforms/kubernetes/stack";
import { buildMonitoringContent } from "../../../monitoring/content";
import { configFor, loadStackConfig } from "../../../config/stack";
import { sizeTier } from "../../../config/tiers";
import type { KubernetesStackConfig } from "../../../config/types";
import { unwrapSecret } from "../../support/leaks";
import { allOf, promiseOf, registered } from "../../support/mocks";
import { setStackConfig } from "../../support/stackConfig";

export const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";
export const PROVIDER_TYPE = "pulumi:providers:kubernetes";

export interface Recording {
    readonly stack: KubernetesStack;
    readonly config: KubernetesStackConfig;
    readonly children: { type: string; name: string; opts: pulumi.CustomResourceOptions }[];
}

/** Runs the component with Pulumi.prod.yaml plus overrides, as index.ts does, and waits for every output. */
export async function recordProdStack(overrides: Record<string, unknown> = {}, secrets: Record<string, string> = {}): Promise<Recording> {
    registered.length = 0;
    setStackConfig("prod", overrides, secrets);
    const config = configFor(loadStackConfig(), "kubernetes");
    const children: Recording["children"] = [];
    const stack = new KubernetesStack(
        "prod",
        { config, sizing: sizeTier(config.tier), content: buildMonitoringContent(config) },
        {
            transformations: [
                (a) => {
                    children.push({ type: a.type, name: a.name, opts: a.opts });
                    return undefined;
                },
            ],
        },
    );
    await promiseOf(stack.nextSteps);
    await promiseOf(stack.natsCredentials);
    return { stack, config, children };
}

/** The inputs of the release named `name` (its Helm release name). */
export function releaseInputs(name: string): Record<string, any> {
    const r = allOf(RELEASE_TYPE).find((x) => x.inputs.name === name);
    if (r === undefined)
        throw new Error(
            `no release ${name}: ${allOf(RELEASE_TYPE)
                .map((x) => x.inputs.name)
                .join(", ")}`,
        );
    return r.inputs;
}

/** The values the program passes to the release named `name`, secrets unwrapped. */
export const releaseValues = (name: string) => unwrapSecret<Record<string, any>>(releaseInputs(name).values);
