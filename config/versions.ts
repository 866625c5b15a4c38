/**
 * Every pinned version in the project, in one place: container images, Helm charts, and the Go modules the tests
 * build so that the generated config files are checked by the very program version that will run them.
 *
 * Rules:
 *  - no `latest`, ever; a test enforces it;
 *  - dev (Docker) and prod (Helm) run the same application versions: the chart image tags are set from these pins;
 *  - a Prometheus-family image `vX.Y.Z` is Go module version `v0.XYY.Z` (Prometheus) or the same tag (Alertmanager).
 * `confirmed` says where each pin was checked.
 */
export const VERSIONS = {
    prometheus: {
        image: "prom/prometheus",
        tag: "v3.14.0",
        goModule: "github.com/prometheus/prometheus",
        goVersion: "v0.314.0",
        confirmed:
            "kube-prometheus-stack 88.5.3 values.yaml prometheus.prometheusSpec.image.tag v3.14.0-distroless (prometheus-community/helm-charts@cf408a290, 2026-08-22); module v0.314.0 on the Go proxy",
    },
    alertmanager: {
        image: "prom/alertmanager",
        tag: "v0.34.0",
        goModule: "github.com/prometheus/alertmanager",
        goVersion: "v0.34.0",
        confirmed:
            "kube-prometheus-stack 88.5.3 values.yaml alertmanager.alertmanagerSpec.image.tag v0.34.0 (helm-charts@cf408a290); module v0.34.0 on the Go proxy",
    },
    grafana: {
        image: "grafana/grafana",
        tag: "13.2.0",
        confirmed:
            "appVersion of the grafana chart 12.11.1 that kube-prometheus-stack 88.5.3 depends on (grafana-community/helm-charts@3386a115, 2026-08-20)",
    },
    loki: {
        image: "grafana/loki",
        tag: "3.7.6",
        /** Deployed from its official image only: Loki's Go module is AGPL, so nothing here builds it. */
        confirmed: "newest 3.7.x tag of grafana/loki in the 2026-08-22 snapshot (v3.7.6, 2026-08-05)",
    },
    promtail: {
        image: "grafana/promtail",
        tag: "3.6.11",
        confirmed:
            "last release whose workflow builds the promtail image (grafana/loki release-3.6.x .github/release-workflows.jsonnet); Promtail is end of life since 2026-03-02",
    },
    alloy: {
        image: "grafana/alloy",
        tag: "v1.18.1",
        confirmed: "newest grafana/alloy tag in the 2026-08-21 snapshot; appVersion of the alloy chart 1.11.1",
    },
    nats: {
        image: "nats",
        /** The `-alpine` variant: the plain tag is a scratch image without wget for the healthcheck. */
        tag: "2.14.9-alpine",
        goModule: "github.com/nats-io/nats-server/v2",
        goVersion: "v2.14.9",
        confirmed:
            "NATS chart 2.14.2 ships the 2.14 minor (nats-io/k8s@957650f); 2.14.9 is the newest 2.14 patch on the Go proxy (2026-11-23); the official image publishes <version>-alpine per patch",
    },
    natsExporter: {
        image: "natsio/prometheus-nats-exporter",
        tag: "0.20.1",
        goModule: "github.com/nats-io/prometheus-nats-exporter",
        goVersion: "v0.20.1",
        confirmed: "NATS chart 2.14.2 values.yaml promExporter.image.tag 0.20.1 (nats-io/k8s@957650f); module v0.20.1 on the Go proxy",
    },
    /** The Loki that loki-stack runs on prod: the chart's own default (2.6.1) breaks current Grafana. */
    lokiStackLoki: {
        image: "grafana/loki",
        tag: "2.9.17",
        confirmed: "newest v2.9.x tag of grafana/loki in the 2026-08-22 snapshot",
    },
} as const;

/**
 * The Pulumi CLI the tests run (project and stack-config checks, `pulumi preview` up to the language host). Same
 * version as the `@pulumi/pulumi` SDK in package.json; a test keeps the two equal.
 */
