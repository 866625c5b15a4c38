/**
 * The prod stack as a Pulumi component: creates the Helm releases and the program's own objects from the pure
 * builders in platforms/kubernetes/ (budget, each chart's values, the objects), in one namespace, with the same monitoring
 * content, credentials model and outputs as the Docker stack.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

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
import { K8S_NAMES, RELEASE_TIMEOUT_SECONDS, RELEASES } from "./names";
import { NATS_MONITOR_PORT, natsValues } from "./values/nats";
import type { TierSizing } from "../../config/tiers";
import type { KubernetesStackConfig } from "../../config/types";
import { CHARTS } from "../../config/versions";
import { endpointOutputs, NatsLogin, StackEndpoints } from "../../components/contract";
import { GRAFANA_ADMIN_USER, StackCredentials } from "../../components/credentials";
import type { MonitoringContent } from "../../monitoring/content";

// The builders' names, re-exported for the callers that knew them here (scripts/render.ts, tests).
export { budgetTotals, K8S_STACK_FRACTION, kubernetesBudget, natsReplicas, pvcSizes } from "./budget";
export { CHART_RULES_REPLACED_BY_OURS, kubePrometheusStackValues } from "./values/kubePrometheusStack";
export { lokiStackValues } from "./values/lokiStack";
export { FOLDER_ANNOTATION, GRAFANA_DASHBOARDS_DIR, K8S_NAMES, RELEASE_TIMEOUT_SECONDS, RELEASES, SCRAPE_LABEL, SERVICE_METRICS_PORT } from "./names";
export { natsValues } from "./values/nats";

/**
 * Provider settings. @pulumi/kubernetes ≥ 4.29 creates objects client-side and fails with AlreadyExists when the
 * object is there (pulumi-kubernetes#4278, issue #2926). The namespace outlives `pulumi destroy` when data is kept, and
 * users may install into a namespace they created: `upsertExistingObjects` adopts such objects (server-side apply)
 * instead of failing. Every object of this stack has a fixed name, so renaming a Pulumi resource must come with an
 * alias (otherwise the create adopts the object and the delete of the old name removes it).
 */
export const PROVIDER_OPTIONS = { upsertExistingObjects: true } as const;

/** Inputs to {@link KubernetesStack}. */
export interface KubernetesStackArgs {
    /** Validated by the config stage (config/stack.ts), the Kubernetes fit included. */
    readonly config: KubernetesStackConfig;
    readonly sizing: TierSizing;
    readonly content: MonitoringContent;
}

