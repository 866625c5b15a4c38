/**
 * Prod defects a user hits on a real cluster (issue 7: 2, 4, 5, 7), each pinned to the value or option that fixes it.
 * The k8s suite (tests/k8s) proves the same on the charts rendered by Helm and on a real API server.
 */
import { budgetTotals, kubernetesBudget } from "../../../platforms/kubernetes/budget";
import { RELEASES } from "../../../platforms/kubernetes/names";
import { PROVIDER_OPTIONS } from "../../../platforms/kubernetes/plan";
import { JOBS } from "../../../monitoring/jobs";
import { KPS_WEB_PORT } from "../../../platforms/kubernetes/values/kubePrometheusStack";
import { SERVICE_PORTS } from "../../../platforms/ports";
import { sizeTier } from "../../../config/tiers";
import { allOf, installMocks, promiseOf } from "../../support/mocks";
import { PROVIDER_TYPE, recordProdStack } from "./programRecording";
import { serviceMonitorJob } from "./relabel";

installMocks({ stack: "prod" });

const memMi = (r: { limits: { memory: string } }) => Number(/^(\d+)Mi$/.exec(r.limits.memory)?.[1]);

describe("destroy then up, and a first install into an existing namespace", () => {
    it.each([true, false])("adopts objects that already exist instead of failing with AlreadyExists (retainData %s)", async (retainData) => {
        const { children } = await recordProdStack({ retainData });
        const providers = allOf(PROVIDER_TYPE);
        expect(providers).toHaveLength(1);
        // @pulumi/kubernetes ≥ 4.29 creates client-side and fails on an existing object unless this is set.
        expect(PROVIDER_OPTIONS.upsertExistingObjects).toBe(true);
        expect(String(providers[0].inputs.upsertExistingObjects)).toBe("true");
        expect(children.find((c) => c.name === "prod-namespace")?.opts.retainOnDelete).toBe(retainData);
    });

    it.each([true, false])(
        "uninstalls the CRDs release on destroy so its name is free again, and keeps the CRDs themselves (retainData %s)",
        async (retainData) => {
            const { children, values } = await recordProdStack({ retainData });
            // retainOnDelete would leave the release record, and Helm refuses to install a name still in use.
            expect(children.find((c) => c.name === "prod-crds")?.opts.retainOnDelete).toBeFalsy();
            // helm uninstall leaves objects annotated keep; they still name this release, so the next install adopts them.
            expect(values(RELEASES.crds)).toEqual({ crds: { annotations: { "helm.sh/resource-policy": "keep" } } });
        },
    );
});

describe("NATS monitoring URL", () => {
    it("points at the nats Service's monitoring port, which the chart publishes only when asked", async () => {
        const { stack, values } = await recordProdStack();
        const v = values(RELEASES.nats);
        expect(v.config.monitor.enabled).toBe(true);
        expect(v.service.ports.monitor.enabled).toBe(true);
        expect(await promiseOf(stack.outputs.natsMonitoringUrl)).toBe(`http://nats.observability.svc.cluster.local:${SERVICE_PORTS.natsMonitoring}`);
    });
});

describe("job-label contract of the Prometheus and Alertmanager ServiceMonitors", () => {
    // The chart copies these relabelings onto both endpoints of each ServiceMonitor: the server and its reloader.
    it.each([
        ["prometheus", JOBS.prometheus, "kube-prometheus-stack-prometheus"],
        ["alertmanager", JOBS.alertmanager, "kube-prometheus-stack-alertmanager"],
    ] as const)("names only the %s server's targets job=%s, never its config reloader's", async (key, job, service) => {
        const { values } = await recordProdStack();
        const relabelings = values(RELEASES.kubePrometheusStack)[key].serviceMonitor.relabelings;
        expect(serviceMonitorJob(service, { port: KPS_WEB_PORT, relabelings })).toBe(job);
        const reloaderJob = serviceMonitorJob(service, { port: "reloader-web", relabelings });
        expect(reloaderJob).toBe(service);
        expect(reloaderJob).not.toBe(job);
    });
});

describe("Grafana on Kubernetes", () => {
    it("stops the old pod before starting the new one, so the ReadWriteOnce PVC never needs two nodes", async () => {
        const { values } = await recordProdStack();
        expect(values(RELEASES.kubePrometheusStack).grafana.deploymentStrategy).toEqual({ type: "Recreate" });
    });

    it("gives the password-reset init container (the Grafana binary itself) Grafana's memory, and the sidecars more than the chart's suggested 100Mi", async () => {
        const { values } = await recordProdStack();
        const g = values(RELEASES.kubePrometheusStack).grafana;
        const init = g.extraInitContainers.find((c: { name: string }) => c.name === "sync-admin-password");
        expect(init.resources).toEqual(g.resources);
        expect(memMi(init.resources)).toBeGreaterThanOrEqual(512);
        expect(memMi(g.sidecar.resources)).toBeGreaterThanOrEqual(100);
    });

    it("still keeps the stack within 60% of the tier for 1, 3 and 5 nodes with the larger Grafana containers", () => {
        for (const tier of ["dev", "prod"] as const) {
            const sizing = sizeTier(tier);
            const replicas = tier === "prod" ? 3 : 1;
            for (const nodes of [1, 3, 5]) {
                const b = kubernetesBudget(sizing, nodes, replicas);
                const totals = budgetTotals(b, replicas, nodes);
                expect(totals.memoryMb).toBeLessThanOrEqual(sizing.hardware.memoryMb * 0.6);
                // The init container costs nothing extra only while it is no bigger than the pod's containers.
                expect(b.grafanaPasswordInit.memoryMb).toBeLessThanOrEqual(b.grafana.memoryMb + 2 * b.grafanaSidecar.memoryMb);
                expect(b.grafanaPasswordInit.cpus).toBeLessThanOrEqual(b.grafana.cpus + 2 * b.grafanaSidecar.cpus);
            }
        }
    });
});
