/**
 * The prod stack rendered by the pinned Helm from the pinned charts with exactly the values the program passes (the
 * Pulumi mocks' recording of the component with Pulumi.prod.yaml), then applied to the pinned kube-apiserver + etcd
 * with server-side apply and strict field validation, and checked for what users depend on.
 * Run: npm run test:k8s (its own jest config; plain `jest` does not pick it up).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";

import { budgetTotals, kubernetesBudget, kubernetesSizing, natsReplicas } from "../../platforms/kubernetes/budget";
import { KPS_WEB_PORT } from "../../platforms/kubernetes/values/kubePrometheusStack";
import { DASHBOARD_LABEL, FOLDER_ANNOTATION, K8S_NAMES, RELEASES } from "../../platforms/kubernetes/names";
import { SERVICE_PORTS } from "../../platforms/ports";
import { JOBS } from "../../monitoring/jobs";
import { DATASOURCE_UIDS } from "../../monitoring/datasources";
import { promtailJsonPipeline } from "../../render/promtail";
import { sizeTier } from "../../config/tiers";
import { installMocks } from "../support/mocks";
import { ensureTools } from "../../harness/tools/build";
import { K8S_TOOLS, TOOLS } from "../../harness/tools/recipes";
import { runTool } from "../../harness/tools/run";
import { ApiServer, ApplyError } from "../../harness/kubernetes/apiServer";
import { budgetMismatches, configReloaderShare, reservedTotals, scrapedJobs, selects, sizedContainers, unequalResources } from "./checks";
import { chartArchive, chartByName, helmTemplate, K8sObject, objectId, renderRelease } from "../../harness/kubernetes/helm";
import { Recorded, recordReleases } from "./recorded";
import { getPath, valuePaths, withoutPath, withPathChanged } from "./valueKeys";

installMocks({ stack: "prod" });
jest.setTimeout(30 * 60_000);

const log = (line: string) => process.stderr.write(`[k8s] ${line}\n`);
const RECEIVER_URL = "https://hooks.example/k8s-suite-receiver";

interface Tier {
    readonly label: string;
    readonly overrides: Record<string, unknown>;
    readonly secrets: Record<string, string>;
}
/** Prod tier on 3 nodes with an alert receiver; dev tier on 1 node without, in its own namespace (both share one API server). */
const TIERS: readonly Tier[] = [
    { label: "prod tier, 3 nodes", overrides: { alertReceiverKind: "webhook" }, secrets: { alertReceiverUrl: RECEIVER_URL } },
    { label: "dev tier, 1 node", overrides: { tier: "dev", kubernetes: { namespace: "observability-dev", nodeCount: 1 } }, secrets: {} },
];

// The summary table, printed at the end.
const table: { tier: string; rendered: number; keys: string; applied: string; checks: string }[] = [];
const row = (tier: string) => {
    let r = table.find((x) => x.tier === tier);
    if (!r) table.push((r = { tier, rendered: 0, keys: "-", applied: "-", checks: "-" }));
    return r;
};
const checksPassed = new Map<string, number>();
const passed = (tier: string) => checksPassed.set(tier, (checksPassed.get(tier) ?? 0) + 1);

let api: ApiServer | undefined;
const recorded = new Map<string, Recorded>();
const rendered = new Map<string, Map<string, K8sObject[]>>();

beforeAll(async () => {
    ensureTools(log, [TOOLS["nats-server"], ...K8S_TOOLS]);
    for (const t of TIERS) {
        const rec = await recordReleases(t.overrides, t.secrets);
        recorded.set(t.label, rec);
        const byRelease = new Map<string, K8sObject[]>();
        for (const r of rec.releases) {
            const started = Date.now();
            byRelease.set(r.name, renderRelease(r));
            log(
                `${t.label}: rendered ${r.name} (${r.chart}) in ${((Date.now() - started) / 1000).toFixed(1)} s: ${byRelease.get(r.name)!.length} objects`,
            );
        }
        rendered.set(t.label, byRelease);
        row(t.label).rendered = byRelease.size;
    }
});

