/**
 * The prod stack as data. One pure builder decides every Kubernetes object and Helm release: its arguments, what it
 * waits for and what outlives a destroy. The KubernetesStack component turns the plan into resources and the k8s
 * suite applies the same plan to a real API server, so the release graph is stated once.
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import type { TierSizing } from "../../config/tiers";
import type { KubernetesStackConfig } from "../../config/types";
import { CHARTS } from "../../config/versions";
import type { StackOutputs } from "../../components/contract";
import { GRAFANA_ADMIN_USER } from "../../components/credentials";
import type { MonitoringContent } from "../../monitoring/content";
import type { NatsRenderedUser } from "../../render/nats";
import { SERVICE_PORTS } from "../ports";
import type { KubernetesSizing } from "./budget";
import { K8S_NAMES, RELEASE_TIMEOUT_SECONDS, RELEASES } from "./names";
import {
    crdsReleaseValues,
    dashboardConfigMapManifest,
    grafanaAdminSecretData,
    lokiConfigSecretData,
    lokiServiceMonitorManifest,
    namespaceManifest,
    prometheusRuleManifest,
    receiverSecretData,
    secretManifest,
    servicesServiceMonitorManifest,
} from "./objects";
import { kubePrometheusStackValues } from "./values/kubePrometheusStack";
import { lokiStackValues } from "./values/lokiStack";
import { natsValues } from "./values/nats";

/** The grafana chart's Service port (`service.port`, default 80); Grafana itself listens on SERVICE_PORTS.grafana. */
export const GRAFANA_SERVICE_PORT = 80;

export interface KubernetesPlanInputs {
    readonly config: KubernetesStackConfig;
    readonly sizing: TierSizing;
    /** The budget, computed once by the component (kubernetesSizing) and validated before any resource exists. */
    readonly k8s: KubernetesSizing;
    readonly content: MonitoringContent;
    /** Grafana's generated admin password (secret). */
    readonly grafanaAdminPassword: pulumi.Input<string>;
    /** The NATS users with their bcrypt hashes. */
    readonly natsUsers: pulumi.Input<readonly NatsRenderedUser[]>;
}

/** One resource of the plan; the component names it `${name}-${role}`. */
interface Planned<Kind extends string, Args> {
    readonly role: string;
    readonly kind: Kind;
    readonly args: Args;
    /** Roles planned before this one that must exist first. */
    readonly dependsOn: readonly string[];
    /** Set on what holds data: kept on `pulumi destroy` unless the user opts out. */
    readonly retainOnDelete?: boolean;
}

export type PlannedRelease = Planned<"Release", k8s.helm.v3.ReleaseArgs>;
export type PlannedResource =
    | Planned<"Namespace", k8s.core.v1.NamespaceArgs>
    | Planned<"Secret", k8s.core.v1.SecretArgs>
    | Planned<"ConfigMap", k8s.core.v1.ConfigMapArgs>
    | Planned<"CustomResource", k8s.apiextensions.CustomResourceArgs>
    | PlannedRelease;

/** The outputs that are in-cluster URLs: every key of the contract but the credentials and the text. */
export type UrlOutput = Exclude<keyof StackOutputs, "grafanaAdmin" | "natsCredentials" | "nextSteps">;

export interface KubernetesPlan {
    readonly provider: k8s.ProviderArgs;
    /** In creation order: each resource depends only on roles before it. */
    readonly resources: readonly PlannedResource[];
    /** The in-cluster URLs of the outputs, and the next-steps text. */
    readonly urls: Readonly<Record<UrlOutput, string>>;
    readonly nextSteps: string;
    /** The outputs resolve once these exist: the URLs and next steps after the releases, each credential after what uses it. */
    readonly outputsAfter: { readonly urls: readonly string[]; readonly grafanaAdmin: string; readonly natsCredentials: string };
}

/**
 * Provider settings. @pulumi/kubernetes ≥ 4.29 creates objects client-side and fails with AlreadyExists when the
 * object is there (pulumi-kubernetes#4278, issue #2926). The namespace outlives `pulumi destroy` when data is kept, and
 * users may install into a namespace they created: `upsertExistingObjects` adopts such objects (server-side apply)
 * instead of failing. Every object of this stack has a fixed name, so renaming a Pulumi resource must come with an
 * alias (otherwise the create adopts the object and the delete of the old name removes it).
 */
export const PROVIDER_OPTIONS = { upsertExistingObjects: true } as const;

