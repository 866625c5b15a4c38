import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

import { JOBS } from "../config/jobs";
import { ALERT_ROUTING } from "../config/monitoring/alertRouting";
import { DATASOURCE_UIDS } from "../config/monitoring/datasources";
import { renderAlertmanagerConfig } from "../config/render/alertmanager";
import { NATS_EXPORTER_EXTRA_FLAGS } from "../config/render/exporter";
import { escapeProvisioningValue, grafanaAdminPasswordSync } from "../config/render/grafana";
import { renderLokiStackConfig } from "../config/render/lokiStack";
import { natsAccounts, NatsRenderedUser } from "../config/render/nats";
import { promtailJsonPipeline } from "../config/render/promtail";
import { LOG_LABELS } from "../config/logLabels";
import type { TierSizing } from "../config/tiers";
import type { StackConfig } from "../config/types";
import { CHARTS, VERSIONS } from "../config/versions";
import { endpointOutputs, NatsLogin, StackEndpoints } from "./contract";
import { GRAFANA_ADMIN_USER, StackCredentials } from "./credentials";
import type { MonitoringContent } from "./monitoringContent";

/** Fixed Helm release names: they name the services and the `release` labels, so they must not be auto-suffixed. */
export const RELEASES = {
    crds: "prometheus-operator-crds",
    kubePrometheusStack: "kube-prometheus-stack",
    /** Named `loki` so the loki subchart's service is `loki` (the push URL Promtail uses). */
    lokiStack: "loki",
    nats: "nats",
} as const;

/** Objects the program creates next to the releases. */
export const K8S_NAMES = {
    grafanaAdminSecret: "grafana-admin",
    receiverSecret: "alertmanager-receiver",
    lokiConfigSecret: "loki-config",
    rules: "a4co-rules",
    servicesMonitor: "a4co-services",
    lokiMonitor: "a4co-loki",
} as const;

/** Pods of the platform's own services carry this label to be scraped (port name `metrics`). */
export const SCRAPE_LABEL = { key: "a4co.io/scrape", value: "true" } as const;
export const SERVICE_METRICS_PORT = "metrics";

/** Sidecar annotation that names the Grafana folder of a dashboard ConfigMap. */
export const FOLDER_ANNOTATION = "grafana_folder";
/** Helm release timeout: kube-prometheus-stack and PVC provisioning can take minutes. */
export const RELEASE_TIMEOUT_SECONDS = 900;

const mi = (mb: number) => `${Math.floor(mb)}Mi`;
const milli = (cpus: number) => `${Math.round(cpus * 1000)}m`;
/** requests = limits: the tier is a budget, not a hint. */
const resources = (cpus: number, memoryMb: number) => ({
    requests: { cpu: milli(cpus), memory: mi(memoryMb) },
    limits: { cpu: milli(cpus), memory: mi(memoryMb) },
});

/** Share of the tier the stack may use on Kubernetes (the rest is for the microservices, as on Docker). */
export const K8S_STACK_FRACTION = 0.58;

const SMALL = { cpus: 0.05, memoryMb: 64 };

/**
 * Per-container budget on Kubernetes: the tier is the whole cluster. Kubernetes adds containers Docker does not have
 * (operator, config reloaders, Grafana sidecars, kube-state-metrics, node-exporter and Promtail per node, an exporter
 * and reloader per NATS pod); their fixed small budgets come first, and the big services share what is left of the
 * stack's fraction in the proportions of the tier table.
 */