afterAll(async () => {
    if (api) await api.stop();
    for (const t of TIERS) row(t.label).checks = String(checksPassed.get(t.label) ?? 0);
    const cols = ["tier", "releases rendered", "values keys that change the output", "objects accepted / applied", "checks passed"];
    const lines = table.map((r) => [r.tier, String(r.rendered), r.keys, r.applied, r.checks]);
    const widths = cols.map((c, i) => Math.max(c.length, ...lines.map((l) => l[i].length)));
    const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    process.stdout.write(["", "k8s suite summary", fmt(cols), fmt(widths.map((w) => "-".repeat(w))), ...lines.map(fmt), ""].join("\n") + "\n");
});

const all = (tier: string) => [...rendered.get(tier)!.values()].flat();
const releaseObjects = (tier: string, release: string) => rendered.get(tier)!.get(release)!;
const find = (objs: readonly K8sObject[], kind: string, pred: (o: K8sObject) => boolean = () => true) =>
    objs.filter((o) => o.kind === kind && pred(o));
const one = (objs: readonly K8sObject[], kind: string, pred: (o: K8sObject) => boolean = () => true) => {
    const hits = find(objs, kind, pred);
    if (hits.length !== 1) throw new Error(`expected one ${kind}, found ${hits.map(objectId).join(", ") || "none"}`);
    return hits[0];
};

