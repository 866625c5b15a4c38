/** The values the component gives each chart, read from its plan: every key verified, pins, sizing, contracts. */
import { parse } from "yaml";

import { renderDockerConfigFiles } from "../../../platforms/docker/services";
import { budgetTotals, kubernetesBudget, natsReplicas } from "../../../platforms/kubernetes/budget";
import { FOLDER_ANNOTATION, K8S_NAMES, RELEASES } from "../../../platforms/kubernetes/names";
import { buildMonitoringContent } from "../../../monitoring/content";
import { JOBS } from "../../../monitoring/jobs";
import { DATASOURCE_UIDS } from "../../../monitoring/datasources";
import { natsAccounts } from "../../../render/nats";
import { promtailJsonPipeline } from "../../../render/promtail";
import { configFor, loadStackConfig } from "../../../config/stack";
import { sizeTier } from "../../../config/tiers";
import { CHARTS, VERSIONS } from "../../../config/versions";
import { installMocks } from "../../support/mocks";
import { recordProdStack } from "./programRecording";
import { setStackConfig } from "../../support/stackConfig";
import { VERIFIED_CHART_KEYS } from "./chartKeys";

installMocks({ stack: "prod" });

const RECEIVER_URL = "https://hooks.example/prod-receiver-token";

/** One run of the component with Pulumi.prod.yaml plus overrides (shared with the k8s suite). */
const build = recordProdStack;

/** Key paths of a values object, stopping at `resources`, `merge`, `patch` and the documented free-form maps. */
function keyPaths(value: Record<string, unknown>, free: readonly string[], prefix = ""): string[] {
    return Object.entries(value).flatMap(([k, v]) => {
        const p = prefix ? `${prefix}.${k}` : k;
        if (
            k === "resources" ||
            k === "grafana.ini" ||
            k === "merge" ||
            (k === "patch" && Array.isArray(v)) ||
            free.some((f) => p === f || p.startsWith(`${f}.`))
        )
            return [p];
        return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 0
            ? keyPaths(v as Record<string, unknown>, free, p)
            : [p];
    });
}

const FREE = {
    kps: [
        "alertmanager.config",
        "grafana.persistence.annotations",
        "grafana.env",
        "grafana.extraInitContainers",
        "grafana.extraSecretMounts",
        "prometheus.prometheusSpec.storageSpec",
        "alertmanager.alertmanagerSpec.storage",
        "prometheus.prometheusSpec.externalLabels",
        "defaultRules.disabled",
        "prometheus.serviceMonitor.relabelings",
        "alertmanager.serviceMonitor.relabelings",
        "grafana.serviceMonitor.relabelings",
    ],
    nats: ["config.merge", "container.env", "podTemplate.topologySpreadConstraints"],
    lokiStack: [
        "promtail.config.snippets.pipelineStages",
        "promtail.config.snippets.extraRelabelConfigs",
        "promtail.config.clients",
        "promtail.serviceMonitor.relabelings",
        "loki.datasource.jsonData",
    ],
};

describe("release values", () => {
    it("sets only values key paths verified against the pinned charts' values.yaml", async () => {
        const { values } = await build({ alertReceiverKind: "slack", traceUrl: "http://tempo/${__value.raw}" }, { alertReceiverUrl: RECEIVER_URL });
        const checks = [
            ["kps", RELEASES.kubePrometheusStack, CHARTS.kubePrometheusStack.version],
            ["lokiStack", RELEASES.lokiStack, CHARTS.lokiStack.version],
            ["nats", RELEASES.nats, CHARTS.nats.version],
        ] as const;
        for (const [key, name, version] of checks) {
            const verified = VERIFIED_CHART_KEYS[key];
            // A chart bump fails here until its key paths are re-verified.
            expect({ chart: key, version: verified.chartVersion }).toEqual({ chart: key, version });
            const unverified = keyPaths(values(name), FREE[key]).filter((p) => !(verified.paths as readonly string[]).includes(p));
            expect({ chart: key, unverified }).toEqual({ chart: key, unverified: [] });
        }
    });
});

