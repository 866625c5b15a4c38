/**
 * The programs the k8s suite runs, as ToolSpecs for tests/support/tools.ts: Helm (renders the pinned charts),
 * kube-apiserver and etcd (accept or refuse what Helm and the program produce), and for `helm install --wait` the
 * controller-manager, the scheduler and kwok's simulated nodes. Versions: K8S_TEST_TOOLS in
 * config/versions.ts. Built once, cached with the other tools.
 */
import { K8S_TEST_TOOLS } from "../../config/versions";
import { ToolSpec } from "../support/tools";

/**
 * The staging modules k8s.io/kubernetes's go.mod replaces with `./staging/src/k8s.io/<name>`. A wrapper module has no
 * staging folder, so each is mapped to its published release (kubernetes v1.X.Y publishes them as v0.X.Y). The
 * sample-* modules are left out: they are examples no kubernetes command imports, and not published at v0.X.Y.
 */
export const KUBERNETES_STAGING_MODULES = [
    "api",
    "apiextensions-apiserver",
    "apimachinery",
    "apiserver",
    "cli-runtime",
    "client-go",
    "cloud-provider",
    "cluster-bootstrap",
    "code-generator",
    "component-base",
    "component-helpers",
    "controller-manager",
    "cri-api",
    "cri-client",
    "cri-streaming",
    "csi-translation-lib",
    "dynamic-resource-allocation",
    "endpointslice",
    "externaljwt",
    "kms",
    "kube-aggregator",
    "kube-controller-manager",
    "kube-proxy",
    "kube-scheduler",
    "kubectl",
    "kubelet",
    "metrics",
    "mount-utils",
    "pod-security-admission",
    "sample-apiserver",
    "streaming",
] as const;

/** `-X` flags that stamp a Kubernetes version where component-base and client-go read it (hack/lib/version.sh does the same). */
function kubernetesVersionStamp(pkgs: readonly string[], gitVersion: string): string[] {
    const [major, minor] = gitVersion.replace(/^v/, "").split(".");
    return pkgs.flatMap((pkg) => [
        `-X ${pkg}.gitVersion=${gitVersion}`,
        `-X ${pkg}.gitMajor=${major}`,
        `-X ${pkg}.gitMinor=${minor}`,
        `-X ${pkg}.gitTreeState=clean`,
    ]);
}

/** A command of k8s.io/kubernetes (`cmd/<name>`), built from the wrapper module that maps the staging modules. */
function kubernetesCommand(name: string): ToolSpec {
    const k = K8S_TEST_TOOLS.kubernetes;
    return {
        name,
        module: k.goModule,
        version: k.goVersion,
        pkg: `${k.goModule}/cmd/${name}`,
        reportedVersion: k.goVersion,
        versionArgs: ["--version"],
        ldflags: kubernetesVersionStamp(["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"], k.goVersion),
        replaces: KUBERNETES_STAGING_MODULES.map((m) => `k8s.io/${m} => k8s.io/${m} ${k.stagingVersion}`),
        alsoRequire: [],
    };
}

export const KUBE_APISERVER = kubernetesCommand("kube-apiserver");
/** Runs the controllers (Deployments, StatefulSets, DaemonSets, Jobs, volume binding, garbage collection). */
export const KUBE_CONTROLLER_MANAGER = kubernetesCommand("kube-controller-manager");
/** Places pods on the simulated nodes: resources, anti-affinity and topology spread are decided for real. */
export const KUBE_SCHEDULER = kubernetesCommand("kube-scheduler");

/** kwok: the nodes and the kubelet's status updates, simulated (no container runs). Its version is a constant. */
export const KWOK: ToolSpec = {
    name: "kwok",
    module: K8S_TEST_TOOLS.kwok.goModule,
    version: K8S_TEST_TOOLS.kwok.goVersion,
    pkg: `${K8S_TEST_TOOLS.kwok.goModule}/cmd/kwok`,
    reportedVersion: K8S_TEST_TOOLS.kwok.goVersion.slice(1),
    versionArgs: ["--version"],
    ldflags: [],
    replaces: [],
    alsoRequire: [],
};

export const HELM: ToolSpec = (() => {
    const h = K8S_TEST_TOOLS.helm;
    const [, major, minor] = /^v(\d+)\.(\d+)\./.exec(K8S_TEST_TOOLS.kubernetes.goVersion) ?? [];
    return {
        name: "helm",
        module: h.goModule,
        version: h.goVersion,
        pkg: `${h.goModule}/cmd/helm`,
        reportedVersion: h.goVersion,
        versionArgs: ["version", "--short"],
        // As Helm's Makefile does: the version, and the Kubernetes version `helm template` assumes (its client libraries').
        ldflags: [
            `-X helm.sh/helm/v3/internal/version.version=${h.goVersion}`,
            `-X helm.sh/helm/v3/internal/version.gitTreeState=clean`,
            `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${major}`,
            `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${minor}`,
            `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${major}`,
            `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${minor}`,
        ],
        replaces: [],
        alsoRequire: [],
    };
})();

/** etcd's server module replaces its sibling modules (api, client, pkg) with ../ paths: map them to the same release. */
export const ETCD: ToolSpec = (() => {
    const e = K8S_TEST_TOOLS.etcd;
    const siblings = ["go.etcd.io/etcd/api/v3", "go.etcd.io/etcd/client/pkg/v3", "go.etcd.io/etcd/client/v3", "go.etcd.io/etcd/pkg/v3"];
    return {
        name: "etcd",
        module: e.goModule,
        version: e.goVersion,
        pkg: e.goModule,
        reportedVersion: e.goVersion.slice(1),
        versionArgs: ["--version"],
        // The version is a constant in go.etcd.io/etcd/api/v3/version; only the commit is stamped by its build script.
        ldflags: [],
        replaces: siblings.map((m) => `${m} => ${m} ${e.goVersion}`),
        alsoRequire: [],
    };
})();

/** Build order: the small ones first, so a first run has Helm (the render checks) soonest. */
export const K8S_PROGRAMS: readonly ToolSpec[] = [HELM, ETCD, KUBE_APISERVER];
/** What `helm install --wait` on simulated nodes needs besides: built after kube-apiserver, whose packages they share. */
export const K8S_CLUSTER_PROGRAMS: readonly ToolSpec[] = [KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER, KWOK];
