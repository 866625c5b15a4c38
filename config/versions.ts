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
        confirmed: "TODO",
    },
    alertmanager: {
        image: "prom/alertmanager",
        tag: "v0.34.0",
        goModule: "github.com/prometheus/alertmanager",
        goVersion: "v0.34.0",
        confirmed: "TODO",
    },
    grafana: {
        image: "grafana/grafana",
        tag: "13.2.0",
        confirmed: "TODO",
    },
    loki: {
        image: "grafana/loki",
        tag: "3.7.6",
        confirmed: "TODO",
    },
    promtail: {
        image: "grafana/promtail",
        tag: "3.6.11",
        confirmed: "TODO",
    },
    alloy: {
        image: "grafana/alloy",
        tag: "v1.18.1",
        confirmed: "TODO",
    },
    nats: {
        image: "nats",
        /** The `-alpine` variant: the plain tag is a scratch image without wget for the healthcheck. */
        tag: "2.14.9-alpine",
        goModule: "github.com/nats-io/nats-server/v2",
        goVersion: "v2.14.9",
        confirmed: "TODO",
    },
    natsExporter: {
        image: "natsio/prometheus-nats-exporter",
        tag: "0.20.1",
        goModule: "github.com/nats-io/prometheus-nats-exporter",
        goVersion: "v0.20.1",
        confirmed: "TODO",
    },
} as const;

export type VersionedService = keyof typeof VERSIONS;

/** `repository:tag` for a pinned image. */
export function imageRef(service: VersionedService): string {
    const v = VERSIONS[service];
    return `${v.image}:${v.tag}`;
}
