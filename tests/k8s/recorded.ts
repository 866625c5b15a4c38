/**
 * What the program hands Kubernetes for one stack config, from the Pulumi mocks' recording of the prod component:
 * its releases as Helm requests (values exactly as passed, secrets unwrapped) and its own objects as manifests.
 * The calling test file installs the mocks.
 */
import type { KubernetesStackConfig } from "../../config/types";
import { unwrapSecret } from "../support/leaks";
import { registered } from "../support/mocks";
import { recordProdStack, RELEASE_TYPE } from "../platforms/kubernetes/programRecording";
import type { K8sObject, ReleaseRequest } from "../../harness/kubernetes/helm";

export interface Recorded {
    readonly config: KubernetesStackConfig;
    readonly releases: ReleaseRequest[];
    /** The program's own objects (namespace, Secrets, ConfigMaps, PrometheusRule, ServiceMonitors), secrets unwrapped. */
    readonly own: K8sObject[];
}

const deepUnwrap = (v: unknown): unknown => {
    const u = unwrapSecret(v);
    if (Array.isArray(u)) return u.map(deepUnwrap);
    if (u !== null && typeof u === "object") return Object.fromEntries(Object.entries(u).map(([k, x]) => [k, deepUnwrap(x)]));
    return u;
};

export async function recordReleases(overrides: Record<string, unknown>, secrets: Record<string, string>): Promise<Recorded> {
    const { config } = await recordProdStack(overrides, secrets);
    const releases = registered
        .filter((r) => r.type === RELEASE_TYPE)
        .map((r) => ({
            name: r.inputs.name,
            chart: r.inputs.chart,
            namespace: r.inputs.namespace,
            skipCrds: r.inputs.skipCrds === true,
            values: unwrapSecret<Record<string, unknown>>(r.inputs.values),
        }));
    const own = registered.filter((r) => r.type.startsWith("kubernetes:") && r.type !== RELEASE_TYPE).map((r) => deepUnwrap(r.inputs) as K8sObject);
    return { config, releases, own };
}
