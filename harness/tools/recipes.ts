/**
 * Every Go program any suite builds, in one table: how each is built from its Go module at the pin of
 * config/versions.ts (the same pins the deployments use). ./build.ts builds and caches them; ./run.ts runs them.
 * A new tool is one `goTool()` row here plus its pin in config/versions.ts (harness/README.md, "Adding a tool").
 *
 * A recipe's cache key hashes everything but the version and Go's (build.ts `buildRecipe`): change a row's package,
 * ldflags, replaces or extra requirements and the next run builds it again instead of reusing a stale binary.
 */
import { ACTIONLINT, K8S_TEST_TOOLS, PULUMI_CLI, VERSIONS } from "../../config/versions";
import { alertmanagerSourceWithoutUi, prepareAlertmanagerSourceWithoutUi } from "./alertmanagerSource";

export interface ToolSpec {
    /** Binary name, also the cache folder. */
    readonly name: string;
    /** Go module that holds the program. */
    readonly module: string;
    /** Module version, from config/versions.ts. */
    readonly version: string;
    /** Package path of the main package. */
    readonly pkg: string;
    /** The version the program reports, e.g. `3.14.0` for Prometheus module v0.314.0. */
    readonly reportedVersion: string;
    /** The flag that makes the program print its version. */
    readonly versionArgs: readonly string[];
    /** -ldflags -X settings that stamp the version where the program reads it from build variables. */
    readonly ldflags: readonly string[];
    /**
     * `replace` directives the wrapper module must carry: Go applies only the main module's replaces, so a module
     * whose own go.mod replaces dependencies builds only when the wrapper repeats them.
     */
    readonly replaces: readonly string[];
    /** Further modules pinned alongside (e.g. the Pulumi SDK at the CLI's version). */
    readonly alsoRequire: readonly string[];
    /** Makes what a replace points at exist, before a build (not part of the cache key: the replace path is). */
    readonly prepare?: () => void;
}

/** A pin of config/versions.ts. */
interface GoPin {
    readonly goModule: string;
    readonly goVersion: string;
}

interface Recipe {
    /** The main package below the module root (`cmd/promtool`); the module root itself when absent. */
    readonly cmd?: string;
    /** What `versionArgs` prints; the module version without its `v` when absent. */
    readonly reportedVersion?: string;
    readonly versionArgs: readonly string[];
    readonly ldflags?: readonly string[];
    readonly replaces?: readonly string[];
    readonly alsoRequire?: readonly string[];
    readonly prepare?: () => void;
}

/** One row of the table: a program of `pin`'s module, built as `recipe` says. Pure. */
export function goTool(name: string, pin: GoPin, recipe: Recipe): ToolSpec {
    return {
        name,
        module: pin.goModule,
        version: pin.goVersion,
        pkg: recipe.cmd === undefined ? pin.goModule : `${pin.goModule}/${recipe.cmd}`,
        reportedVersion: recipe.reportedVersion ?? pin.goVersion.replace(/^v/, ""),
        versionArgs: recipe.versionArgs,
        ldflags: recipe.ldflags ?? [],
        replaces: recipe.replaces ?? [],
        alsoRequire: recipe.alsoRequire ?? [],
        ...(recipe.prepare ? { prepare: recipe.prepare } : {}),
    };
}

const PROMETHEUS_COMMON_VERSION = "github.com/prometheus/common/version";
/** What Prometheus' release build stamps: `--version` and the build_info metric show the release, not the module. */
const stampPrometheus = (reported: string): string[] => [
    `-X ${PROMETHEUS_COMMON_VERSION}.Version=${reported}`,
    `-X ${PROMETHEUS_COMMON_VERSION}.Branch=HEAD`,
];
/** Prometheus and Alertmanager report their release tag (module v0.314.0 is release v3.14.0). */
const prometheusRelease = (pin: { readonly tag: string }) => pin.tag.replace(/^v/, "");

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
function kubernetesVersionStamp(gitVersion: string): string[] {
    const [major, minor] = gitVersion.replace(/^v/, "").split(".");
    return ["k8s.io/component-base/version", "k8s.io/client-go/pkg/version"].flatMap((pkg) => [
        `-X ${pkg}.gitVersion=${gitVersion}`,
        `-X ${pkg}.gitMajor=${major}`,
        `-X ${pkg}.gitMinor=${minor}`,
        `-X ${pkg}.gitTreeState=clean`,
    ]);
}