describe("kube-prometheus-stack values", () => {
    it("runs the dev pins with retention, PVC, resources and selectors that pick up every monitor and rule", async () => {
        const { config, values } = await build();
        const sizing = sizeTier(config.tier);
        const spec = values(RELEASES.kubePrometheusStack).prometheus.prometheusSpec;
        expect(spec.image.tag).toBe(VERSIONS.prometheus.tag);
        expect(spec.retention).toBe("30d");
        expect(spec.retentionSize).toBe(sizing.prometheusRetentionSize);
        const pvcMb = Number(/^(\d+)Mi$/.exec(spec.storageSpec.volumeClaimTemplate.spec.resources.requests.storage)?.[1]);
        expect(Number(/^(\d+)MB$/.exec(spec.retentionSize)?.[1]) / pvcMb).toBeCloseTo(0.8, 2);
        const budget = kubernetesBudget(sizing, config.kubernetes.nodeCount, natsReplicas(config));
        expect(spec.resources.limits).toEqual({ cpu: `${Math.round(budget.prometheus.cpus * 1000)}m`, memory: `${budget.prometheus.memoryMb}Mi` });
        // Kubernetes-only agents are carved out of the big services' shares, never added on top.
        expect(budget.prometheus.memoryMb).toBeLessThanOrEqual(sizing.services.prometheus.memoryMb);
        for (const flag of ["serviceMonitorSelectorNilUsesHelmValues", "podMonitorSelectorNilUsesHelmValues", "ruleSelectorNilUsesHelmValues"]) {
            expect(spec[flag]).toBe(false);
        }
    });

    it("keeps the null receiver with Watchdog routed to it, and reads the receiver URL from a mounted Secret", async () => {
        const { values } = await build({ alertReceiverKind: "webhook" }, { alertReceiverUrl: RECEIVER_URL });
        const am = values(RELEASES.kubePrometheusStack).alertmanager;
        expect(am.alertmanagerSpec.image.tag).toBe(VERSIONS.alertmanager.tag);
        expect(am.alertmanagerSpec.secrets).toEqual([K8S_NAMES.receiverSecret]);
        expect(am.config.receivers.map((r: { name: string }) => r.name)).toEqual(["null", "notify"]);
        expect(am.config.route.routes).toEqual([{ receiver: "null", matchers: ['alertname = "Watchdog"'] }]);
        expect(am.config.receivers[1].webhook_configs[0].url_file).toBe(`/etc/alertmanager/secrets/${K8S_NAMES.receiverSecret}/url`);
    });

    it("gives Grafana the dev pin, the managed admin Secret, persistence, no plugin downloads and the dashboards folder", async () => {
        const { config, values } = await build();
        const g = values(RELEASES.kubePrometheusStack).grafana;
        expect(g.image.tag).toBe(VERSIONS.grafana.tag);
        expect(g.admin).toEqual({ existingSecret: K8S_NAMES.grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" });
        expect(g.persistence.enabled).toBe(true);
        expect(g.persistence.annotations).toEqual({ "helm.sh/resource-policy": "keep" });
        expect(g.env.GF_PLUGINS_PREINSTALL_DISABLED).toBe("true");
        expect(g.sidecar.dashboards).toMatchObject({
            label: "grafana_dashboard",
            labelValue: "1",
            folderAnnotation: FOLDER_ANNOTATION,
            provider: { foldersFromFilesStructure: true },
        });
        expect(g["grafana.ini"].dashboards.default_home_dashboard_path).toBe("/tmp/dashboards/A4CO Microservices/a4co-main.json");
        expect(g.sidecar.datasources.uid).toBe(DATASOURCE_UIDS.prometheus);
        // The admin password follows the Secret on a kept PVC: an init container resets it before Grafana starts.
        const init = g.extraInitContainers[0];
        expect(init.image).toBe(`docker.io/grafana/grafana:${VERSIONS.grafana.tag}`);
        expect(init.command.join(" ")).toContain("admin reset-admin-password --password-from-stdin < /etc/grafana-admin/admin-password");
        expect(config.retainData).toBe(true);
    });

    it("replaces the chart's Watchdog and TargetDown with ours, so no alert exists twice", async () => {
        const { values, objects } = await build();
        const kps = values(RELEASES.kubePrometheusStack);
        expect(kps.defaultRules.disabled).toEqual({
            Watchdog: true,
            TargetDown: true,
            PrometheusRuleFailures: true,
            AlertmanagerFailedToSendAlerts: true,
        });
        const ours = objects("PrometheusRule")[0]
            .spec.groups.flatMap((g: { rules: { alert?: string }[] }) => g.rules.map((r) => r.alert))
            .filter(Boolean);
        expect(ours).toEqual(
            expect.arrayContaining(["Watchdog", "TargetDown", "PrometheusRuleEvaluationFailures", "AlertmanagerNotificationsFailing"]),
        );
        // Every name we alert on that the chart also ships (its default rules at 88.5.3) is disabled in the chart.
        const chartAlerts = [
            "Watchdog",
            "TargetDown",
            "InfoInhibitor",
            "PrometheusRuleFailures",
            "AlertmanagerFailedToSendAlerts",
            "KubePodCrashLooping",
        ];
        for (const name of ours.filter((a: string) => chartAlerts.includes(a))) expect(kps.defaultRules.disabled[name]).toBe(true);
    });
});

describe("loki-stack values", () => {
    it("runs Loki 2.9 from our config Secret with exactly one non-default Loki datasource of dev's uid", async () => {
        const { values, objects } = await build();
        const v = values(RELEASES.lokiStack);
        expect(v.loki.image.tag).toBe(VERSIONS.lokiStackLoki.tag);
        expect(v.loki.image.tag).toMatch(/^2\.9\./);
        expect(v.loki.isDefault).toBe(false);
        expect(v.loki.datasource.uid).toBe(DATASOURCE_UIDS.loki);
        expect(v.loki.config).toEqual({ existingSecret: K8S_NAMES.lokiConfigSecret });
        // The chart's ServiceMonitor would name the job "loki-headless"; ours relabels it.
        expect(v.loki.serviceMonitor.enabled).toBe(false);
        const lokiMonitor = objects("ServiceMonitor").find((m) => m.metadata.name === K8S_NAMES.lokiMonitor);
        expect(lokiMonitor?.spec).toEqual({
            selector: { matchLabels: { app: "loki", release: RELEASES.lokiStack, variant: "headless" } },
            endpoints: [{ port: "http-metrics", relabelings: [{ action: "replace", targetLabel: "job", replacement: JOBS.loki }] }],
        });
        expect(v.grafana.enabled).toBe(false);
        expect(v.prometheus.enabled).toBe(false);
        const configSecret = objects("Secret").find((s) => s.metadata.name === K8S_NAMES.lokiConfigSecret);
        const loki = parse(configSecret?.stringData["loki.yaml"]);
        expect(loki.limits_config.retention_period).toBe("744h");
        expect(loki.compactor.retention_enabled).toBe(true);
    });

    it("parses logs on Kubernetes with the chart's cri stage, then the same JSON stages and labels as dev", async () => {
        const { values } = await build();
        const promtail = values(RELEASES.lokiStack).promtail;
        expect(promtail.image.tag).toBe(VERSIONS.promtail.tag);
        expect(promtail.config.snippets.pipelineStages).toEqual([{ cri: {} }, ...promtailJsonPipeline()]);
        expect(promtail.config.clients).toEqual([{ url: "http://loki:3100/loki/api/v1/push" }]);
        expect(promtail.serviceMonitor.relabelings).toEqual([{ action: "replace", targetLabel: "job", replacement: JOBS.promtail }]);
        // Dev's Promtail uses the very same pipeline stages.
        setStackConfig("dev");
        const dev = configFor(loadStackConfig(), "docker");
        const devPromtail = parse(renderDockerConfigFiles(dev, sizeTier("dev"), buildMonitoringContent(dev)).logCollector);
        expect(devPromtail.scrape_configs[0].pipeline_stages).toEqual(promtail.config.snippets.pipelineStages.slice(1));
    });
});

describe("NATS chart values", () => {
    it("pins the dev image, sizes JetStream within its PVC and puts the same accounts in config.merge with bcrypt hashes", async () => {
        const { config, values } = await build();
        const v = values(RELEASES.nats);
        expect(v.container.image.tag).toBe(VERSIONS.nats.tag);
        expect(v.promExporter.image.tag).toBe(VERSIONS.natsExporter.tag);
        const toMb = (s: string) => Number(/^(\d+)Mi$/.exec(s)?.[1]);
        expect(toMb(v.config.jetstream.fileStore.maxSize)).toBeLessThan(toMb(v.config.jetstream.fileStore.pvc.size));
        expect(v.config.jetstream.memoryStore.enabled).toBe(true);
        const hashes = v.config.merge.accounts.APP.users.map((u: { password: string }) => u.password);
        for (const h of hashes) expect(h).toMatch(/^\$2[aby]\$/);
        const users = config.natsUsers.map((u, i) => ({ ...u, bcryptHash: [...hashes, v.config.merge.accounts.SYS.users[0].password][i] }));
        // The accounts as on dev, and nats.conf's `debug` from logLevel (render/logLevels.ts).
        expect(v.config.merge).toEqual({ debug: false, ...natsAccounts(users, config.natsAppSubjects) });
    });

    it("runs a 3-node cluster spread over hosts on the prod tier, one server on the dev tier", async () => {
        const { values } = await build();
        let v = values(RELEASES.nats);
        expect(v.config.cluster).toEqual({ enabled: true, replicas: 3 });
        expect(v.podTemplate.topologySpreadConstraints).toEqual({ "kubernetes.io/hostname": { maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" } });
        v = (await build({ tier: "dev", kubernetes: { namespace: "observability", nodeCount: 1 } })).values(RELEASES.nats);
        expect(v.config.cluster.enabled).toBe(false);
    });

    it("gives the exporter -healthz before its URL and relabels its PodMonitor to the dev job", async () => {
        const { values } = await build();
        const e = values(RELEASES.nats).promExporter;
        expect(e.patch).toEqual([{ op: "add", path: "/args/1", value: "-healthz" }]);
        expect(e.podMonitor.enabled).toBe(true);
        expect(e.podMonitor.merge.spec.podMetricsEndpoints).toEqual([
            { port: "prom-metrics", relabelings: [{ action: "replace", targetLabel: "job", replacement: JOBS.natsExporter }] },
        ]);
    });
});

describe("resources and budget", () => {
    it("sizes every container the charts run, sidecars included", async () => {
        const { values } = await build();
        const kps = values(RELEASES.kubePrometheusStack);
        const sized = [
            kps.prometheusOperator.resources,
            kps.prometheusOperator.prometheusConfigReloader.resources,
            kps.prometheusOperator.admissionWebhooks.patch.resources,
            kps.grafana.initChownData.resources,
            kps.prometheus.prometheusSpec.resources,
            kps.alertmanager.alertmanagerSpec.resources,
            kps.grafana.resources,
            kps.grafana.sidecar.resources,
            kps.grafana.extraInitContainers[0].resources,
            kps["prometheus-node-exporter"].resources,
            kps["kube-state-metrics"].resources,
            values(RELEASES.lokiStack).loki.resources,
            values(RELEASES.lokiStack).promtail.resources,
            values(RELEASES.nats).container.resources,
            values(RELEASES.nats).reloader.merge.resources,
            values(RELEASES.nats).promExporter.merge.resources,
        ];
        for (const r of sized) {
            expect(r.requests).toEqual(r.limits);
            expect(r.limits.cpu).toMatch(/^\d+m$/);
            expect(r.limits.memory).toMatch(/^\d+Mi$/);
        }
    });

    it("keeps the whole stack, per-node agents times the node count, within 60% of the tier", () => {
        for (const tier of ["dev", "prod"] as const) {
            const sizing = sizeTier(tier);
            const replicas = tier === "prod" ? 3 : 1;
            for (const nodes of [1, 3, 5]) {
                const totals = budgetTotals(kubernetesBudget(sizing, nodes, replicas), replicas, nodes);
                expect(totals.memoryMb).toBeLessThanOrEqual(sizing.hardware.memoryMb * 0.6);
                expect(totals.cpus).toBeLessThanOrEqual(sizing.hardware.cpus * 0.6);
            }
        }
    });
});
