/**
 * The Kubernetes objects the prod stack creates next to the Helm releases, as plain manifests: the component creates
 * them as Pulumi resources, the k8s suite applies them to a real API server. Secret contents are generic so the
 * component can pass Pulumi secrets and the tests plain strings.
 */
import { parse } from "yaml";

import { JOBS } from "../../monitoring/jobs";
import { renderLokiStackConfig } from "../../render/lokiStack";
import type { TierSizing } from "../../config/tiers";
import type { CommonStackConfig } from "../../config/types";
import { DASHBOARD_LABEL, FOLDER_ANNOTATION, K8S_NAMES, RELEASES, SCRAPE_LABEL, SERVICE_METRICS_PORT } from "./names";
import { jobRelabel } from "./relabelings";

const MONITORING_API = "monitoring.coreos.com/v1";

/** The parts of the monitoring content (monitoring/content.ts) the objects carry. */
export interface DashboardJson {
    readonly uid: string;
    readonly fileName: string;
    readonly json: string;
}
export interface RuleFileText {
    readonly content: string;
}

export const namespaceManifest = (namespace: string) => ({ apiVersion: "v1" as const, kind: "Namespace" as const, metadata: { name: namespace } });

export const secretManifest = <T>(name: string, namespace: string, stringData: T) => ({
    apiVersion: "v1" as const,
    kind: "Secret" as const,
    metadata: { name, namespace },
    stringData,
});

/** The keys the grafana chart reads (`admin.userKey`, `admin.passwordKey`). */
export const grafanaAdminSecretData = (user: string, password: string) => ({ "admin-user": user, "admin-password": password });

/** Alertmanager reads the URL from the file `url` of this Secret (url_file / api_url_file). */
export const receiverSecretData = (url: string) => ({ url });

/** Loki 2.9's whole config, mounted by the loki subchart through `config.existingSecret`. */
export const lokiConfigSecretData = (config: Pick<CommonStackConfig, "lokiRetention" | "logLevel">, sizing: TierSizing) => ({
    "loki.yaml": renderLokiStackConfig({ retentionPeriod: config.lokiRetention, logLevel: config.logLevel, limits: sizing.loki }),
});

/** The same rule files as dev, as one PrometheusRule. */
export const prometheusRuleManifest = (namespace: string, ruleFiles: readonly RuleFileText[]) => ({
    apiVersion: MONITORING_API,
    kind: "PrometheusRule",
    metadata: { name: K8S_NAMES.rules, namespace },
    spec: { groups: ruleFiles.flatMap((f) => (parse(f.content) as { groups: unknown[] }).groups) },
});

/** One dashboard as a ConfigMap Grafana's sidecar picks up, in the folder named by the annotation. */
export const dashboardConfigMapManifest = (namespace: string, folder: string, d: DashboardJson) => ({
    apiVersion: "v1" as const,
    kind: "ConfigMap" as const,
    metadata: {
        name: `dashboard-${d.uid}`,
        namespace,
        labels: { [DASHBOARD_LABEL.key]: DASHBOARD_LABEL.value },
        annotations: { [FOLDER_ANNOTATION]: folder },
    },
    data: { [d.fileName]: d.json },
});

/** Loki, scraped through the loki chart's headless service as job "loki". */
export const lokiServiceMonitorManifest = (namespace: string) => ({
    apiVersion: MONITORING_API,
    kind: "ServiceMonitor",
    metadata: { name: K8S_NAMES.lokiMonitor, namespace },
    spec: {
        selector: { matchLabels: { app: "loki", release: RELEASES.lokiStack, variant: "headless" } },
        endpoints: [{ port: "http-metrics", relabelings: jobRelabel(JOBS.loki) }],
    },
});

/** The platform's services: any Service labelled a4co.io/scrape=true with a port named `metrics`. */
export const servicesServiceMonitorManifest = (namespace: string) => ({
    apiVersion: MONITORING_API,
    kind: "ServiceMonitor",
    metadata: { name: K8S_NAMES.servicesMonitor, namespace },
    spec: {
        namespaceSelector: { any: true },
        selector: { matchLabels: { [SCRAPE_LABEL.key]: SCRAPE_LABEL.value } },
        endpoints: [
            {
                port: SERVICE_METRICS_PORT,
                relabelings: [
                    ...jobRelabel(JOBS.services),
                    // `(.+)`: a Service without app.kubernetes.io/name keeps the operator's `service` label (its
                    // name) instead of losing it, so dashboards' service=~".+" still count it.
                    {
                        action: "replace",
                        sourceLabels: ["__meta_kubernetes_service_label_app_kubernetes_io_name"],
                        regex: "(.+)",
                        targetLabel: "service",
                    },
                ],
            },
        ],
    },
});

/** Values of the prometheus-operator-crds release: the CRDs survive `helm uninstall` (and so `pulumi destroy`). */
export const crdsReleaseValues = () => ({ crds: { annotations: { "helm.sh/resource-policy": "keep" } } });