type ChartKey = keyof typeof CHARTS;

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
        void pulumi.log.warn(
            "loki-stack is deprecated and Promtail is end of life (2026-03-02); they are deployed because the design names them. The maintained path is the grafana-community Loki chart with Grafana Alloy.",
            this,
        );

        const credentials = new StackCredentials(`${name}-credentials`, { natsUsers: config.natsUsers }, { parent: this });
        const provider = new k8s.Provider(
            `${name}-provider`,
            { kubeconfig: config.kubernetes.kubeconfig, context: config.kubernetes.context, ...PROVIDER_OPTIONS },
            { parent: this },
        );
        const ns = config.kubernetes.namespace;
        const child = (extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions => ({ parent: this, provider, ...extra });
        const release = (
            resourceName: string,
            chart: ChartKey,
            releaseName: string,
            rest: Partial<k8s.helm.v3.ReleaseArgs>,
            o: pulumi.CustomResourceOptions,
        ) =>
            new k8s.helm.v3.Release(
                `${name}-${resourceName}`,
                {
                    name: releaseName,
                    chart: CHARTS[chart].chart,
                    version: CHARTS[chart].version,
                    repositoryOpts: { repo: CHARTS[chart].repo },
                    namespace: ns,
                    timeout: RELEASE_TIMEOUT_SECONDS,
                    ...rest,
                },
                child(o),
            );

        const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, namespaceManifest(ns), child({ retainOnDelete: config.retainData }));
        const inNamespace = child({ dependsOn: [namespace] });

        const grafanaSecret = new k8s.core.v1.Secret(
            `${name}-grafana-admin`,
            secretManifest(
                K8S_NAMES.grafanaAdminSecret,
                ns,
                pulumi.secret(credentials.grafanaAdminPassword.apply((password) => grafanaAdminSecretData(GRAFANA_ADMIN_USER, password))),
            ),
            inNamespace,
        );
        const secrets: pulumi.Resource[] = [grafanaSecret];
        if (config.alertReceiver) {
            const data = pulumi.secret(config.alertReceiver.url.apply(receiverSecretData));
            secrets.push(new k8s.core.v1.Secret(`${name}-alertmanager-receiver`, secretManifest(K8S_NAMES.receiverSecret, ns, data), inNamespace));
        }
        secrets.push(
            new k8s.core.v1.Secret(
                `${name}-loki-config`,
                secretManifest(K8S_NAMES.lokiConfigSecret, ns, lokiConfigSecretData(config, sizing)),
                inNamespace,
            ),
        );

        // CRDs in their own release, so chart upgrades upgrade them. `pulumi destroy` uninstalls the release and the
        // CRDs stay (helm.sh/resource-policy: keep); the next install adopts them, since they still carry this
        // release's name and namespace. (Keeping the release itself with retainOnDelete would leave its record
        // behind, and Helm refuses to install a name still in use.)
        const crds = release("crds", "prometheusOperatorCrds", RELEASES.crds, { values: crdsReleaseValues() }, { dependsOn: [namespace] });

        // helm.v3.Release runs the chart's hooks (the admission webhook certificates); helm.v4.Chart would drop them.
        const kps = release(
            "kube-prometheus-stack",
            "kubePrometheusStack",
            RELEASES.kubePrometheusStack,
            {
                skipCrds: true,
                values: kubePrometheusStackValues({
                    config,
                    sizing,
                    content,
                    receiverSecretName: config.alertReceiver ? K8S_NAMES.receiverSecret : undefined,
                }),
            },
            { dependsOn: [namespace, crds, ...secrets] },
        );
        const loki = release(
            "loki-stack",
            "lokiStack",
            RELEASES.lokiStack,
            { values: lokiStackValues(config, sizing) },
            { dependsOn: [namespace, crds, ...secrets] },
        );
        const natsHashes = pulumi.all(credentials.natsUsers.map((u) => u.bcryptHash));
        const nats = release(
            "nats",
            "nats",
            RELEASES.nats,
            {
                values: natsHashes.apply((hashes) =>
                    natsValues(
                        config,
                        sizing,
                        credentials.natsUsers.map((u, i) => ({ ...u.spec, bcryptHash: hashes[i] })),
                    ),
                ),
            },
            { dependsOn: [namespace, crds] },
        );

        // Monitoring content: the same rule files and dashboards as dev.
        new k8s.apiextensions.CustomResource(`${name}-rules`, prometheusRuleManifest(ns, content.ruleFiles), child({ dependsOn: [crds, kps] }));
        for (const d of content.dashboards) {
            new k8s.core.v1.ConfigMap(`${name}-dashboard-${d.uid}`, dashboardConfigMapManifest(ns, content.folder, d), inNamespace);
        }
        new k8s.apiextensions.CustomResource(`${name}-loki-monitor`, lokiServiceMonitorManifest(ns), child({ dependsOn: [crds, loki] }));
        new k8s.apiextensions.CustomResource(`${name}-services-monitor`, servicesServiceMonitorManifest(ns), child({ dependsOn: [crds, kps] }));

        const svc = (service: string, port: number, scheme = "http") =>
            pulumi.all([kps.status, loki.status, nats.status]).apply(() => `${scheme}://${service}.${ns}.svc.cluster.local:${port}`);
        this.grafanaUrl = svc(`${RELEASES.kubePrometheusStack}-grafana`, 80);
        this.prometheusUrl = svc(`${RELEASES.kubePrometheusStack}-prometheus`, 9090);
        this.alertmanagerUrl = svc(`${RELEASES.kubePrometheusStack}-alertmanager`, 9093);
        this.lokiUrl = svc(RELEASES.lokiStack, 3100);
        this.natsUrl = svc(RELEASES.nats, 4222, "nats");
        // The nats Service publishes its monitoring port because natsValues sets service.ports.monitor.enabled.
        this.natsMonitoringUrl = svc(RELEASES.nats, NATS_MONITOR_PORT);
        this.natsExporterUrl = svc(`${RELEASES.nats}-headless`, 7777);
        this.grafanaAdmin = pulumi.secret(
            pulumi.all([grafanaSecret.id, credentials.grafanaAdminPassword]).apply(([, password]) => ({ user: GRAFANA_ADMIN_USER, password })),
        );
        this.natsCredentials = pulumi.secret(pulumi.all([nats.status, credentials.natsLogins]).apply(([, logins]) => logins));
        this.nextSteps = pulumi.interpolate`Grafana: kubectl -n ${ns} port-forward svc/${RELEASES.kubePrometheusStack}-grafana 3000:80, then http://127.0.0.1:3000 (user ${GRAFANA_ADMIN_USER}; password: pulumi stack output grafanaAdmin --show-secrets). In-cluster: Grafana ${this.grafanaUrl}, NATS ${this.natsUrl}. Dashboards are in the "${content.folder}" folder.`;

        this.registerOutputs(endpointOutputs(this));
    }
}