export const PULUMI_CLI = {
    goModule: "github.com/pulumi/pulumi/pkg/v3",
    goVersion: "v3.248.0",
    confirmed: "pkg/v3 v3.248.0 on the Go proxy (2026-06-24), the release of @pulumi/pulumi 3.248.0",
} as const;

/** actionlint, which checks the GitHub workflows in the tests. */
export const ACTIONLINT = {
    goModule: "github.com/rhysd/actionlint",
    goVersion: "v1.7.12",
    confirmed: "newest release of github.com/rhysd/actionlint on the Go proxy (2026-11-25)",
} as const;

/** Helm charts of the prod stack: pinned versions and their repositories. */
export const CHARTS = {
    prometheusOperatorCrds: {
        chart: "prometheus-operator-crds",
        version: "31.0.1",
        repo: "https://prometheus-community.github.io/helm-charts",
        confirmed:
            "charts/prometheus-operator-crds/Chart.yaml 31.0.1, appVersion v0.93.1 = kube-prometheus-stack 88.5.3's operator (helm-charts@cf408a290)",
    },
    kubePrometheusStack: {
        chart: "kube-prometheus-stack",
        version: "88.5.3",
        repo: "https://prometheus-community.github.io/helm-charts",
        confirmed: "charts/kube-prometheus-stack/Chart.yaml 88.5.3 (helm-charts@cf408a290, 2026-08-22)",
    },
    lokiStack: {
        chart: "loki-stack",
        version: "2.10.3",
        repo: "https://grafana.github.io/helm-charts",
        confirmed: "charts/loki-stack/Chart.yaml 2.10.3, deprecated: true (grafana/helm-charts@7a0ab9689, 2026-08-20)",
    },
    nats: {
        chart: "nats",
        version: "2.14.2",
        repo: "https://nats-io.github.io/k8s/helm/charts/",
        confirmed: "helm/charts/nats/Chart.yaml 2.14.2 (nats-io/k8s@957650f, 2026-06-11)",
    },
} as const;

export type VersionedService = keyof typeof VERSIONS;

/** `repository:tag` for a pinned image. */
export function imageRef(service: VersionedService): string {
    const v = VERSIONS[service];
    return `${v.image}:${v.tag}`;
}

/**
 * The Kubernetes-side programs the k8s suite builds (tests/k8s): Helm renders the pinned charts, kube-apiserver + etcd
 * accept or refuse what it renders. Helm's Kubernetes libraries are the same minor as the API server it talks to.
 */
export const K8S_TEST_TOOLS = {
    helm: {
        goModule: "helm.sh/helm/v3",
        goVersion: "v3.22.0",
        confirmed: "helm.sh/helm/v3 v3.22.0 on the Go proxy (2026-09-09); its go.mod requires k8s.io/* v0.37.0, the kube-apiserver minor below",
    },
    kubernetes: {
        goModule: "k8s.io/kubernetes",
        goVersion: "v1.37.2",
        /** The published staging modules (k8s.io/api, ...) of this release: v1.X.Y ships them as v0.X.Y. */
        stagingVersion: "v0.37.2",
        confirmed: "k8s.io/kubernetes v1.37.2 on the Go proxy; each staging module it replaces with ./staging is published at v0.37.2",
    },
    etcd: {
        goModule: "go.etcd.io/etcd/server/v3",
        goVersion: "v3.7.3",
        confirmed: "go.etcd.io/etcd/server/v3 v3.7.3 on the Go proxy; k8s.io/kubernetes v1.37.2 requires the etcd v3.7 client",
    },
    /** Simulated nodes: marks pods running (and Job pods complete) so `helm install --wait` and its hooks can finish. */
    kwok: {
        goModule: "sigs.k8s.io/kwok",
        goVersion: "v0.8.0",
        confirmed: "newest sigs.k8s.io/kwok on the Go proxy (2026-12-02); its go.mod has no replace directives (client libraries v0.36.1)",
    },
} as const;