/** A command of k8s.io/kubernetes (`cmd/<name>`), built from the wrapper module that maps the staging modules. */
function kubernetesCommand(name: string): ToolSpec {
    const k = K8S_TEST_TOOLS.kubernetes;
    return goTool(name, k, {
        cmd: `cmd/${name}`,
        reportedVersion: k.goVersion,
        versionArgs: ["--version"],
        ldflags: kubernetesVersionStamp(k.goVersion),
        replaces: KUBERNETES_STAGING_MODULES.map((m) => `k8s.io/${m} => k8s.io/${m} ${k.stagingVersion}`),
    });
}

/** The Kubernetes minor Helm's client libraries speak, which `helm template` and `helm lint` assume. */
const [, K8S_MAJOR, K8S_MINOR] = /^v(\d+)\.(\d+)\./.exec(K8S_TEST_TOOLS.kubernetes.goVersion) ?? [];
const ETCD_SIBLINGS = ["go.etcd.io/etcd/api/v3", "go.etcd.io/etcd/client/pkg/v3", "go.etcd.io/etcd/client/v3", "go.etcd.io/etcd/pkg/v3"];
const AM = VERSIONS.alertmanager;

export const TOOLS = {
    // ---- checkers the programs suite runs on the rendered files, and the servers of the dev stack
    // The server's version is a constant in its source: nothing to stamp.
    "nats-server": goTool("nats-server", VERSIONS.nats, { versionArgs: ["--version"] }),
    // main.go prints `version`, which its release build stamps with -X main.version.
    "prometheus-nats-exporter": goTool("prometheus-nats-exporter", VERSIONS.natsExporter, {
        versionArgs: ["-version"],
        ldflags: [`-X main.version=${VERSIONS.natsExporter.goVersion.replace(/^v/, "")}`],
    }),
    promtool: goTool("promtool", VERSIONS.prometheus, {
        cmd: "cmd/promtool",
        reportedVersion: prometheusRelease(VERSIONS.prometheus),
        versionArgs: ["--version"],
        ldflags: stampPrometheus(prometheusRelease(VERSIONS.prometheus)),
    }),
    amtool: goTool("amtool", AM, {
        cmd: "cmd/amtool",
        reportedVersion: prometheusRelease(AM),
        versionArgs: ["--version"],
        ldflags: stampPrometheus(prometheusRelease(AM)),
    }),
    prometheus: goTool("prometheus", VERSIONS.prometheus, {
        cmd: "cmd/prometheus",
        reportedVersion: prometheusRelease(VERSIONS.prometheus),
        versionArgs: ["--version"],
        ldflags: stampPrometheus(prometheusRelease(VERSIONS.prometheus)),
    }),
    // The published module cannot build cmd/alertmanager (its web UI is not in it): built from a copy without the UI.
    alertmanager: goTool("alertmanager", AM, {
        cmd: "cmd/alertmanager",
        reportedVersion: prometheusRelease(AM),
        versionArgs: ["--version"],
        ldflags: stampPrometheus(prometheusRelease(AM)),
        replaces: [`${AM.goModule} => ${alertmanagerSourceWithoutUi(AM.goVersion)}`],
        prepare: () => prepareAlertmanagerSourceWithoutUi(AM.goModule, AM.goVersion),
    }),
    // ---- the Pulumi CLI (the project and stack files) and actionlint (the workflows)
    pulumi: goTool("pulumi", PULUMI_CLI, {
        cmd: "cmd/pulumi",
        versionArgs: ["version"],
        ldflags: [`-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${PULUMI_CLI.goVersion}`],
        // pkg/go.mod replaces sdk/v3 with ../sdk (the published sdk at the same version stands in for it) and
        // atotto/clipboard with a fork; the fork must be repeated here.
        replaces: ["github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e"],
        alsoRequire: [`github.com/pulumi/pulumi/sdk/v3@${PULUMI_CLI.goVersion}`],
    }),
    // Release builds stamp the version into main.version; without it `-version` prints the module version anyway.
    actionlint: goTool("actionlint", ACTIONLINT, {
        cmd: "cmd/actionlint",
        versionArgs: ["-version"],
        ldflags: [`-X github.com/rhysd/actionlint.version=${ACTIONLINT.goVersion.replace(/^v/, "")}`],
    }),
    // ---- the Kubernetes side: Helm renders the pinned charts; etcd + kube-apiserver accept or refuse the objects;
    // the controller-manager, the scheduler and kwok's simulated nodes let `helm install --wait` finish.
    helm: goTool("helm", K8S_TEST_TOOLS.helm, {
        cmd: "cmd/helm",
        reportedVersion: K8S_TEST_TOOLS.helm.goVersion,
        versionArgs: ["version", "--short"],
        // As Helm's Makefile does: the version, and the Kubernetes version `helm template` assumes (its client libraries').
        ldflags: [
            `-X helm.sh/helm/v3/internal/version.version=${K8S_TEST_TOOLS.helm.goVersion}`,
            `-X helm.sh/helm/v3/internal/version.gitTreeState=clean`,
            `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${K8S_MAJOR}`,
            `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${K8S_MINOR}`,
            `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${K8S_MAJOR}`,
            `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${K8S_MINOR}`,
        ],
    }),
    // The server module replaces its sibling modules (api, client, pkg) with ../ paths: mapped to the same release.
    // The version is a constant in go.etcd.io/etcd/api/v3/version; only the commit is stamped by its build script.
    etcd: goTool("etcd", K8S_TEST_TOOLS.etcd, {
        versionArgs: ["--version"],
        replaces: ETCD_SIBLINGS.map((m) => `${m} => ${m} ${K8S_TEST_TOOLS.etcd.goVersion}`),
    }),
    "kube-apiserver": kubernetesCommand("kube-apiserver"),
    /** Runs the controllers (Deployments, StatefulSets, DaemonSets, Jobs, volume binding, garbage collection). */
    "kube-controller-manager": kubernetesCommand("kube-controller-manager"),
    /** Places pods on the simulated nodes: resources, anti-affinity and topology spread are decided for real. */
    "kube-scheduler": kubernetesCommand("kube-scheduler"),
    /** kwok: the nodes and the kubelet's status updates, simulated (no container runs). Its version is a constant. */
    kwok: goTool("kwok", K8S_TEST_TOOLS.kwok, { cmd: "cmd/kwok", versionArgs: ["--version"] }),
} satisfies Record<string, ToolSpec>;

