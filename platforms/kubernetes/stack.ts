/**
 * The prod stack as a Pulumi component: a loop over its plan (platforms/kubernetes/plan.ts), creating the Helm
 * releases and the program's own objects in one namespace, with the same monitoring content, credentials model and
 * outputs as the Docker stack.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

import type { TierSizing } from "../../config/tiers";
import type { KubernetesStackConfig } from "../../config/types";
import { PlatformStack } from "../../components/contract";
import { GRAFANA_ADMIN_USER, StackCredentials } from "../../components/credentials";
import type { MonitoringContent } from "../../monitoring/content";
import { kubernetesSizing } from "./budget";
import { KubernetesPlan, kubernetesPlan, PlannedResource } from "./plan";

/** Inputs to {@link KubernetesStack}. */
export interface KubernetesStackArgs {
    /** Validated by the config stage (config/stack.ts), the Kubernetes fit included. */
    readonly config: KubernetesStackConfig;
    readonly sizing: TierSizing;
    readonly content: MonitoringContent;
}

export class KubernetesStack extends PlatformStack {
    /** What this component created, as data (for the tests and the k8s suite). */
    public readonly plan: KubernetesPlan;

    constructor(name: string, args: KubernetesStackArgs, opts?: pulumi.ComponentResourceOptions) {
        super("a4co:observability:KubernetesStack", name, {}, opts);
        const { config, sizing, content } = args;
        const budget = kubernetesSizing(config, sizing);
        void pulumi.log.warn(
            "loki-stack is deprecated and Promtail is end of life (2026-03-02); they are deployed because the design names them. The maintained path is the grafana-community Loki chart with Grafana Alloy.",
            this,
        );

        const credentials = new StackCredentials(`${name}-credentials`, { natsUsers: config.natsUsers }, { parent: this });
        const plan = kubernetesPlan({
            config,
            sizing,
            k8s: budget,
            content,
            grafanaAdminPassword: credentials.grafanaAdminPassword,
            natsUsers: credentials.hashedNatsUsers,
        });
        this.plan = plan;
        const provider = new k8s.Provider(`${name}-provider`, plan.provider, { parent: this });

        const created = new Map<string, pulumi.CustomResource>();
        for (const planned of plan.resources) {
            const dependsOn = planned.dependsOn.map((role) => {
                const resource = created.get(role);
                if (resource === undefined) throw new Error(`the prod stack's plan has no ${role} before ${planned.role}`);
                return resource;
            });
            const options: pulumi.CustomResourceOptions = {
                parent: this,
                provider,
                ...(dependsOn.length > 0 ? { dependsOn } : {}),
                ...(planned.retainOnDelete !== undefined ? { retainOnDelete: planned.retainOnDelete } : {}),
            };
            created.set(planned.role, createPlanned(`${name}-${planned.role}`, planned, options));
        }

        // Each output resolves once what it describes exists: a release's status, an object's id.
        const ready = (role: string): pulumi.Output<unknown> => {
            const resource = created.get(role);
            if (resource === undefined) throw new Error(`the prod stack's plan has no ${role}`);
            return resource instanceof k8s.helm.v3.Release ? resource.status : resource.id;
        };
        const releases = pulumi.all(plan.outputsAfter.urls.map(ready));
        const afterReleases = (text: string) => releases.apply(() => text);
        // plan.urls has every URL output (its type is the contract's URL keys), so each becomes an output unchanged.
        const urls = Object.fromEntries(Object.entries(plan.urls).map(([key, url]) => [key, afterReleases(url)])) as {
            [K in keyof KubernetesPlan["urls"]]: pulumi.Output<string>;
        };
        this.publish({
            ...urls,
            grafanaAdmin: pulumi.secret(
                pulumi
                    .all([ready(plan.outputsAfter.grafanaAdmin), credentials.grafanaAdminPassword])
                    .apply(([, password]) => ({ user: GRAFANA_ADMIN_USER, password })),
            ),
            natsCredentials: pulumi.secret(
                pulumi.all([ready(plan.outputsAfter.natsCredentials), credentials.natsLogins]).apply(([, logins]) => logins),
            ),
            nextSteps: afterReleases(plan.nextSteps),
        });
    }
}

function createPlanned(resourceName: string, planned: PlannedResource, options: pulumi.CustomResourceOptions): pulumi.CustomResource {
    switch (planned.kind) {
        case "Namespace":
            return new k8s.core.v1.Namespace(resourceName, planned.args, options);
        case "Secret":
            return new k8s.core.v1.Secret(resourceName, planned.args, options);
        case "ConfigMap":
            return new k8s.core.v1.ConfigMap(resourceName, planned.args, options);
        case "CustomResource":
            return new k8s.apiextensions.CustomResource(resourceName, planned.args, options);
        case "Release":
            return new k8s.helm.v3.Release(resourceName, planned.args, options);
    }
}
