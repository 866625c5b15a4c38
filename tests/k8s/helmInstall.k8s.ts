/**
 * `pulumi up -s prod` as the cluster sees it: the four releases installed for real by the pinned Helm, in the
 * program's order and with its values, waiting as helm.v3.Release does (`--wait`, hooks included), on the pinned
 * kube-apiserver with the pinned controller-manager and scheduler and kwok's simulated nodes, which split the tier's
 * hardware: the prod tier on 3 nodes, the dev tier on 1. What this proves: every release reaches `deployed`, its
 * hooks (the admission-webhook Jobs) complete, every Deployment, StatefulSet and DaemonSet gets its pods placed and
 * ready, NATS spreads one server per node, every claim binds, and the stack's requests fit nodes of the tier's size.
 * What it does not: no container runs (kwok reports them running), and the pods the prometheus-operator would create
 * (Prometheus, Alertmanager) are never made, since that operator version cannot be built here.
 * Run: npm run test:k8s. */
import { natsReplicas } from "../../platforms/kubernetes/budget";
import { sizeTier } from "../../config/tiers";
import { RELEASES } from "../../platforms/kubernetes/names";
import { waitFor } from "../../harness/live";
import { installMocks } from "../support/mocks";
import { ensureTools } from "../../harness/tools/build";
import { K8S_CLUSTER_TOOLS, K8S_TOOLS } from "../../harness/tools/recipes";
import type { ToolRun } from "../../harness/tools/run";
import { ApiServer } from "../../harness/kubernetes/apiServer";
import { cpuOf, memMbOf } from "./checks";
import { chartArchive, chartByName, K8sObject, objectId, parseManifests, ReleaseRequest, renderRelease } from "../../harness/kubernetes/helm";
import { Recorded, recordReleases } from "./recorded";
import { claimsOf, simulatedNodes, startSimulatedCluster, storageFor } from "../../harness/kubernetes/simulatedNodes";

installMocks({ stack: "prod" });
jest.setTimeout(30 * 60_000);

const log = (line: string) => process.stderr.write(`[k8s install] ${line}\n`);
/** The order the program's dependsOn gives (the CRDs first; the others after it and the Secrets). */
const INSTALL_ORDER = [RELEASES.crds, RELEASES.kubePrometheusStack, RELEASES.lokiStack, RELEASES.nats];
/**
 * Helm's --timeout here: the program gives each release 900 s for a real cluster (image pulls, volume provisioning);
 * on simulated nodes a release that is not ready within 5 minutes never will be.
 */
const INSTALL_TIMEOUT_SECONDS = 300;
/** Kinds of the program's own objects that need the CRDs release first. */
const needsCrds = (o: K8sObject) => o.apiVersion.startsWith("monitoring.coreos.com/");

/** The prod tier on the 3 nodes of Pulumi.prod.yaml, with an alert receiver; the dev tier on a single node. */
const TIERS = [
    {
        label: "prod tier, 3 nodes",
        overrides: { alertReceiverKind: "webhook" },
        secrets: { alertReceiverUrl: "https://hooks.example/k8s-install-receiver" },
        /** 3 NATS servers, one per node. */
        spreadsNats: true,
    },
    {
        label: "dev tier, 1 node",
        overrides: { tier: "dev", kubernetes: { namespace: "observability", nodeCount: 1 } },
        secrets: {},
        spreadsNats: false,
    },
] as const;

let api: ApiServer | undefined;
let rec: Recorded;
let nodes: K8sObject[];
const figures: [string, string][] = [];

/** A fresh API server with the controllers, the scheduler and the tier's simulated nodes, Ready, and the volumes. */
async function startCluster(tier: (typeof TIERS)[number]): Promise<void> {
    rec = await recordReleases(tier.overrides, tier.secrets);
    nodes = simulatedNodes(sizeTier(rec.config.tier), rec.config.kubernetes.nodeCount);
    api = await ApiServer.start(log);
    startSimulatedCluster(api, log);
    for (const n of nodes) await api.apply(n);
    const ready = await waitFor(
        async () => {
            const readyNodes = (await api!.list("v1", "Node")).filter((n) =>
                (n.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === "Ready" && c.status === "True"),
            );
            return readyNodes.length === nodes.length ? true : undefined;
        },
        60_000,
        500,
    );
    if (!ready) {
        api.assertRunning();
        throw new Error(`the ${nodes.length} simulated nodes were not all Ready within 60 s:\n${api.tail("kwok", 15)}`);
    }
    const claims = claimsOf(rec.releases.flatMap(renderRelease));
    for (const o of storageFor(claims)) await api.apply(o);
    log(
        `${tier.label}: ${nodes.length} nodes Ready (${nodes[0].status.capacity.cpu} CPU, ${nodes[0].status.capacity.memory} each); ${claims.length} volumes for the charts' claims`,
    );
}

