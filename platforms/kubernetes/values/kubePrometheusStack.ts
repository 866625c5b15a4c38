/** Values of kube-prometheus-stack (every key checked against the chart's values.yaml: tests/platforms/kubernetes/chartKeys.ts). */
import { parse } from "yaml";

import { JOBS } from "../../../monitoring/jobs";
import { ALERT_ROUTING } from "../../../monitoring/alertRouting";
import { DATASOURCE_UIDS } from "../../../monitoring/datasources";
import { renderAlertmanagerConfig } from "../../../render/alertmanager";
import { grafanaAdminPasswordSync } from "../../../render/grafana";
import type { TierSizing } from "../../../config/tiers";
import type { KubernetesStackConfig } from "../../../config/types";

/** What the kube-prometheus-stack values read of the stack config. */
export type KubePrometheusStackConfig = Pick<
    KubernetesStackConfig,
    "tier" | "kubernetes" | "alertReceiver" | "prometheusRetention" | "retainData" | "logLevel"
>;
import { VERSIONS } from "../../../config/versions";
import { KubernetesBudget, KubernetesSizing, mi, resources } from "../budget";
import { DASHBOARD_LABEL, FOLDER_ANNOTATION, GRAFANA_DASHBOARDS_DIR, K8S_NAMES } from "../names";
import { endpointJobRelabel, jobRelabel } from "../relabelings";
import { logLevelFor } from "../../../render/logLevels";

/** kube-prometheus-stack default alerts that ours replace: the same name, or the same condition under another name. */
export const CHART_RULES_REPLACED_BY_OURS = {
    Watchdog: true,
    TargetDown: true,
    /** = PrometheusRuleEvaluationFailures */
    PrometheusRuleFailures: true,
    /** = AlertmanagerNotificationsFailing */
    AlertmanagerFailedToSendAlerts: true,
} as const;

/**
 * Name of the Prometheus and Alertmanager service ports (the charts' `prometheusSpec.portName` and
 * `alertmanagerSpec.portName`, default `http-web`): the first endpoint of their ServiceMonitors; the second is the
 * config reloader's `reloader-web`.
 */
export const KPS_WEB_PORT = "http-web";

/** Mount path of the receiver Secret inside Alertmanager (the operator mounts `alertmanagerSpec.secrets` there). */
export const receiverUrlFile = (secretName: string) => `/etc/alertmanager/secrets/${secretName}/url`;

/** PVC template in the operator's `volumeClaimTemplate` shape. */
const claim = (sizeMb: number, storageClass?: string) => ({
    volumeClaimTemplate: {
        spec: {
            ...(storageClass ? { storageClassName: storageClass } : {}),
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: mi(sizeMb) } },
        },
    },
});

export interface KubePrometheusStackInputs {
    readonly config: KubePrometheusStackConfig;
    readonly sizing: TierSizing;
    /** The plan's budget. */
    readonly k8s: KubernetesSizing;
    readonly content: { readonly folder: string; readonly homeDashboardFileName: string };
    /** Set when an alert receiver is configured: the Secret holding its URL. */
    readonly receiverSecretName?: string;
}

