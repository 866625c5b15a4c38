/** Values of the NATS chart: same accounts as dev (bcrypt only), JetStream sized from the tier, exporter + PodMonitor. */
import { JOBS } from "../../../monitoring/jobs";
import { NATS_EXPORTER_EXTRA_FLAGS } from "../../../render/exporter";
import { natsAccounts, NatsRenderedUser } from "../../../render/nats";
import type { TierSizing } from "../../../config/tiers";
import type { KubernetesStackConfig } from "../../../config/types";
import { VERSIONS } from "../../../config/versions";
import { KubernetesSizing, mi, resources } from "../budget";
import { jobRelabel } from "../relabelings";
import { logLevelFor } from "../../../render/logLevels";

export function natsValues(
    config: Pick<KubernetesStackConfig, "kubernetes" | "natsAppSubjects" | "logLevel">,
    sizing: TierSizing,
    k8s: KubernetesSizing,
    users: readonly NatsRenderedUser[],
) {
    const { budget: b, natsReplicas: replicas, pvc } = k8s;
    const maxFile = Math.floor(pvc.natsPerReplica * 0.9);
    const maxMemory = Math.min(sizing.jetstream.maxMemoryStoreMb, Math.floor(b.nats.memoryMb / 2));
    return {
        config: {
            // The chart reads `replicas` only for a cluster; a single server sets none (a key the chart ignores is a bug).
            cluster: replicas > 1 ? { enabled: true, replicas } : { enabled: false },
            jetstream: {
                enabled: true,
                fileStore: {
                    enabled: true,
                    maxSize: mi(maxFile),
                    pvc: {
                        enabled: true,
                        size: mi(pvc.natsPerReplica),
                        ...(config.kubernetes.storageClass ? { storageClassName: config.kubernetes.storageClass } : {}),
                    },
                },
                memoryStore: { enabled: true, maxSize: mi(maxMemory) },
            },
            monitor: { enabled: true },
            merge: { ...logLevelFor("nats", config.logLevel), ...natsAccounts(users, config.natsAppSubjects) },
        },
        // The chart publishes only the client port by default: publish monitoring too, so natsMonitoringUrl (the
        // `nats` Service) answers in the cluster as it does on dev. It stays a ClusterIP port, never exposed outside.
        service: { ports: { monitor: { enabled: true } } },
        container: {
            image: { tag: VERSIONS.nats.tag },
            resources: resources(b.nats),
            // The Go runtime's soft limit at ~80% of the container limit keeps GC ahead of the OOM killer.
            env: { GOMEMLIMIT: `${Math.floor(b.nats.memoryMb * 0.8)}MiB` },
        },
        reloader: { merge: { resources: resources(b.natsReloader) } },
        promExporter: {
            enabled: true,
            image: { tag: VERSIONS.natsExporter.tag },
            merge: { resources: resources(b.natsExporter) },
            // The chart's args are `-port=…`, its flags, then the URL: insert ours right after -port, before the URL.
            patch: [...NATS_EXPORTER_EXTRA_FLAGS, ...logLevelFor("natsExporter", config.logLevel)].map((flag) => ({
                op: "add",
                path: "/args/1",
                value: flag,
            })),
            podMonitor: {
                enabled: true,
                merge: { spec: { podMetricsEndpoints: [{ port: "prom-metrics", relabelings: jobRelabel(JOBS.natsExporter) }] } },
            },
        },
        natsBox: { enabled: false },
        ...(replicas > 1
            ? { podTemplate: { topologySpreadConstraints: { "kubernetes.io/hostname": { maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" } } } }
            : {}),
    };
}