beforeAll(() => ensureTools(log, [...K8S_TOOLS, ...K8S_CLUSTER_TOOLS]));

afterAll(() => {
    if (figures.length) process.stdout.write(["", "k8s install summary", ...figures.map(([k, v]) => `  ${k.padEnd(56)} ${v}`), ""].join("\n") + "\n");
});

const ns = () => rec.config.kubernetes.namespace;

/** `helm install` of a release as the program declares it, waiting as helm.v3.Release does (Jobs included). */
function helmInstall(r: ReleaseRequest, timeoutSeconds: number): Promise<ToolRun> {
    const values = api!.writeFile(`${r.name}-values.json`, JSON.stringify(r.values));
    const args = ["install", r.name, chartArchive(chartByName(r.chart)), "--namespace", r.namespace, "--values", values];
    if (r.skipCrds) args.push("--skip-crds");
    args.push("--wait", "--wait-for-jobs", "--timeout", `${timeoutSeconds}s`);
    return api!.helmAsync(args, (timeoutSeconds + 60) * 1000);
}

/** The pods still Pending in a namespace, with the scheduler's reason, for failure messages. */
async function whyPending(namespace: string): Promise<string> {
    const pending = (await api!.list("v1", "Pod", namespace)).filter((p) => p.status?.phase === "Pending");
    const lines = pending.map((p) => `${objectId(p)}: ${JSON.stringify(p.status?.conditions ?? [])}`);
    return `pending pods:\n${lines.join("\n") || "none"}`;
}