export function kubePrometheusStackValues(args: KubePrometheusStackInputs) {
    const { config, sizing, content } = args;
    const { budget: b, pvc } = args.k8s;
    const storageClass = config.kubernetes.storageClass;
    const receiverFile = args.receiverSecretName ? receiverUrlFile(args.receiverSecretName) : undefined;
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
        // No `crds.enabled: false`: the Release installs with skipCrds, and with it the key changes nothing Helm
        // installs (rendered with and without by the k8s suite); the CRDs come from their own release.
        // Ours replace the chart's alerts on the same conditions (same name, or rule-evaluation and notification
        // failures under other names); everything else of the chart's default rules stays.
        defaultRules: { create: true, disabled: CHART_RULES_REPLACED_BY_OURS },
        prometheusOperator: {
            logLevel: logLevelFor("prometheusOperator", config.logLevel),
            resources: resources(b.operator),
            // The admission webhook's certificate Job (a Helm hook) runs a container too.
            admissionWebhooks: { patch: { resources: resources(b.configReloader) } },
            prometheusConfigReloader: { resources: resources(b.configReloader) },
        },
        prometheus: {
            serviceMonitor: { relabelings: endpointJobRelabel(KPS_WEB_PORT, JOBS.prometheus) },
            prometheusSpec: {
                image: { tag: VERSIONS.prometheus.tag },
                logLevel: logLevelFor("prometheus", config.logLevel),
                retention: config.prometheusRetention,
                retentionSize: sizing.prometheusRetentionSize,
                resources: resources(b.prometheus),
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
            serviceMonitor: { relabelings: endpointJobRelabel(KPS_WEB_PORT, JOBS.alertmanager) },
            config: alertmanagerConfig,
            alertmanagerSpec: {
                image: { tag: VERSIONS.alertmanager.tag },
                logLevel: logLevelFor("alertmanager", config.logLevel),
                resources: resources(b.alertmanager),
                storage: claim(pvc.alertmanager, storageClass),
                secrets: args.receiverSecretName ? [args.receiverSecretName] : [],
            },
        },
        grafana: grafanaValues(config, b, pvc.grafana, content),
        nodeExporter: { enabled: true },
        "prometheus-node-exporter": { resources: resources(b.nodeExporter) },
        kubeStateMetrics: { enabled: true },
        "kube-state-metrics": { resources: resources(b.kubeStateMetrics) },
    };
}

/** The grafana subchart's values: our admin Secret, persistence, dashboards sidecar, the dev pin. */
function grafanaValues(config: KubePrometheusStackConfig, b: KubernetesBudget, pvcMb: number, content: KubePrometheusStackInputs["content"]) {
    const storageClass = config.kubernetes.storageClass;
    return {
        image: { tag: VERSIONS.grafana.tag },
        admin: { existingSecret: K8S_NAMES.grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" },
        // The PVC is ReadWriteOnce: a rolling update would start the new pod while the old one holds the volume, which
        // hangs on a Multi-Attach error whenever the new pod lands on another node. Recreate stops the old pod first.
        deploymentStrategy: { type: "Recreate" },
        persistence: {
            enabled: true,
            size: mi(pvcMb),
            ...(storageClass ? { storageClassName: storageClass } : {}),
            // Grafana's PVC is a plain chart object (the others come from StatefulSet claim templates, which
            // Kubernetes keeps): keep it on uninstall unless the user opts out of retaining data.
            ...(config.retainData ? { annotations: { "helm.sh/resource-policy": "keep" } } : {}),
        },
        resources: resources(b.grafana),
        initChownData: { resources: resources(b.grafanaChownInit) },
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
                resources: resources(b.grafanaPasswordInit),
            },
        ],
        extraSecretMounts: [
            { name: "grafana-admin", secretName: K8S_NAMES.grafanaAdminSecret, mountPath: "/etc/grafana-admin", readOnly: true, defaultMode: 0o440 },
        ],
        env: { GF_PLUGINS_PREINSTALL_DISABLED: "true" },
        "grafana.ini": {
            // Merged into the chart's own `log` section (mode: console), which stays.
            log: { level: logLevelFor("grafana", config.logLevel) },
            "auth.anonymous": { enabled: false },
            users: { allow_sign_up: false },
            analytics: { reporting_enabled: false, check_for_updates: false, check_for_plugin_updates: false },
            dashboards: {
                default_home_dashboard_path: `${GRAFANA_DASHBOARDS_DIR}/${content.folder}/${content.homeDashboardFileName}`,
            },
        },
        serviceMonitor: { relabelings: jobRelabel(JOBS.grafana) },
        sidecar: {
            resources: resources(b.grafanaSidecar),
            dashboards: {
                enabled: true,
                label: DASHBOARD_LABEL.key,
                labelValue: DASHBOARD_LABEL.value,
                folder: GRAFANA_DASHBOARDS_DIR,
                folderAnnotation: FOLDER_ANNOTATION,
                provider: { foldersFromFilesStructure: true, allowUiUpdates: false },
            },
            datasources: { enabled: true, uid: DATASOURCE_UIDS.prometheus, alertmanager: { uid: DATASOURCE_UIDS.alertmanager } },
        },
    };
}