export function kubernetesPlan(inputs: KubernetesPlanInputs): KubernetesPlan {
    const { config, sizing, k8s: budget, content } = inputs;
    const ns = config.kubernetes.namespace;
    const release = (role: string, chart: keyof typeof CHARTS, name: string, rest: Partial<k8s.helm.v3.ReleaseArgs>, dependsOn: string[]) =>
        ({
            role,
            kind: "Release",
            dependsOn,
            args: {
                name,
                chart: CHARTS[chart].chart,
                version: CHARTS[chart].version,
                repositoryOpts: { repo: CHARTS[chart].repo },
                namespace: ns,
                timeout: RELEASE_TIMEOUT_SECONDS,
                ...rest,
            },
        }) satisfies PlannedRelease;
    const inNamespace = ["namespace"];

    const grafanaAdmin = pulumi.secret(pulumi.output(inputs.grafanaAdminPassword).apply((pw) => grafanaAdminSecretData(GRAFANA_ADMIN_USER, pw)));
    const secrets: PlannedResource[] = [
        { role: "grafana-admin", kind: "Secret", args: secretManifest(K8S_NAMES.grafanaAdminSecret, ns, grafanaAdmin), dependsOn: inNamespace },
    ];
    if (config.alertReceiver) {
        const data = pulumi.secret(config.alertReceiver.url.apply(receiverSecretData));
        secrets.push({
            role: "alertmanager-receiver",
            kind: "Secret",
            args: secretManifest(K8S_NAMES.receiverSecret, ns, data),
            dependsOn: inNamespace,
        });
    }
    const lokiConfig = secretManifest(K8S_NAMES.lokiConfigSecret, ns, lokiConfigSecretData(config, sizing));
    secrets.push({ role: "loki-config", kind: "Secret", args: lokiConfig, dependsOn: inNamespace });
    const beforeApps = ["namespace", "crds", ...secrets.map((s) => s.role)];

    const resources: PlannedResource[] = [
        { role: "namespace", kind: "Namespace", args: namespaceManifest(ns), dependsOn: [], retainOnDelete: config.retainData },
        ...secrets,
        // CRDs in their own release, so chart upgrades upgrade them. `pulumi destroy` uninstalls the release and the
        // CRDs stay (helm.sh/resource-policy: keep); the next install adopts them, since they still carry this
        // release's name and namespace. (Keeping the release itself with retainOnDelete would leave its record
        // behind, and Helm refuses to install a name still in use.)
        release("crds", "prometheusOperatorCrds", RELEASES.crds, { values: crdsReleaseValues() }, inNamespace),
        // helm.v3.Release runs the chart's hooks (the admission webhook certificates); helm.v4.Chart would drop them.
        release(
            "kube-prometheus-stack",
            "kubePrometheusStack",
            RELEASES.kubePrometheusStack,
            {
                skipCrds: true,
                values: kubePrometheusStackValues({
                    config,
                    sizing,
                    k8s: budget,
                    content,
                    receiverSecretName: config.alertReceiver ? K8S_NAMES.receiverSecret : undefined,
                }),
            },
            beforeApps,
        ),
        release("loki-stack", "lokiStack", RELEASES.lokiStack, { values: lokiStackValues(config, budget) }, beforeApps),
        release(
            "nats",
            "nats",
            RELEASES.nats,
            { values: pulumi.output(inputs.natsUsers).apply((users) => natsValues(config, sizing, budget, users)) },
            ["namespace", "crds"],
        ),
        // Monitoring content: the same rule files and dashboards as dev.
        { role: "rules", kind: "CustomResource", args: prometheusRuleManifest(ns, content.ruleFiles), dependsOn: ["crds", "kube-prometheus-stack"] },
        ...content.dashboards.map((d): PlannedResource => ({
            role: `dashboard-${d.uid}`,
            kind: "ConfigMap",
            args: dashboardConfigMapManifest(ns, content.folder, d),
            dependsOn: inNamespace,
        })),
        { role: "loki-monitor", kind: "CustomResource", args: lokiServiceMonitorManifest(ns), dependsOn: ["crds", "loki-stack"] },
        { role: "services-monitor", kind: "CustomResource", args: servicesServiceMonitorManifest(ns), dependsOn: ["crds", "kube-prometheus-stack"] },
    ];

    const inCluster = (service: string, port: number, scheme = "http") => `${scheme}://${service}.${ns}.svc.cluster.local:${port}`;
    const urls = {
        grafanaUrl: inCluster(`${RELEASES.kubePrometheusStack}-grafana`, GRAFANA_SERVICE_PORT),
        prometheusUrl: inCluster(`${RELEASES.kubePrometheusStack}-prometheus`, SERVICE_PORTS.prometheus),
        alertmanagerUrl: inCluster(`${RELEASES.kubePrometheusStack}-alertmanager`, SERVICE_PORTS.alertmanager),
        lokiUrl: inCluster(RELEASES.lokiStack, SERVICE_PORTS.loki),
        natsUrl: inCluster(RELEASES.nats, SERVICE_PORTS.nats, "nats"),
        // The nats Service publishes its monitoring port because natsValues sets service.ports.monitor.enabled.
        natsMonitoringUrl: inCluster(RELEASES.nats, SERVICE_PORTS.natsMonitoring),
        natsExporterUrl: inCluster(`${RELEASES.nats}-headless`, SERVICE_PORTS.natsExporter),
    };
    const localGrafana = `${SERVICE_PORTS.grafana}:${GRAFANA_SERVICE_PORT}`;
    return {
        provider: { kubeconfig: config.kubernetes.kubeconfig, context: config.kubernetes.context, ...PROVIDER_OPTIONS },
        resources,
        urls,
        nextSteps: `Grafana: kubectl -n ${ns} port-forward svc/${RELEASES.kubePrometheusStack}-grafana ${localGrafana}, then http://127.0.0.1:${SERVICE_PORTS.grafana} (user ${GRAFANA_ADMIN_USER}; password: pulumi stack output grafanaAdmin --show-secrets). In-cluster: Grafana ${urls.grafanaUrl}, NATS ${urls.natsUrl}. Dashboards are in the "${content.folder}" folder.`,
        outputsAfter: { urls: ["kube-prometheus-stack", "loki-stack", "nats"], grafanaAdmin: "grafana-admin", natsCredentials: "nats" },
    };
}