export function kubernetesBudget(sizing: TierSizing, nodeCount: number, replicas = 3) {
    const s = sizing.services;
    const fixed = {
        natsExporter: SMALL,
        natsReloader: SMALL,
        configReloader: SMALL,
        grafanaSidecar: SMALL,
        grafanaInit: SMALL,
        operator: { cpus: 0.1, memoryMb: 128 },
        kubeStateMetrics: { cpus: 0.1, memoryMb: 128 },
        /** Per node. */
        nodeExporter: SMALL,
        /** Per node. */
        promtail: { cpus: 0.1, memoryMb: 128 },
    };
    const fixedTotal = (key: "cpus" | "memoryMb") =>
        fixed.natsExporter[key] * replicas +
        fixed.natsReloader[key] * replicas +
        fixed.configReloader[key] * 2 +
        fixed.grafanaSidecar[key] * 2 +
        fixed.grafanaInit[key] +
        fixed.operator[key] +
        fixed.kubeStateMetrics[key] +
        (fixed.nodeExporter[key] + fixed.promtail[key]) * nodeCount;
    const big = ["prometheus", "alertmanager", "grafana", "loki", "nats"] as const;
    const bigTotal = (key: "cpus" | "memoryMb") => big.reduce((sum, b) => sum + s[b][key], 0);
    const scale = (key: "cpus" | "memoryMb") => {
        const available = sizing.hardware[key === "cpus" ? "cpus" : "memoryMb"] * K8S_STACK_FRACTION - fixedTotal(key);
        return Math.max(0, Math.min(1, available / bigTotal(key)));
    };
    const [cpuScale, memScale] = [scale("cpus"), scale("memoryMb")];
    const scaled = (b: (typeof big)[number], perPods = 1) => ({
        cpus: Math.floor((s[b].cpus * cpuScale * 1000) / perPods) / 1000,
        memoryMb: Math.floor((s[b].memoryMb * memScale) / perPods),
    });
    return {
        ...fixed,
        prometheus: scaled("prometheus"),
        alertmanager: scaled("alertmanager"),
        grafana: scaled("grafana"),
        loki: scaled("loki"),
        /** Per NATS pod: the NATS share spread over the replicas. */
        nats: scaled("nats", replicas),
    };
}

/** Total CPU and memory the budget reserves across the cluster (per-node containers times the node count). */
export function budgetTotals(budget: ReturnType<typeof kubernetesBudget>, natsReplicaCount: number, nodeCount: number) {
    const perPod = (x: { cpus: number; memoryMb: number }, n: number) => ({ cpus: x.cpus * n, memoryMb: x.memoryMb * n });
    const parts = [
        perPod(budget.prometheus, 1),
        perPod(budget.configReloader, 2),
        perPod(budget.alertmanager, 1),
        perPod(budget.grafana, 1),
        perPod(budget.grafanaSidecar, 2),
        perPod(budget.grafanaInit, 1),
        perPod(budget.loki, 1),
        perPod(budget.nats, natsReplicaCount),
        perPod(budget.natsExporter, natsReplicaCount),
        perPod(budget.natsReloader, natsReplicaCount),
        perPod(budget.operator, 1),
        perPod(budget.kubeStateMetrics, 1),
        perPod(budget.nodeExporter, nodeCount),
        perPod(budget.promtail, nodeCount),
    ];
    return parts.reduce((a, b) => ({ cpus: a.cpus + b.cpus, memoryMb: a.memoryMb + b.memoryMb }), { cpus: 0, memoryMb: 0 });
}

/** NATS servers: a 3-node cluster on the prod tier; one server is allowed on the dev tier. */
export function natsReplicas(config: StackConfig): number {
    return config.tier === "prod" ? 3 : 1;
}

/** PVC sizes (MiB) per persistent service, from the tier's disk budget; NATS has one PVC per replica. */
export function pvcSizes(sizing: TierSizing, replicas: number) {
    return {
        prometheus: sizing.storageMb.prometheus,
        alertmanager: sizing.storageMb.alertmanager,
        grafana: sizing.storageMb.grafana,
        loki: sizing.storageMb.loki,
        natsPerReplica: Math.floor(sizing.storageMb.nats / replicas),
    };
}