describe.each(TIERS.map((t) => [t.label, t] as const))("helm install --wait on simulated nodes, %s", (label, tier) => {
    beforeAll(() => startCluster(tier));
    afterAll(async () => {
        await api?.stop();
        api = undefined;
    });
    const figure = (what: string, value: string) => figures.push([`${label}: ${what}`, value]);

    it("installs the four releases in the program's order with its values, each reaching deployed with its hooks run", async () => {
        const installed = new Map<string, { seconds: number; status: string }>();
        // The program's namespace and Secrets come first (the releases depend on them); its monitoring objects last.
        for (const o of rec.own.filter((x) => !needsCrds(x))) await api!.apply(o);
        for (const name of INSTALL_ORDER) {
            const r = rec.releases.find((x) => x.name === name)!;
            const started = Date.now();
            const run = await helmInstall(r, INSTALL_TIMEOUT_SECONDS);
            const seconds = (Date.now() - started) / 1000;
            if (run.status !== 0)
                throw new Error(`helm install ${r.name} failed after ${seconds.toFixed(0)} s:\n${run.stderr}\n${await whyPending(r.namespace)}`);
            const status = await api!.helmAsync(["status", r.name, "--namespace", r.namespace, "-o", "json"], 60_000);
            const state = (JSON.parse(status.stdout) as { info: { status: string } }).info.status;
            installed.set(name, { seconds, status: state });
            figure(`helm install --wait ${name}`, `${state} in ${seconds.toFixed(0)} s (--timeout ${INSTALL_TIMEOUT_SECONDS} s)`);
            log(`${label}: ${name} ${state} in ${seconds.toFixed(0)} s`);
        }
        for (const o of rec.own.filter(needsCrds)) await api!.apply(o);
        expect(Object.fromEntries([...installed].map(([n, i]) => [n, i.status]))).toEqual(
            Object.fromEntries(INSTALL_ORDER.map((n) => [n, "deployed"])),
        );
        // The chart's admission-webhook hooks: Helm ran them (install waits for hook Jobs) and they completed.
        const hooks = await api!.helmAsync(["get", "hooks", RELEASES.kubePrometheusStack, "--namespace", ns()], 60_000);
        const hookJobs = parseManifests(hooks.stdout)
            .filter((o) => o.kind === "Job")
            .map((o) => o.metadata.name);
        expect(hookJobs.length).toBeGreaterThanOrEqual(2);
        // Hook Jobs are deleted once they succeed; the job controller's Completed events outlive them.
        const completed = (await api!.list("v1", "Event", ns()))
            .filter((e) => e.involvedObject?.kind === "Job" && e.reason === "Completed")
            .map((e) => e.involvedObject.name as string);
        expect(completed).toEqual(expect.arrayContaining(hookJobs));
        figure("hook Jobs completed", hookJobs.join(", "));
    });

    it("places every pod of the releases and has it ready: NATS one server per node, each DaemonSet once per node", async () => {
        const pods = await api!.list("v1", "Pod", ns());
        const notReady = pods.filter((p) => p.status?.phase !== "Running" && p.status?.phase !== "Succeeded");
        expect(notReady.map((p) => `${objectId(p)} ${p.status?.phase}: ${JSON.stringify(p.status?.conditions ?? [])}`)).toEqual([]);
        // The NATS StatefulSet's pods (nats-0, nats-1, ...), not the nats-box Deployment's.
        const natsOnNodes = pods.filter((p) => new RegExp(`^${RELEASES.nats}-\\d+$`).test(p.metadata.name)).map((p) => p.spec.nodeName as string);
        expect(natsOnNodes).toHaveLength(natsReplicas(rec.config));
        expect(new Set(natsOnNodes).size).toBe(natsOnNodes.length);
        for (const ds of await api!.list("apps/v1", "DaemonSet", ns())) {
            expect({ daemonSet: ds.metadata.name, ready: ds.status?.numberReady }).toEqual({ daemonSet: ds.metadata.name, ready: nodes.length });
        }
        figure("not made here", "the Prometheus and Alertmanager pods (prometheus-operator v0.93.1 cannot be built here)");
        figure("pods placed and ready", `${pods.length} (NATS on ${[...new Set(natsOnNodes)].sort().join(", ")})`);
    });

    it("binds every claim the charts make, and fits what the pods request into nodes of the tier's size", async () => {
        const claims = await api!.list("v1", "PersistentVolumeClaim", ns());
        expect(claims.length).toBeGreaterThan(0);
        expect(claims.filter((c) => c.status?.phase !== "Bound").map(objectId)).toEqual([]);
        const pods = (await api!.list("v1", "Pod", ns())).filter((p) => p.status?.phase === "Running");
        for (const n of nodes) {
            const on = pods.filter((p) => p.spec.nodeName === n.metadata.name);
            const containers = on.flatMap((p) => p.spec.containers as { resources?: { requests?: Record<string, string> } }[]);
            const cpu = containers.reduce((s, c) => s + cpuOf(c.resources?.requests?.cpu ?? "0"), 0);
            const mem = containers.reduce((s, c) => s + memMbOf(c.resources?.requests?.memory ?? "0"), 0);
            expect(cpu).toBeLessThanOrEqual(cpuOf(n.status.allocatable.cpu));
            expect(mem).toBeLessThanOrEqual(memMbOf(n.status.allocatable.memory));
            figure(
                `${n.metadata.name} requested`,
                `${cpu.toFixed(2)} of ${cpuOf(n.status.allocatable.cpu)} CPU, ${Math.round(mem)} of ${memMbOf(n.status.allocatable.memory)} MiB, ${on.length} pods`,
            );
        }
        figure("claims bound", String(claims.length));
    });

    // The harness fails a release whose pods cannot all be placed: with one node cordoned, NATS' spread (one server
    // per node, DoNotSchedule) leaves a server Pending and `helm install --wait` gives up.
    if (tier.spreadsNats)
        it("fails the install when NATS cannot spread one server per node (one node cordoned)", async () => {
            const nats = rec.releases.find((x) => x.name === RELEASES.nats)!;
            expect((await api!.helmAsync(["uninstall", nats.name, "--namespace", nats.namespace, "--wait"], 120_000)).status).toBe(0);
            await api!.apply({ ...nodes[nodes.length - 1], spec: { unschedulable: true } });
            const run = await helmInstall(nats, 30);
            expect(run.status).not.toBe(0);
            const pending = await whyPending(nats.namespace);
            expect(pending).toMatch(new RegExp(`Pod/${nats.namespace}/${RELEASES.nats}-\\d+: .*(topology spread|unschedulable)`));
            figure("probe: one node cordoned", "helm install nats failed as it must: a NATS server stayed Pending");
        });

    it("keeps every webhook call on this machine: each fails open for want of an endpoint, none dials a pod or Service address", () => {
        // The admission webhook's Service has no endpoint (no pod has an IP), so each call fails open before dialling.
        const apiserverLog = api!.tail("kube-apiserver", 100_000);
        const failedOpen = apiserverLog.split("\n").filter((l) => /failing open/i.test(l));
        figure("webhook calls failed open", `${failedOpen.length}${failedOpen[0] ? `, e.g. ${failedOpen[0].slice(-200)}` : ""}`);
        expect(failedOpen.length).toBeGreaterThan(0);
        expect(failedOpen.filter((l) => !/no endpoints available for service/.test(l))).toEqual([]);
        expect(apiserverLog.match(/dial tcp (?!127\.)[^\s:]+:\d+/g) ?? []).toEqual([]);
    });
});
