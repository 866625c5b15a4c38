/**
 * One run of the prod stack under the Pulumi mocks (installed by the calling test file), read through the plan the
 * component created from: its releases with their values and its own objects, every Pulumi output resolved (the
 * credentials are the mocks', with real bcrypt hashes). `stack.test.ts` shows that the component registers exactly
 * this plan. Shared by tests/platforms/kubernetes and tests/k8s.
 */
import * as pulumi from "@pulumi/pulumi";

import { KubernetesStack } from "../../../platforms/kubernetes/stack";
import type { PlannedResource } from "../../../platforms/kubernetes/plan";
import { promiseOf } from "../../support/mocks";
import { recordStack, StackRecording } from "../../support/recordStack";

export const RELEASE_TYPE = "kubernetes:helm.sh/v3:Release";
export const PROVIDER_TYPE = "pulumi:providers:kubernetes";

/** A planned resource with every Output in it resolved. */
export type ResolvedResource = Omit<PlannedResource, "args"> & { readonly args: Record<string, any> };

export interface Recording extends StackRecording<KubernetesStack, "kubernetes"> {
    /** The plan's resources, resolved, in creation order. */
    readonly planned: readonly ResolvedResource[];
    /** The arguments of the Helm release named `name` (its release name, not its role). */
    release(name: string): Record<string, any>;
    /** The values of the Helm release named `name`. */
    values(name: string): Record<string, any>;
    /** The program's own objects (namespace, Secrets, ConfigMaps, PrometheusRule, ServiceMonitors) of `kind`. */
    objects(kind: string): Record<string, any>[];
}

/** Runs the component with Pulumi.prod.yaml plus overrides, as index.ts does, and resolves its plan. */
export async function recordProdStack(overrides: Record<string, unknown> = {}, secrets: Record<string, string> = {}): Promise<Recording> {
    const run = await recordStack(KubernetesStack, "kubernetes", "prod", overrides, secrets);
    const planned = (await promiseOf(pulumi.output(run.stack.plan.resources))) as unknown as ResolvedResource[];
    const releases = planned.filter((p) => p.kind === "Release");
    const release = (name: string) => {
        const found = releases.find((r) => r.args.name === name);
        if (found === undefined) throw new Error(`no release ${name}: ${releases.map((r) => r.args.name).join(", ")}`);
        return found.args;
    };
    return {
        ...run,
        planned,
        release,
        values: (name) => release(name).values as Record<string, any>,
        objects: (kind) => planned.filter((p) => p.kind !== "Release" && p.args.kind === kind).map((p) => p.args),
    };
}