const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Prod-only checks, before any resource: each names the key, the value and the fix. */
export function validateKubernetesConfig(config: StackConfig, sizing: TierSizing): void {
    const problems: string[] = [];
    const k = config.kubernetes;
    if (!RFC1123_LABEL.test(k.namespace)) {
        problems.push(`'kubernetes.namespace' is '${k.namespace}': use an RFC 1123 label (lowercase letters, digits, dashes).`);
    }
    const replicas = natsReplicas(config);
    if (replicas > 1 && k.nodeCount < replicas) {
        problems.push(
            `'kubernetes.nodeCount' is ${k.nodeCount}: the ${config.tier} tier runs a ${replicas}-node NATS cluster spread one per node, so use at least ${replicas} nodes (or tier dev for a single NATS server).`,
        );
    }
    if (k.storageClass !== undefined && !RFC1123_LABEL.test(k.storageClass) && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(k.storageClass)) {
        problems.push(`'kubernetes.storageClass' is '${k.storageClass}': use the name of a StorageClass in the cluster.`);
    }
    const sizes = pvcSizes(sizing, replicas);
    const total = sizes.prometheus + sizes.alertmanager + sizes.grafana + sizes.loki + sizes.natsPerReplica * replicas;
    if (total > sizing.hardware.diskGb * 1024) {
        problems.push(`PVCs need ${total} MiB but tier '${config.tier}' has ${sizing.hardware.diskGb} GiB of disk: choose a larger tier.`);
    }
    const totals = budgetTotals(kubernetesBudget(sizing, k.nodeCount, replicas), replicas, k.nodeCount);
    const minimum = kubernetesBudget(sizing, k.nodeCount, replicas);
    if (totals.memoryMb > sizing.hardware.memoryMb * 0.6 || minimum.prometheus.memoryMb < 512) {
        problems.push(
            `'kubernetes.nodeCount' is ${k.nodeCount}: per-node agents push the stack to ${totals.memoryMb} MiB, over 60% of tier '${config.tier}' (${sizing.hardware.memoryMb} MiB); use a larger tier or fewer nodes.`,
        );
    }
    if (problems.length > 0) throw new Error(`Invalid Kubernetes configuration:\n  - ${problems.join("\n  - ")}`);
}

/** Prometheus/Alertmanager/Grafana ServiceMonitor relabelling onto the job-label contract. */
const jobRelabel = (job: string) => [{ action: "replace", targetLabel: "job", replacement: job }];

/** PVC template in the operator's / charts' `volumeClaimTemplate` shape. */
const claim = (sizeMb: number, storageClass?: string) => ({
    volumeClaimTemplate: {
        spec: {
            ...(storageClass ? { storageClassName: storageClass } : {}),
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: mi(sizeMb) } },
        },
    },
});

/** kube-prometheus-stack default alerts that ours replace: the same name, or the same condition under another name. */
export const CHART_RULES_REPLACED_BY_OURS = {
    Watchdog: true,
    TargetDown: true,
    /** = PrometheusRuleEvaluationFailures */
    PrometheusRuleFailures: true,
    /** = AlertmanagerNotificationsFailing */
    AlertmanagerFailedToSendAlerts: true,
} as const;

/** Where Grafana's sidecar writes dashboards; the folder annotation is a sub-directory of it. */
export const GRAFANA_DASHBOARDS_DIR = "/tmp/dashboards";

