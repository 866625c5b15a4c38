/**
 * One program run of a platform stack under the Pulumi mocks (installed by the calling test file), as index.ts runs
 * it: the stack file plus overrides, the tier's sizing, the monitoring content. Records every child the component
 * creates with the options it passed, and waits until every output has resolved (so every child is registered).
 */
import * as pulumi from "@pulumi/pulumi";

import type { PlatformStack } from "../../components/contract";
import { configFor, loadStackConfig } from "../../config/stack";
import { sizeTier, TierSizing } from "../../config/tiers";
import type { StackConfig } from "../../config/types";
import type { MonitoringContent } from "../../monitoring/content";
import { buildMonitoringContent } from "../../monitoring/content";
import { promiseOf, registered } from "./mocks";
import { setStackConfig } from "./stackConfig";

export interface RecordedChild {
    readonly type: string;
    readonly name: string;
    readonly opts: pulumi.CustomResourceOptions;
}

type Platform = StackConfig["platform"];
type PlatformConfig<P extends Platform> = Extract<StackConfig, { platform: P }>;

export interface StackRecording<S extends PlatformStack, P extends Platform = Platform> {
    readonly stack: S;
    readonly config: PlatformConfig<P>;
    /** Every resource the component created, with the options it was created with. */
    readonly children: RecordedChild[];
}

type PlatformStackClass<S, P extends Platform> = new (
    name: string,
    args: { config: PlatformConfig<P>; sizing: TierSizing; content: MonitoringContent },
    opts?: pulumi.ComponentResourceOptions,
) => S;

/**
 * Runs `Stack` (the component of `platform`) named `stackName` with `Pulumi.<stackName>.yaml` plus overrides; `secrets`
 * are secret config keys. Fails when the stack file is of another platform.
 */
export async function recordStack<S extends PlatformStack, P extends Platform>(
    Stack: PlatformStackClass<S, P>,
    platform: P,
    stackName: string,
    overrides: Record<string, unknown> = {},
    secrets: Record<string, string> = {},
): Promise<StackRecording<S, P>> {
    // One recording is one program run: forget what an earlier run in the same test registered.
    registered.length = 0;
    setStackConfig(stackName, overrides, secrets);
    const config = configFor(loadStackConfig(), platform);
    const children: RecordedChild[] = [];
    const record: pulumi.ResourceTransformation = (a) => {
        children.push({ type: a.type, name: a.name, opts: a.opts });
        return undefined;
    };
    const stack = new Stack(
        stackName,
        { config, sizing: sizeTier(config.tier), content: buildMonitoringContent(config) },
        { transformations: [record] },
    );
    await Promise.all(Object.values(stack.outputs).map((output) => promiseOf(output)));
    return { stack, config, children };
}

/** The names of the resources a recorded child waits for (`dependsOn`). */
export function dependencyNames(child: RecordedChild | undefined): string[] {
    return ((child?.opts.dependsOn ?? []) as pulumi.Resource[]).map((r) => (r as unknown as { __name: string }).__name);
}