describe.each(TIERS.map((t) => [t.label]))("%s", (tier) => {
    it("renders all four releases with the program's values, release names, namespace and skipCrds", () => {
        const rec = recorded.get(tier)!;
        expect(rec.releases.map((r) => r.name).sort()).toEqual(Object.values(RELEASES).sort());
        for (const r of rec.releases) expect(releaseObjects(tier, r.name).length).toBeGreaterThan(0);
        // kube-prometheus-stack is installed with skipCrds: no CRD may come from it.
        expect(find(releaseObjects(tier, RELEASES.kubePrometheusStack), "CustomResourceDefinition")).toEqual([]);
        expect(find(releaseObjects(tier, RELEASES.crds), "CustomResourceDefinition").length).toBeGreaterThanOrEqual(10);
        passed(tier);
    });

    it("every values key the program sets changes what Helm renders (a key the chart ignores is a bug)", () => {
        const ignored: string[] = [];
        let total = 0;
        for (const r of recorded.get(tier)!.releases) {
            const base = helmTemplate(r);
            for (const p of valuePaths(r.values)) {
                total++;
                const render = (values: Record<string, unknown>) => {
                    try {
                        return helmTemplate({ ...r, values });
                    } catch (e) {
                        // The chart refused the changed value: it reads the key.
                        return `refused: ${(e as Error).message}`;
                    }
                };
                if (render(withoutPath(r.values, p)) !== base) continue;
                // The program's value may be the chart default: a different value must change the output then.
                if (render(withPathChanged(r.values, p)) !== base) continue;
                ignored.push(`${r.name}: ${p.join(".")} = ${JSON.stringify(getPath(r.values, p))}`);
            }
        }
        row(tier).keys = `${total - ignored.length}/${total}`;
        expect(ignored).toEqual([]);
        passed(tier);
    });

    it("gives every container, init container and sidecar (Jobs and DaemonSets included) requests = limits from the budget", () => {
        const { config } = recorded.get(tier)!;
        const objects = all(tier);
        const containers = sizedContainers(objects);
        expect(containers.length).toBeGreaterThan(10);
        expect(unequalResources(containers)).toEqual([]);
        const { budget } = kubernetesSizing(config, sizeTier(config.tier));
        expect(budgetMismatches(containers, budget)).toEqual([]);
        // The config reloaders the operator injects are sized from its flags.
        const reloader = configReloaderShare(objects)!;
        expect(reloader.request).toEqual(reloader.limit);
        expect(reloader.limit).toEqual(budget.configReloader);
        passed(tier);
    });

    it("keeps what the rendered stack reserves within 60% of the tier for 1, 3 and 5 nodes", async () => {
        const t = TIERS.find((x) => x.label === tier)!;
        const { config } = recorded.get(tier)!;
        const sizing = sizeTier(config.tier);
        // The prod tier needs 3 nodes (3 NATS servers, one per node): 1 node is refused by the program itself.
        const counts = natsReplicas(config) > 1 ? [3, 5] : [1, 3, 5];
        for (const nodes of counts) {
            const rec = await recordReleases({ ...t.overrides, kubernetes: { namespace: config.kubernetes.namespace, nodeCount: nodes } }, t.secrets);
            const objects = rec.releases.flatMap(renderRelease);
            const reserved = reservedTotals(objects, nodes);
            const planned = budgetTotals(kubernetesBudget(sizing, nodes, natsReplicas(config)), natsReplicas(config), nodes);
            log(
                `${tier}, ${nodes} nodes: rendered stack reserves ${reserved.cpus.toFixed(2)} CPU / ${Math.round(reserved.memoryMb)} MiB of ${sizing.hardware.cpus} CPU / ${sizing.hardware.memoryMb} MiB (budget ${planned.cpus.toFixed(2)} / ${Math.round(planned.memoryMb)})`,
            );
            expect(reserved.memoryMb).toBeLessThanOrEqual(sizing.hardware.memoryMb * 0.6);
            expect(reserved.cpus).toBeLessThanOrEqual(sizing.hardware.cpus * 0.6 + 1e-9);
            // What the charts reserve is what the budget planned: nothing unbudgeted runs.
            expect(reserved.memoryMb).toBeCloseTo(planned.memoryMb, 0);
        }
        passed(tier);
    });

    it("gives Prometheus and Alertmanager retention, size, storage, the receiver Secret and selectors that pick up the program's rules and monitors", () => {
        const { config, own } = recorded.get(tier)!;
        const sizing = sizeTier(config.tier);
        const kps = releaseObjects(tier, RELEASES.kubePrometheusStack);
        const prom = one(kps, "Prometheus");
        expect(prom.spec.retention).toBe(config.prometheusRetention);
        expect(prom.spec.retentionSize).toBe(sizing.prometheusRetentionSize);
        expect(prom.spec.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe(`${sizing.storageMb.prometheus}Mi`);
        const ns = { "kubernetes.io/metadata.name": config.kubernetes.namespace };
        const rule = one(own, "PrometheusRule");
        expect(selects(prom.spec.ruleSelector, rule.metadata.labels)).toBe(true);
        expect(selects(prom.spec.ruleNamespaceSelector, ns)).toBe(true);
        for (const m of find(own, "ServiceMonitor")) expect(selects(prom.spec.serviceMonitorSelector, m.metadata.labels)).toBe(true);
        expect(selects(prom.spec.serviceMonitorNamespaceSelector, ns)).toBe(true);
        const natsPodMonitor = one(releaseObjects(tier, RELEASES.nats), "PodMonitor");
        expect(selects(prom.spec.podMonitorSelector, natsPodMonitor.metadata.labels)).toBe(true);
        const am = one(kps, "Alertmanager");
        expect(am.spec.storage.volumeClaimTemplate.spec.resources.requests.storage).toBe(`${sizing.storageMb.alertmanager}Mi`);
        expect(am.spec.secrets ?? []).toEqual(config.alertReceiver ? [K8S_NAMES.receiverSecret] : []);
        // The alertmanager.yaml the chart writes reads the receiver URL from that Secret's mount.
        const amSecret = one(kps, "Secret", (s) => s.metadata.name === `alertmanager-${RELEASES.kubePrometheusStack}-alertmanager`);
        const amConfig = parse(
            Buffer.from(amSecret.data?.["alertmanager.yaml"] ?? "", "base64").toString() || amSecret.stringData?.["alertmanager.yaml"],
        );
        const urls = JSON.stringify(amConfig.receivers);
        if (config.alertReceiver) expect(urls).toContain(`/etc/alertmanager/secrets/${K8S_NAMES.receiverSecret}/url`);
        expect(urls).not.toContain(RECEIVER_URL);
        passed(tier);
    });

    it("provisions Grafana with exactly one default datasource, the fixed uids, the dashboard sidecar, the admin Secret and the password-reset init container", () => {
        const objects = all(tier);
        const datasources = find(objects, "ConfigMap", (c) => c.metadata.labels?.grafana_datasource === "1").flatMap((c) =>
            Object.values(c.data ?? {}).flatMap(
                (text) => (parse(String(text)) as { datasources?: { uid?: string; isDefault?: boolean; type: string }[] }).datasources ?? [],
            ),
        );
        expect(datasources.filter((d) => d.isDefault === true).map((d) => d.uid)).toEqual([DATASOURCE_UIDS.prometheus]);
        const uids = datasources.map((d) => d.uid);
        for (const uid of Object.values(DATASOURCE_UIDS)) expect(uids.filter((u) => u === uid)).toHaveLength(1);
        const grafana = one(objects, "Deployment", (d) => d.metadata.name === `${RELEASES.kubePrometheusStack}-grafana`);
        expect(grafana.spec.strategy).toEqual({ type: "Recreate" });
        const pod = grafana.spec.template.spec;
        const env = (c: { env?: { name: string; value?: string; valueFrom?: any }[] }, name: string) => (c.env ?? []).find((e) => e.name === name);
        const sidecar = pod.containers.find((c: { name: string }) => c.name === "grafana-sc-dashboard");
        expect(env(sidecar, "LABEL")?.value).toBe(DASHBOARD_LABEL.key);
        expect(env(sidecar, "LABEL_VALUE")?.value).toBe(DASHBOARD_LABEL.value);
        expect(env(sidecar, "FOLDER_ANNOTATION")?.value).toBe(FOLDER_ANNOTATION);
        const server = pod.containers.find((c: { name: string }) => c.name === "grafana");
        expect(env(server, "GF_SECURITY_ADMIN_PASSWORD")?.valueFrom).toEqual({
            secretKeyRef: { name: K8S_NAMES.grafanaAdminSecret, key: "admin-password" },
        });
        expect(env(server, "GF_SECURITY_ADMIN_USER")?.valueFrom).toEqual({ secretKeyRef: { name: K8S_NAMES.grafanaAdminSecret, key: "admin-user" } });
        const init = pod.initContainers.find((c: { name: string }) => c.name === "sync-admin-password");
        expect(init.command.join(" ")).toContain("reset-admin-password");
        expect(init.volumeMounts.map((m: { name: string }) => m.name).sort()).toEqual(["grafana-admin", "storage"]);
        expect(pod.volumes.map((v: { name: string }) => v.name)).toEqual(expect.arrayContaining(["grafana-admin", "storage"]));
        passed(tier);
    });

    it("runs NATS with the tier's replicas and spread, a nats.conf the pinned nats-server accepts, the exporter's args and a published monitoring port", () => {
        const { config } = recorded.get(tier)!;
        const objs = releaseObjects(tier, RELEASES.nats);
        const sts = one(objs, "StatefulSet");
        const replicas = natsReplicas(config);
        expect(sts.spec.replicas).toBe(replicas);
        const spread = sts.spec.template.spec.topologySpreadConstraints ?? [];
        if (replicas > 1)
            expect(spread).toEqual([
                expect.objectContaining({ topologyKey: "kubernetes.io/hostname", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" }),
            ]);
        else expect(spread).toEqual([]);
        // The nats.conf the chart writes, tested by the pinned nats-server with the environment the pod gives it.
        const conf = one(objs, "ConfigMap").data["nats.conf"] as string;
        expect(conf).not.toMatch(/password:\s*"?(?!\$2[aby]\$)[^"\s]+/);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-natsconf-"));
        try {
            fs.writeFileSync(path.join(dir, "nats.conf"), conf);
            const env = { ...process.env, SERVER_NAME: "nats-0", POD_NAME: "nats-0" };
            const r = runTool("nats-server", ["-t", "-c", path.join(dir, "nats.conf")], { cwd: dir, env });
            expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
        expect(conf).toMatch(/max_file_store/);
        expect(conf).toMatch(/max_memory_store/);
        const exporter = sts.spec.template.spec.containers.find((c: { name: string }) => c.name === "prom-exporter");
        expect(exporter.args).toContain("-healthz");
        expect(exporter.args.indexOf("-healthz")).toBeLessThan(exporter.args.length - 1);
        expect(exporter.args[exporter.args.length - 1]).toMatch(/^http:\/\/localhost:8222\/?$/);
        // natsMonitoringUrl: the nats Service must publish the monitoring port.
        const svc = one(objs, "Service", (s) => s.metadata.name === RELEASES.nats);
        expect(svc.spec.ports.map((p: { port: number }) => p.port)).toContain(SERVICE_PORTS.natsMonitoring);
        passed(tier);
    });

    it("mounts our Loki config Secret and gives Promtail the dev JSON stages after the cri stage", () => {
        const objs = releaseObjects(tier, RELEASES.lokiStack);
        const loki = one(objs, "StatefulSet", (s) => s.metadata.name === RELEASES.lokiStack);
        const secretVolumes = loki.spec.template.spec.volumes
            .filter((v: { secret?: { secretName: string } }) => v.secret)
            .map((v: { secret: { secretName: string } }) => v.secret.secretName);
        expect(secretVolumes).toContain(K8S_NAMES.lokiConfigSecret);
        expect(find(objs, "Secret", (s) => s.metadata.name === RELEASES.lokiStack)).toEqual([]);
        const promtailSecret = one(objs, "Secret", (s) => s.metadata.name === `${RELEASES.lokiStack}-promtail`);
        const text = promtailSecret.stringData?.["promtail.yaml"] ?? Buffer.from(promtailSecret.data["promtail.yaml"], "base64").toString();
        const promtail = parse(text);
        const stages = promtail.scrape_configs[0].pipeline_stages;
        expect(stages).toEqual([{ cri: {} }, ...promtailJsonPipeline()]);
        passed(tier);
    });

    it("keeps the job-label contract: each monitored service yields its monitoring/jobs.ts job, and nothing else does", () => {
        const { own } = recorded.get(tier)!;
        const jobs = scrapedJobs([...all(tier), ...own]);
        const contract = new Set<string>(Object.values(JOBS));
        const byJob = (job: string) => jobs.filter((j) => j.job === job).map((j) => `${j.target}:${j.port}`);
        const kps = RELEASES.kubePrometheusStack;
        const ns = recorded.get(tier)!.config.kubernetes.namespace;
        expect(byJob(JOBS.prometheus)).toEqual([`Service/${ns}/${kps}-prometheus:${KPS_WEB_PORT}`]);
        expect(byJob(JOBS.alertmanager)).toEqual([`Service/${ns}/${kps}-alertmanager:${KPS_WEB_PORT}`]);
        expect(byJob(JOBS.grafana)).toEqual([`Service/${ns}/${kps}-grafana:http-web`]);
        expect(byJob(JOBS.loki)).toEqual([`Service/${ns}/${RELEASES.lokiStack}-headless:http-metrics`]);
        expect(byJob(JOBS.promtail)).toHaveLength(1);
        expect(byJob(JOBS.natsExporter)).toEqual([`StatefulSet/${ns}/${RELEASES.nats}:prom-metrics`]);
        // The config reloaders keep a job of their own.
        for (const j of jobs.filter((x) => x.port === "reloader-web")) expect(contract.has(j.job ?? "")).toBe(false);
        // Every other target keeps a job outside the contract (Alloy is dev-only; a4co-services has no target until a
        // user's Service carries the scrape label).
        const expected = [JOBS.prometheus, JOBS.alertmanager, JOBS.grafana, JOBS.loki, JOBS.promtail, JOBS.natsExporter];
        expect(
            jobs
                .filter((j) => contract.has(j.job ?? ""))
                .map((j) => j.job)
                .sort(),
        ).toEqual([...expected].sort());
        passed(tier);
    });
});

describe("on a real kube-apiserver with strict field validation", () => {
    beforeAll(async () => {
        api = await ApiServer.start(log);
    });

    it("installs the CRDs release again under the same name after helm uninstall (what pulumi destroy does), adopting the kept CRDs", async () => {
        const rec = recorded.get(TIERS[0].label)!.releases.find((r) => r.name === RELEASES.crds)!;
        const values = api!.writeFile("crds-values.json", JSON.stringify(rec.values));
        const helm = (...args: string[]) => api!.helm([...args, "--namespace", rec.namespace]);
        const install = () => helm("install", rec.name, chartArchive(chartByName(rec.chart)), "--create-namespace", "--values", values);
        const first = install();
        expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
        // What a kept release record (retainOnDelete on the Release) makes of the next pulumi up:
        const again = install();
        expect(again.status).not.toBe(0);
        expect(again.stderr).toMatch(/cannot re-use a name that is still in use/);
        // pulumi destroy uninstalls the release: the CRDs stay (keep), the name is free again.
        const uninstall = helm("uninstall", rec.name);
        expect(uninstall.status).toBe(0);
        expect(uninstall.stdout + uninstall.stderr).toMatch(/kept due to the resource policy/);
        const crd = await api!.read({
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            metadata: { name: "prometheusrules.monitoring.coreos.com" },
        });
        expect(crd.metadata.annotations?.["meta.helm.sh/release-name"]).toBe(RELEASES.crds);
        // The next pulumi up installs under the same name and adopts the kept CRDs (same release name and namespace).
        const reinstalled = install();
        expect({ status: reinstalled.status, stderr: reinstalled.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
        log("CRDs release: install; install again refused while the record exists; uninstall keeps the CRDs; install again adopts them");
    });

    // Server-side apply refuses fields the schema does not declare (built-in kinds and the CRDs' structural schemas
    // alike); fieldValidation=Strict is set as kubectl --validate=strict does. These probes show the harness sends
    // the objects unaltered (client-node's typed serializer would drop unknown fields) and reports object and field.
    it("refuses an unknown or misplaced field, naming the object and the field (the harness sends objects unaltered)", async () => {
        const sts = one(releaseObjects(TIERS[0].label, RELEASES.nats), "StatefulSet");
        const typo = JSON.parse(JSON.stringify(sts)) as K8sObject;
        typo.metadata = { ...typo.metadata, name: "strict-probe" };
        typo.spec.template.spec.containers[0].imagee = "typo";
        await expect(api!.apply(typo)).rejects.toThrow(
            /StatefulSet\/observability\/strict-probe.*spec\.template\.spec\.containers\[[^\]]+\]\.imagee: field not declared in schema/,
        );
        const rule = JSON.parse(JSON.stringify(one(recorded.get(TIERS[0].label)!.own, "PrometheusRule"))) as K8sObject;
        rule.metadata = { ...rule.metadata, name: "strict-probe" };
        rule.spec.groups[0].rules[0].labelz = { severity: "critical" };
        await expect(api!.apply(rule)).rejects.toThrow(
            /PrometheusRule\/observability\/strict-probe.*spec\.groups\[[^\]]+\]\.rules\[0\]\.labelz: field not declared in schema/,
        );
    });

    it("accepts the CRDs, then every rendered object and every object of the program, for both tiers", async () => {
        const refused: string[] = [];
        const apply = async (tier: string, objs: readonly K8sObject[]) => {
            let ok = 0;
            for (const o of objs) {
                try {
                    await api!.apply(o);
                    ok++;
                } catch (e) {
                    refused.push(e instanceof ApplyError ? `[${tier}] ${e.message}` : `[${tier}] ${objectId(o)}: ${(e as Error).message}`);
                }
            }
            return ok;
        };
        // Webhook configurations last: their service does not run here, and they would intercept the objects after them.
        const order = (o: K8sObject) =>
            o.kind === "Namespace"
                ? 0
                : o.kind === "CustomResourceDefinition"
                  ? 1
                  : /WebhookConfiguration$/.test(o.kind)
                    ? 9
                    : o.apiVersion.startsWith("monitoring.coreos.com/")
                      ? 5
                      : 3;
        for (const t of TIERS) {
            const crds = releaseObjects(t.label, RELEASES.crds);
            const crdOk = await apply(t.label, crds);
            await api!.waitEstablished(crds.map((c) => c.metadata.name));
            const rest = [
                ...recorded.get(t.label)!.own,
                ...[...rendered.get(t.label)!.entries()].filter(([name]) => name !== RELEASES.crds).flatMap(([, objs]) => objs),
            ];
            const sorted = [...rest].sort((a, b) => order(a) - order(b));
            const ok = crdOk + (await apply(t.label, sorted));
            row(t.label).applied = `${ok}/${crds.length + sorted.length}`;
            log(`${t.label}: ${ok} of ${crds.length + sorted.length} objects accepted`);
        }
        expect(refused).toEqual([]);
        for (const t of TIERS) passed(t.label);
    });
});
