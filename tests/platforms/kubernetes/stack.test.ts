/** The prod component: its releases, objects, order, secrets and outputs, and that it registers exactly its plan. */
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

import { FOLDER_ANNOTATION, K8S_NAMES, RELEASE_TIMEOUT_SECONDS, RELEASES } from "../../../platforms/kubernetes/names";
import { buildMonitoringContent } from "../../../monitoring/content";
import { JOBS } from "../../../monitoring/jobs";
import { CHARTS } from "../../../config/versions";
import { isSecretInput, plaintextOccurrences, unwrapSecret, unwrapSecrets } from "../../support/leaks";
import { dependencyNames } from "../../support/recordStack";
import { allOf, generatedPasswords, installMocks, promiseOf, registered } from "../../support/mocks";
import { RELEASE_TYPE as RELEASE, recordProdStack } from "./programRecording";
import { applyRelabelings } from "./relabel";

installMocks({ stack: "prod" });

const RECEIVER_URL = "https://hooks.example/prod-receiver-token";

/** One run of the component with Pulumi.prod.yaml plus overrides (shared with the k8s suite). */
const build = recordProdStack;

describe("KubernetesStack releases", () => {
    it("installs four releases with fixed names, pinned charts, the namespace and a long timeout", async () => {
        const { release } = await build();
        const expected = [
            [RELEASES.crds, CHARTS.prometheusOperatorCrds],
            [RELEASES.kubePrometheusStack, CHARTS.kubePrometheusStack],
            [RELEASES.lokiStack, CHARTS.lokiStack],
            [RELEASES.nats, CHARTS.nats],
        ] as const;
        expect(allOf(RELEASE)).toHaveLength(4);
        for (const [name, chart] of expected) {
            expect(release(name)).toMatchObject({
                name,
                chart: chart.chart,
                version: chart.version,
                repositoryOpts: { repo: chart.repo },
                namespace: "observability",
                timeout: RELEASE_TIMEOUT_SECONDS,
            });
        }
        expect(RELEASE_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(600);
        expect(release(RELEASES.kubePrometheusStack).skipCrds).toBe(true);
    });

    it("keeps the CRDs on uninstall and destroy, while the release itself is uninstalled (see redeployAndDefaults.test.ts)", async () => {
        const { children, values, release } = await build();
        expect(values(RELEASES.crds)).toEqual({ crds: { annotations: { "helm.sh/resource-policy": "keep" } } });
        const crds = children.find((c) => c.name === "prod-crds");
        expect(crds?.opts.retainOnDelete).toBeFalsy();
        // kube-prometheus-stack installs with skipCrds: its own CRDs never come with it.
        expect(release(RELEASES.kubePrometheusStack).skipCrds).toBe(true);
    });
});

describe("secrets and ordering", () => {
    it("never puts a generated password or the receiver URL in any values or non-secret input", async () => {
        const { stack } = await build({ alertReceiverKind: "slack" }, { alertReceiverUrl: RECEIVER_URL });
        const needles = [...generatedPasswords, RECEIVER_URL];
        for (const r of registered) {
            expect({ resource: `${r.type}::${r.name}`, leaks: plaintextOccurrences(r.inputs, needles) }).toEqual({
                resource: `${r.type}::${r.name}`,
                leaks: [],
            });
        }
        for (const r of allOf(RELEASE)) {
            const text = JSON.stringify(unwrapSecret(r.inputs.values));
            for (const n of needles) expect(text.includes(n)).toBe(false);
        }
        for (const s of allOf("kubernetes:core/v1:Secret").filter((s) => s.inputs.metadata.name !== K8S_NAMES.lokiConfigSecret)) {
            expect(isSecretInput(s.inputs.stringData)).toBe(true);
        }
        expect(await pulumi.isSecret(stack.outputs.grafanaAdmin)).toBe(true);
        expect(await pulumi.isSecret(stack.outputs.natsCredentials)).toBe(true);
    });

    it("creates the namespace and Secrets before the releases, and the CRDs before everything that needs them", async () => {
        const { children } = await build({ alertReceiverKind: "webhook" }, { alertReceiverUrl: RECEIVER_URL });
        const deps = (name: string) => dependencyNames(children.find((c) => c.name === name));
        expect(deps("prod-crds")).toEqual(["prod-namespace"]);
        expect(deps("prod-kube-prometheus-stack")).toEqual(
            expect.arrayContaining(["prod-namespace", "prod-crds", "prod-grafana-admin", "prod-alertmanager-receiver"]),
        );
        expect(deps("prod-loki-stack")).toEqual(expect.arrayContaining(["prod-namespace", "prod-crds", "prod-loki-config"]));
        expect(deps("prod-nats")).toEqual(expect.arrayContaining(["prod-namespace", "prod-crds"]));
        expect(deps("prod-rules")).toEqual(expect.arrayContaining(["prod-crds", "prod-kube-prometheus-stack"]));
        expect(deps("prod-services-monitor")).toEqual(expect.arrayContaining(["prod-crds"]));
    });

    it("parents every child to the component and keeps data (namespace) unless the user opts out", async () => {
        const { children } = await build();
        const own = children.filter((c) => c.type !== "a4co:observability:KubernetesStack");
        const created = registered
            .filter((r) => r.type !== "a4co:observability:KubernetesStack")
            .map((r) => `${r.type}::${r.name}`)
            .sort();
        expect(own.map((c) => `${c.type}::${c.name}`).sort()).toEqual(created);
        for (const c of own) expect(c.name).toMatch(/^prod-/);
        expect(children.find((c) => c.name === "prod-namespace")?.opts.retainOnDelete).toBe(true);
    });
});

describe("the component and its plan", () => {
    const typeOf = (p: { kind: string; args: Record<string, any> }) =>
        p.kind === "Release"
            ? RELEASE
            : p.kind === "CustomResource"
              ? `kubernetes:${p.args.apiVersion}:${p.args.kind}`
              : `kubernetes:core/v1:${p.kind}`;

    it.each([
        ["the stack file", {}, {}],
        [
            "a receiver, the dev tier on one node, no retained data",
            { alertReceiverKind: "webhook", tier: "dev", retainData: false, kubernetes: { namespace: "obs", nodeCount: 1 } },
            { alertReceiverUrl: RECEIVER_URL },
        ],
    ])("registers exactly its plan, each as prod-<role> with the planned inputs, waits and retention (%s)", async (_, overrides, secrets) => {
        const { planned, children } = await build(overrides, secrets);
        const kube = registered.filter((r) => r.type.startsWith("kubernetes:"));
        expect(kube.map((r) => `${r.type}::${r.name}`).sort()).toEqual(planned.map((p) => `${typeOf(p)}::prod-${p.role}`).sort());
        for (const p of planned) {
            const name = `prod-${p.role}`;
            const inputs = unwrapSecrets(kube.find((r) => r.name === name)?.inputs);
            expect({ name, inputs }).toMatchObject({ name, inputs: p.args });
            const child = children.find((c) => c.name === name);
            expect({ name, dependsOn: dependencyNames(child) }).toEqual({ name, dependsOn: p.dependsOn.map((role) => `prod-${role}`) });
            expect({ name, retainOnDelete: child?.opts.retainOnDelete }).toEqual({ name, retainOnDelete: p.retainOnDelete });
        }
    });
});

describe("monitoring content on Kubernetes", () => {
    it("ships the same dashboards as ConfigMaps and the same rules as a PrometheusRule", async () => {
        const { config, objects } = await build();
        const content = buildMonitoringContent(config);
        const maps = objects("ConfigMap");
        expect(maps).toHaveLength(content.dashboards.length);
        for (const d of content.dashboards) {
            const cm = maps.find((m) => m.metadata.name === `dashboard-${d.uid}`);
            expect(cm?.metadata.labels).toEqual({ grafana_dashboard: "1" });
            expect(cm?.metadata.annotations).toEqual({ [FOLDER_ANNOTATION]: "A4CO Microservices" });
            expect(cm?.data[d.fileName]).toBe(d.json);
        }
        const rules = objects("PrometheusRule");
        expect(rules).toHaveLength(1);
        const devGroups = content.ruleFiles.flatMap((f) => parse(f.content).groups);
        expect(rules[0].spec.groups).toEqual(devGroups);
    });

    it("relabels every monitor to the dev job-label contract and scrapes services by a documented label", async () => {
        const { values, objects } = await build();
        const kps = values(RELEASES.kubePrometheusStack);
        expect(kps.prometheus.serviceMonitor.relabelings[0].replacement).toBe(JOBS.prometheus);
        expect(kps.alertmanager.serviceMonitor.relabelings[0].replacement).toBe(JOBS.alertmanager);
        expect(kps.grafana.serviceMonitor.relabelings[0].replacement).toBe(JOBS.grafana);
        const sm = objects("ServiceMonitor").find((m) => m.metadata.name === K8S_NAMES.servicesMonitor)!;
        expect(sm.spec.selector).toEqual({ matchLabels: { "a4co.io/scrape": "true" } });
        expect(sm.spec.endpoints[0].relabelings[0]).toEqual({ action: "replace", targetLabel: "job", replacement: JOBS.services });
        // Every scraped service carries a `service` label: its app.kubernetes.io/name, else the Service's name.
        const target = (appName: string) =>
            applyRelabelings(
                { job: "orders-svc", service: "orders-svc", __meta_kubernetes_service_label_app_kubernetes_io_name: appName },
                sm.spec.endpoints[0].relabelings,
            );
        expect(target("orders")).toMatchObject({ job: JOBS.services, service: "orders" });
        expect(target("")).toMatchObject({ job: JOBS.services, service: "orders-svc" });
    });
});

describe("outputs", () => {
    it("returns the same contract as the Docker stack, with in-cluster URLs and a port-forward hint", async () => {
        const { stack } = await build();
        expect(await promiseOf(stack.outputs.grafanaUrl)).toBe("http://kube-prometheus-stack-grafana.observability.svc.cluster.local:80");
        expect(await promiseOf(stack.outputs.natsUrl)).toBe("nats://nats.observability.svc.cluster.local:4222");
        expect(await promiseOf(stack.outputs.nextSteps)).toContain("kubectl -n observability port-forward svc/kube-prometheus-stack-grafana 3000:80");
        const logins = await promiseOf(stack.outputs.natsCredentials);
        expect(Object.keys(logins).sort()).toEqual(["admin", "metrics", "microservice"]);
    });
});