export type ToolName = keyof typeof TOOLS;

/** Every program any suite builds (the licence test checks each module). */
export const ALL_TOOLS: readonly ToolSpec[] = Object.values(TOOLS);

/** What the programs suite (`npm run test:programs`) builds in its globalSetup: the checkers, the CLIs, Helm. */
export const PROGRAMS_SUITE_TOOLS: readonly ToolSpec[] = [
    TOOLS["nats-server"],
    TOOLS["prometheus-nats-exporter"],
    TOOLS.promtool,
    TOOLS.amtool,
    TOOLS.pulumi,
    TOOLS.actionlint,
    TOOLS.helm,
];
/** Every program the e2e suite may build into a local image, in build order (smallest first). */
export const E2E_IMAGE_TOOLS: readonly ToolSpec[] = [TOOLS["nats-server"], TOOLS["prometheus-nats-exporter"], TOOLS.alertmanager, TOOLS.prometheus];
/** The k8s suite's render-and-apply programs; small ones first, so a first run has Helm (the render checks) soonest. */
export const K8S_TOOLS: readonly ToolSpec[] = [TOOLS.helm, TOOLS.etcd, TOOLS["kube-apiserver"]];
/** What `helm install --wait` on simulated nodes needs besides: built after kube-apiserver, whose packages they share. */
export const K8S_CLUSTER_TOOLS: readonly ToolSpec[] = [TOOLS["kube-controller-manager"], TOOLS["kube-scheduler"], TOOLS.kwok];