/** Values of kube-prometheus-stack (every key checked against the chart's values.yaml: tests/prod/chartKeys.ts). */
export function kubePrometheusStackValues(args: {
    config: StackConfig;
    sizing: TierSizing;
    content: MonitoringContent;
    receiverSecretName?: string;
}) {
    const { config, sizing, content } = args;
    const b = kubernetesBudget(sizing, config.kubernetes.nodeCount, natsReplicas(config));
    const pvc = pvcSizes(sizing, natsReplicas(config));
    const storageClass = config.kubernetes.storageClass;
    const receiverFile = args.receiverSecretName ? `/etc/alertmanager/secrets/${args.receiverSecretName}/url` : undefined;
    const alertmanagerConfig = parse(
        renderAlertmanagerConfig({
            routing: ALERT_ROUTING,
            receiver:
                config.alertReceiver && receiverFile
                    ? { kind: config.alertReceiver.kind, urlFile: receiverFile, slackChannel: config.alertReceiver.slackChannel }
                    : undefined,
        }),
    );
    return {
        crds: { enabled: false },
        // Ours replace the chart's alerts on the same conditions (same name, or rule-evaluation and notification
        // failures under other names); everything else of the chart's default rules stays.
        defaultRules: { create: true, disabled: CHART_RULES_REPLACED_BY_OURS },
        prometheusOperator: {
            resources: resources(b.operator.cpus, b.operator.memoryMb),
            // The admission webhook's certificate Job (a Helm hook) runs a container too.
            admissionWebhooks: { patch: { resources: resources(b.configReloader.cpus, b.configReloader.memoryMb) } },
            prometheusConfigReloader: { resources: resources(b.configReloader.cpus, b.configReloader.memoryMb) },
        },
        prometheus: {
            serviceMonitor: { relabelings: jobRelabel(JOBS.prometheus) },
            prometheusSpec: {
                image: { tag: VERSIONS.prometheus.tag },
                retention: config.prometheusRetention,
                retentionSize: sizing.prometheusRetentionSize,
                resources: resources(b.prometheus.cpus, b.prometheus.memoryMb),
                storageSpec: claim(pvc.prometheus, storageClass),
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                probeSelectorNilUsesHelmValues: false,
                scrapeConfigSelectorNilUsesHelmValues: false,
                externalLabels: { platform: "kubernetes", tier: config.tier },
            },
        },
        alertmanager: {
            serviceMonitor: { relabelings: jobRelabel(JOBS.alertmanager) },
            config: alertmanagerConfig,
            alertmanagerSpec: {
                image: { tag: VERSIONS.alertmanager.tag },
                resources: resources(b.alertmanager.cpus, b.alertmanager.memoryMb),
                storage: claim(pvc.alertmanager, storageClass),
                secrets: args.receiverSecretName ? [args.receiverSecretName] : [],
            },
        },
        grafana: {
            image: { tag: VERSIONS.grafana.tag },
            admin: { existingSecret: K8S_NAMES.grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" },
            persistence: {
                enabled: true,
                size: mi(pvc.grafana),
                ...(storageClass ? { storageClassName: storageClass } : {}),
                // Grafana's PVC is a plain chart object (the others come from StatefulSet claim templates, which
                // Kubernetes keeps): keep it on uninstall unless the user opts out of retaining data.
                ...(config.retainData ? { annotations: { "helm.sh/resource-policy": "keep" } } : {}),
            },
            resources: resources(b.grafana.cpus, b.grafana.memoryMb),
            initChownData: { resources: resources(b.grafanaInit.cpus, b.grafanaInit.memoryMb) },
            // Grafana applies the admin password only when it creates its database: on a kept PVC, reset it from
            // the Secret before the server starts, as the Docker stack does.
            extraInitContainers: [
                {
                    name: "sync-admin-password",
                    image: `docker.io/${VERSIONS.grafana.image}:${VERSIONS.grafana.tag}`,
                    command: ["/bin/sh", "-c", grafanaAdminPasswordSync("/etc/grafana-admin/admin-password")],
                    env: [{ name: "GF_PATHS_DATA", value: "/var/lib/grafana" }],
                    volumeMounts: [
                        { name: "storage", mountPath: "/var/lib/grafana" },
                        { name: "grafana-admin", mountPath: "/etc/grafana-admin", readOnly: true },
                    ],
                    resources: resources(b.grafanaInit.cpus, b.grafanaInit.memoryMb),
                },
            ],
            extraSecretMounts: [
                { name: "grafana-admin", secretName: K8S_NAMES.grafanaAdminSecret, mountPath: "/etc/grafana-admin", readOnly: true, defaultMode: 0o440 },
            ],
            env: { GF_PLUGINS_PREINSTALL_DISABLED: "true" },
            "grafana.ini": {
                "auth.anonymous": { enabled: false },
                users: { allow_sign_up: false },
                analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
                dashboards: {
                    default_home_dashboard_path: `${GRAFANA_DASHBOARDS_DIR}/${content.folder}/${content.homeDashboardFileName}`,
                },
            },
            serviceMonitor: { relabelings: jobRelabel(JOBS.grafana) },
            sidecar: {
                resources: resources(b.grafanaSidecar.cpus, b.grafanaSidecar.memoryMb),
                dashboards: {
                    enabled: true,
                    label: "grafana_dashboard",
                    labelValue: "1",
                    folder: GRAFANA_DASHBOARDS_DIR,
                    folderAnnotation: FOLDER_ANNOTATION,
                    provider: { foldersFromFilesStructure: true, allowUiUpdates: false },
                },
                datasources: { enabled: true, uid: DATASOURCE_UIDS.prometheus, alertmanager: { uid: DATASOURCE_UIDS.alertmanager } },
            },
        },
        nodeExporter: { enabled: true },
        "prometheus-node-exporter": { resources: resources(b.nodeExporter.cpus, b.nodeExporter.memoryMb) },
        kubeStateMetrics: { enabled: true },
        "kube-state-metrics": { resources: resources(b.kubeStateMetrics.cpus, b.kubeStateMetrics.memoryMb) },
    };
}

/** Values of loki-stack: Loki 2.9 from our config Secret, Promtail with the shared JSON pipeline, one Loki datasource. */
export function lokiStackValues(config: StackConfig, sizing: TierSizing) {
    const b = kubernetesBudget(sizing, config.kubernetes.nodeCount, natsReplicas(config));
    const pvc = pvcSizes(sizing, natsReplicas(config));
    const storageClass = config.kubernetes.storageClass;
    const jsonData: Record<string, unknown> = { maxLines: 1000 };
    if (config.traceUrl) {
        jsonData.derivedFields = [
            { name: "traceId", matcherRegex: '"traceId":\\s*"(\\w+)"', url: escapeProvisioningValue(config.traceUrl), urlDisplayLabel: "View trace" },
        ];
    }
    return {
        loki: {
            enabled: true,
            // Exactly one Loki datasource, with dev's uid, and not a second default next to Prometheus.
            isDefault: false,
            datasource: { uid: DATASOURCE_UIDS.loki, jsonData: JSON.stringify(jsonData) },
            image: { tag: VERSIONS.lokiStackLoki.tag },
            config: { existingSecret: K8S_NAMES.lokiConfigSecret },
            persistence: { enabled: true, size: mi(pvc.loki), ...(storageClass ? { storageClassName: storageClass } : {}) },
            resources: resources(b.loki.cpus, b.loki.memoryMb),
            // The chart's ServiceMonitor selects the headless service (job "loki-headless") and cannot relabel:
            // the stack creates its own, relabelled to the job contract (see KubernetesStack).
            serviceMonitor: { enabled: false },
        },
        promtail: {
            enabled: true,
            image: { tag: VERSIONS.promtail.tag },
            resources: resources(b.promtail.cpus, b.promtail.memoryMb),
            serviceMonitor: { enabled: true, relabelings: jobRelabel(JOBS.promtail) },
            config: {
                logLevel: config.logLevel,
                clients: [{ url: `http://${RELEASES.lokiStack}:3100/loki/api/v1/push` }],
                snippets: {
                    // The chart's CRI parsing first, then the same JSON stages as dev.
                    pipelineStages: [{ cri: {} }, ...promtailJsonPipeline()],
                    extraRelabelConfigs: [
                        // `service` means the app, as on dev; `component` comes only from the log line, as on dev.
                        { action: "replace", source_labels: ["app"], target_label: LOG_LABELS.service },
                        { action: "labeldrop", regex: LOG_LABELS.component },
                    ],
                },
            },
        },
        grafana: { enabled: false, sidecar: { datasources: { enabled: true } } },
        prometheus: { enabled: false },
        "fluent-bit": { enabled: false },
        test_pod: { enabled: false },
    };
}

/** Values of the NATS chart: same accounts as dev (bcrypt only), JetStream sized from the tier, exporter + PodMonitor. */
export function natsValues(config: StackConfig, sizing: TierSizing, users: readonly NatsRenderedUser[]) {
    const b = kubernetesBudget(sizing, config.kubernetes.nodeCount, natsReplicas(config));
    const replicas = natsReplicas(config);
    const pvc = pvcSizes(sizing, replicas);
    const maxFile = Math.floor(pvc.natsPerReplica * 0.9);
    const maxMemory = Math.min(sizing.jetstream.maxMemoryStoreMb, Math.floor(b.nats.memoryMb / 2));
    return {
        config: {
            cluster: { enabled: replicas > 1, replicas },
            jetstream: {
                enabled: true,
                fileStore: {
                    enabled: true,
                    maxSize: mi(maxFile),
                    pvc: { enabled: true, size: mi(pvc.natsPerReplica), ...(config.kubernetes.storageClass ? { storageClassName: config.kubernetes.storageClass } : {}) },
                },
                memoryStore: { enabled: true, maxSize: mi(maxMemory) },
            },
            monitor: { enabled: true },
            merge: natsAccounts(users, config.natsAppSubjects),
        },
        container: {
            image: { tag: VERSIONS.nats.tag },
            resources: resources(b.nats.cpus, b.nats.memoryMb),
            // The Go runtime's soft limit at ~80% of the container limit keeps GC ahead of the OOM killer.
            env: { GOMEMLIMIT: `${Math.floor(b.nats.memoryMb * 0.8)}MiB` },
        },
        reloader: { merge: { resources: resources(b.natsReloader.cpus, b.natsReloader.memoryMb) } },
        promExporter: {
            enabled: true,
            image: { tag: VERSIONS.natsExporter.tag },
            merge: { resources: resources(b.natsExporter.cpus, b.natsExporter.memoryMb) },
            // The chart's args are `-port=…`, its flags, then the URL: insert ours right after -port, before the URL.
            patch: NATS_EXPORTER_EXTRA_FLAGS.map((flag) => ({ op: "add", path: "/args/1", value: flag })),
            podMonitor: {
                enabled: true,
                merge: { spec: { podMetricsEndpoints: [{ port: "prom-metrics", relabelings: jobRelabel(JOBS.natsExporter) }] } },
            },
        },
        natsBox: { enabled: false },
        podTemplate:
            replicas > 1 ? { topologySpreadConstraints: { "kubernetes.io/hostname": { maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" } } } : {},
    };
}

/** Inputs to {@link KubernetesStack}. */
export interface KubernetesStackArgs {
    readonly config: StackConfig;
    readonly sizing: TierSizing;
    readonly content: MonitoringContent;
}

/**
 * The prod stack: kube-prometheus-stack, loki-stack and the NATS chart as Helm releases in one namespace, with the
 * same monitoring content, credentials model and outputs as the Docker stack.
 */
export class KubernetesStack extends pulumi.ComponentResource implements StackEndpoints {
    public readonly grafanaUrl: pulumi.Output<string>;
    public readonly prometheusUrl: pulumi.Output<string>;
    public readonly alertmanagerUrl: pulumi.Output<string>;
    public readonly lokiUrl: pulumi.Output<string>;
    public readonly natsUrl: pulumi.Output<string>;
    public readonly natsMonitoringUrl: pulumi.Output<string>;
    public readonly natsExporterUrl: pulumi.Output<string>;
    public readonly grafanaAdmin: pulumi.Output<{ user: string; password: string }>;
    public readonly natsCredentials: pulumi.Output<Record<string, NatsLogin>>;
    public readonly nextSteps: pulumi.Output<string>;

    constructor(name: string, args: KubernetesStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("a4co:observability:KubernetesStack", name, {}, opts);
        const { config, sizing, content } = args;
        validateKubernetesConfig(config, sizing);
        pulumi.log.warn(
            "loki-stack is deprecated and Promtail is end of life (2026-03-02); they are deployed because the design names them. The maintained path is the grafana-community Loki chart with Grafana Alloy.",
            this,
        );

        const credentials = new StackCredentials(`${name}-credentials`, { natsUsers: config.natsUsers }, { parent: this });
        const provider = new k8s.Provider(
            `${name}-provider`,
            { kubeconfig: config.kubernetes.kubeconfig, context: config.kubernetes.context },
            { parent: this },
        );
        const ns = config.kubernetes.namespace;
        const child = (extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions => ({ parent: this, provider, ...extra });
        const keepData = config.retainData;

        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: ns } }, child({ retainOnDelete: keepData }));

        const grafanaSecret = new k8s.core.v1.Secret(
            `${name}-grafana-admin`,
            {
                metadata: { name: K8S_NAMES.grafanaAdminSecret, namespace: ns },
                stringData: pulumi.secret(
                    credentials.grafanaAdminPassword.apply((password) => ({ "admin-user": GRAFANA_ADMIN_USER, "admin-password": password })),
                ),
            },
            child({ dependsOn: [namespace] }),
        );
        const secrets: pulumi.Resource[] = [grafanaSecret];
        if (config.alertReceiver) {
            secrets.push(
                new k8s.core.v1.Secret(
                    `${name}-alertmanager-receiver`,
                    {
                        metadata: { name: K8S_NAMES.receiverSecret, namespace: ns },
                        stringData: pulumi.secret(config.alertReceiver.url.apply((url) => ({ url }))),
                    },
                    child({ dependsOn: [namespace] }),
                ),
            );
        }
        secrets.push(
            new k8s.core.v1.Secret(
                `${name}-loki-config`,
                {
                    metadata: { name: K8S_NAMES.lokiConfigSecret, namespace: ns },
                    stringData: {
                        "loki.yaml": renderLokiStackConfig({ retentionPeriod: config.lokiRetention, logLevel: config.logLevel, limits: sizing.loki }),
                    },
                },
                child({ dependsOn: [namespace] }),
            ),
        );

        // CRDs in their own release, so chart upgrades upgrade them; kept when the stack is destroyed.
        const crds = new k8s.helm.v3.Release(
            `${name}-crds`,
            {
                name: RELEASES.crds,
                chart: CHARTS.prometheusOperatorCrds.chart,
                version: CHARTS.prometheusOperatorCrds.version,
                repositoryOpts: { repo: CHARTS.prometheusOperatorCrds.repo },
                namespace: ns,
                timeout: RELEASE_TIMEOUT_SECONDS,
                values: { crds: { annotations: { "helm.sh/resource-policy": "keep" } } },
            },
            child({ dependsOn: [namespace], retainOnDelete: true }),
        );

        // helm.v3.Release runs the chart's hooks (the admission webhook certificates); helm.v4.Chart would drop them.
        const kps = new k8s.helm.v3.Release(
            `${name}-kube-prometheus-stack`,
            {
                name: RELEASES.kubePrometheusStack,
                chart: CHARTS.kubePrometheusStack.chart,
                version: CHARTS.kubePrometheusStack.version,
                repositoryOpts: { repo: CHARTS.kubePrometheusStack.repo },
                namespace: ns,
                timeout: RELEASE_TIMEOUT_SECONDS,
                skipCrds: true,
                values: kubePrometheusStackValues({ config, sizing, content, receiverSecretName: config.alertReceiver ? K8S_NAMES.receiverSecret : undefined }),
            },
            child({ dependsOn: [namespace, crds, ...secrets] }),
        );

        const loki = new k8s.helm.v3.Release(
            `${name}-loki-stack`,
            {
                name: RELEASES.lokiStack,
                chart: CHARTS.lokiStack.chart,
                version: CHARTS.lokiStack.version,
                repositoryOpts: { repo: CHARTS.lokiStack.repo },
                namespace: ns,
                timeout: RELEASE_TIMEOUT_SECONDS,
                values: lokiStackValues(config, sizing),
            },
            child({ dependsOn: [namespace, crds, ...secrets] }),
        );

        const nats = new k8s.helm.v3.Release(
            `${name}-nats`,
            {
                name: RELEASES.nats,
                chart: CHARTS.nats.chart,
                version: CHARTS.nats.version,
                repositoryOpts: { repo: CHARTS.nats.repo },
                namespace: ns,
                timeout: RELEASE_TIMEOUT_SECONDS,
                values: pulumi
                    .all(credentials.natsUsers.map((u) => u.bcryptHash))
                    .apply((hashes) => natsValues(config, sizing, credentials.natsUsers.map((u, i) => ({ ...u.spec, bcryptHash: hashes[i] })))),
            },
            child({ dependsOn: [namespace, crds] }),
        );

        // Monitoring content: the same rule files and dashboards as dev.
        new k8s.apiextensions.CustomResource(
            `${name}-rules`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "PrometheusRule",
                metadata: { name: K8S_NAMES.rules, namespace: ns },
                spec: { groups: content.ruleFiles.flatMap((f) => (parse(f.content) as { groups: unknown[] }).groups) },
            },
            child({ dependsOn: [crds, kps] }),
        );
        for (const d of content.dashboards) {
            new k8s.core.v1.ConfigMap(
                `${name}-dashboard-${d.uid}`,
                {
                    metadata: {
                        name: `dashboard-${d.uid}`,
                        namespace: ns,
                        labels: { grafana_dashboard: "1" },
                        annotations: { [FOLDER_ANNOTATION]: content.folder },
                    },
                    data: { [d.fileName]: d.json },
                },
                child({ dependsOn: [namespace] }),
            );
        }
        // Loki, scraped through the loki chart's headless service as job "loki".
        new k8s.apiextensions.CustomResource(
            `${name}-loki-monitor`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: { name: K8S_NAMES.lokiMonitor, namespace: ns },
                spec: {
                    selector: { matchLabels: { app: "loki", release: RELEASES.lokiStack, variant: "headless" } },
                    endpoints: [{ port: "http-metrics", relabelings: jobRelabel(JOBS.loki) }],
                },
            },
            child({ dependsOn: [crds, loki] }),
        );
        // The platform's services: any Service labelled a4co.io/scrape=true with a port named `metrics`.
        new k8s.apiextensions.CustomResource(
            `${name}-services-monitor`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: { name: K8S_NAMES.servicesMonitor, namespace: ns },
                spec: {
                    namespaceSelector: { any: true },
                    selector: { matchLabels: { [SCRAPE_LABEL.key]: SCRAPE_LABEL.value } },
                    endpoints: [
                        {
                            port: SERVICE_METRICS_PORT,
                            relabelings: [
                                ...jobRelabel(JOBS.services),
                                { action: "replace", sourceLabels: ["__meta_kubernetes_service_label_app_kubernetes_io_name"], targetLabel: "service" },
                            ],
                        },
                    ],
                },
            },
            child({ dependsOn: [crds, kps] }),
        );

        const svc = (service: string, port: number, scheme = "http") =>
            pulumi.all([kps.status, loki.status, nats.status]).apply(() => `${scheme}://${service}.${ns}.svc.cluster.local:${port}`);
        this.grafanaUrl = svc(`${RELEASES.kubePrometheusStack}-grafana`, 80);
        this.prometheusUrl = svc(`${RELEASES.kubePrometheusStack}-prometheus`, 9090);
        this.alertmanagerUrl = svc(`${RELEASES.kubePrometheusStack}-alertmanager`, 9093);
        this.lokiUrl = svc(RELEASES.lokiStack, 3100);
        this.natsUrl = svc(RELEASES.nats, 4222, "nats");
        this.natsMonitoringUrl = svc(RELEASES.nats, 8222);
        this.natsExporterUrl = svc(`${RELEASES.nats}-headless`, 7777);
        this.grafanaAdmin = pulumi.secret(
            pulumi.all([grafanaSecret.id, credentials.grafanaAdminPassword]).apply(([, password]) => ({ user: GRAFANA_ADMIN_USER, password })),
        );
        this.natsCredentials = pulumi.secret(pulumi.all([nats.status, credentials.natsLogins]).apply(([, logins]) => logins));
        this.nextSteps = pulumi.interpolate`Grafana: kubectl -n ${ns} port-forward svc/${RELEASES.kubePrometheusStack}-grafana 3000:80, then http://127.0.0.1:3000 (user ${GRAFANA_ADMIN_USER}; password: pulumi stack output grafanaAdmin --show-secrets). In-cluster: Grafana ${this.grafanaUrl}, NATS ${this.natsUrl}. Dashboards are in the "${content.folder}" folder.`;

        this.registerOutputs(endpointOutputs(this));
    }
}
