/**
 * `helm template` of the pinned charts (from an offline mirror or their repositories: ./charts.ts) with exactly the
 * values the program passes, and the rendered manifests as objects.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseAllDocuments } from "yaml";

import { CHARTS, K8S_TEST_TOOLS } from "../../config/versions";
import { toolPath } from "../tools/run";
import { chartArchive } from "./charts";

// The suites take the archives through here, next to the rendering.
export { chartArchive };

export const chartByName = (name: string) => {
    const c = Object.values(CHARTS).find((x) => x.chart === name);
    if (c === undefined) throw new Error(`no pinned chart named ${name} in config/versions.ts CHARTS`);
    return c;
};

export interface K8sObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
    [key: string]: any;
}

/** What the program hands Helm for one release (the mocks' recording of helm.v3.Release inputs). */
export interface ReleaseRequest {
    readonly name: string;
    readonly chart: string;
    readonly namespace: string;
    readonly skipCrds?: boolean;
    readonly values: Record<string, unknown>;
}

/** The Kubernetes version Helm renders for: the API server the suite applies to. */
export const KUBE_VERSION = K8S_TEST_TOOLS.kubernetes.goVersion;

/** Renders a release; throws Helm's own message (with the release) when rendering fails. */
export function helmTemplate(req: ReleaseRequest): string {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-helm-"));
    try {
        const valuesFile = path.join(home, "values.json");
        fs.writeFileSync(valuesFile, JSON.stringify(req.values));
        const args = [
            "template",
            req.name,
            chartArchive(chartByName(req.chart)),
            "--namespace",
            req.namespace,
            "--values",
            valuesFile,
            "--kube-version",
            KUBE_VERSION,
            // helm install applies the crds/ folder unless skipCrds; `helm template` prints it only when asked.
            req.skipCrds ? "--skip-crds" : "--include-crds",
        ];
        // Helm's own state in the temp dir: nothing in the user's home.
        const env = {
            ...process.env,
            HELM_CACHE_HOME: path.join(home, "cache"),
            HELM_CONFIG_HOME: path.join(home, "config"),
            HELM_DATA_HOME: path.join(home, "data"),
        };
        // Not runTool: the CRDs chart renders several MB, past spawnSync's default 1 MB buffer.
        const r = spawnSync(toolPath("helm"), args, { env, encoding: "utf8", timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
        if (r.error) throw r.error;
        if (r.status !== 0) throw new Error(`helm template ${req.name} (${req.chart}) failed:\n${r.stderr}`);
        return r.stdout;
    } finally {
        fs.rmSync(home, { recursive: true, force: true });
    }
}

/** The objects of a multi-document manifest, empty documents dropped. */
export function parseManifests(text: string): K8sObject[] {
    return parseAllDocuments(text)
        .map((d) => d.toJS() as K8sObject | null)
        .filter((o): o is K8sObject => o !== null && typeof o === "object" && typeof o.kind === "string");
}

/** Kinds without a namespace; every other kind Helm installs into the release namespace when its template names none. */
const CLUSTER_SCOPED = new Set([
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "PodSecurityPolicy",
    "StorageClass",
    "PriorityClass",
    "APIService",
    "PersistentVolume",
]);

/** The objects as `helm install` creates them: namespaced ones without a namespace land in the release namespace. */
export function inReleaseNamespace(objects: readonly K8sObject[], namespace: string): K8sObject[] {
    return objects.map((o) => (CLUSTER_SCOPED.has(o.kind) || o.metadata.namespace ? o : { ...o, metadata: { ...o.metadata, namespace } }));
}

/** Renders a release and returns its objects as Helm would install them. */
export const renderRelease = (req: ReleaseRequest): K8sObject[] => inReleaseNamespace(parseManifests(helmTemplate(req)), req.namespace);

export const objectId = (o: K8sObject) => `${o.kind}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
