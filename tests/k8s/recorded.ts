/**
 * What the program hands Kubernetes for one stack config: the plan of the prod component, run under the Pulumi
 * mocks (real bcrypt hashes), with every output resolved: its releases as Helm requests and its own objects as
 * manifests. The calling test file installs the mocks.
 */
import type { KubernetesStackConfig } from "../../config/types";
import { recordProdStack } from "../platforms/kubernetes/programRecording";
import type { K8sObject, ReleaseRequest } from "../../harness/kubernetes/helm";

export interface Recorded {
    readonly config: KubernetesStackConfig;
    readonly releases: ReleaseRequest[];
    /** The program's own objects (namespace, Secrets, ConfigMaps, PrometheusRule, ServiceMonitors). */
    readonly own: K8sObject[];
}

export async function recordReleases(overrides: Record<string, unknown>, secrets: Record<string, string>): Promise<Recorded> {
    const { config, planned } = await recordProdStack(overrides, secrets);
    const releases = planned
        .filter((p) => p.kind === "Release")
        .map(({ args }) => ({
            name: args.name,
            chart: args.chart,
            namespace: args.namespace,
            skipCrds: args.skipCrds === true,
            values: args.values,
        }));
    const own = planned.filter((p) => p.kind !== "Release").map((p) => p.args as K8sObject);
    return { config, releases, own };
}
