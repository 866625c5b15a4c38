import { parse } from "yaml";

import { renderAlloyConfig } from "../../render/alloy";
import {
    escapeProvisioningValue,
    grafanaContainerCommand,
    grafanaEnvironment,
    renderGrafanaDashboardProvider,
    renderGrafanaDatasources,
} from "../../render/grafana";
import { renderLokiConfig } from "../../render/loki";
import { promtailJsonPipeline, renderPromtailConfig } from "../../render/promtail";
import { LOG_LABELS } from "../../monitoring/logLabels";
import { DATASOURCE_UIDS } from "../../monitoring/datasources";
import { sizeTier } from "../../config/tiers";
import { unknownKeys } from "../allowlists/check";
import { GRAFANA_DASHBOARD_PROVIDERS_SCHEMA, GRAFANA_DATASOURCES_SCHEMA, GRAFANA_JSONDATA_KEYS } from "../allowlists/grafana";
import { LOKI_3_7_SCHEMA } from "../allowlists/loki";
import { PROMTAIL_3_6_SCHEMA } from "../allowlists/promtail";
import { checkLokiConfig, describeProblems } from "../reference/loki/configCheck";

const loki = () =>
    parse(
        renderLokiConfig({
            retentionPeriod: "744h",
            logLevel: "info",
            limits: sizeTier("dev").loki,
            alertmanagerUrl: "http://alertmanager:9093",
        }),
    );

describe("Loki 3.7 config", () => {
    it("passes the Loki 3.7.6 checker by reference: keys, value types and units, schema periods, directories, retention", () => {
        expect(describeProblems(checkLokiConfig(loki()))).toEqual([]);
    });

    it.each([
        ["limits_config.enforce_metric_name", (d: Record<string, any>) => (d.limits_config.enforce_metric_name = false)],
        [
            "storage_config.tsdb_shipper.shared_store",
            (d: Record<string, any>) => (d.storage_config = { tsdb_shipper: { shared_store: "filesystem" } }),
        ],
        ["compactor.shared_store", (d: Record<string, any>) => (d.compactor.shared_store = "filesystem")],
        ["chunk_store_config.max_look_back_period", (d: Record<string, any>) => (d.chunk_store_config = { max_look_back_period: "0s" })],
        ["limits_config.retention_periodd", (d: Record<string, any>) => (d.limits_config.retention_periodd = "1h")],
    ])("the check rejects the removed or misspelled key %s", (path, mutate) => {
        const doc = loki();
        mutate(doc);
        expect(checkLokiConfig(doc).map((p) => [p.rule, p.path])).toEqual([["unknown-key", path]]);
    });

    it("the check refuses table_manager, which 3.7 still parses but ignores for tsdb", () => {
        const doc = loki();
        doc.table_manager = { retention_deletes_enabled: true, retention_period: "744h" };
        expect(unknownKeys(doc, LOKI_3_7_SCHEMA)).toEqual([]);
        expect(checkLokiConfig(doc).map((p) => [p.rule, p.path])).toEqual([["ignored-block", "table_manager"]]);
    });

    it("uses tsdb with schema v13 and a 24h index period on the filesystem", () => {
        expect(loki().schema_config.configs).toEqual([
            { from: "2024-01-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } },
        ]);
    });

    it("retains by compactor with a delete-request store and the configured period", () => {
        const doc = loki();
        expect(doc.compactor).toMatchObject({ retention_enabled: true, delete_request_store: "filesystem" });
        expect(doc.compactor.working_directory.startsWith("/loki/")).toBe(true);
        expect(doc.limits_config.retention_period).toBe("744h");
        expect(doc.common.path_prefix).toBe("/loki");
    });

    it("sizes ingestion from the tier", () => {
        const limits = sizeTier("dev").loki;
        expect(loki().limits_config).toMatchObject({
            ingestion_rate_mb: limits.ingestionRateMb,
            ingestion_burst_size_mb: limits.ingestionBurstSizeMb,
            per_stream_rate_limit: `${limits.perStreamRateLimitMb}MB`,
        });
    });
});

const promtail = () => parse(renderPromtailConfig({ lokiPushUrl: "http://loki:3100/loki/api/v1/push", logLevel: "info" }));

describe("Promtail 3.6 config", () => {
    it("has only keys of the Promtail 3.6 configuration reference", () => {
        expect(unknownKeys(promtail(), PROMTAIL_3_6_SCHEMA)).toEqual([]);
    });

    it("the check rejects the design document's `docker: {}` at scrape-config level", () => {
        const doc = promtail();
        doc.scrape_configs[0].docker = {};
        expect(unknownKeys(doc, PROMTAIL_3_6_SCHEMA)).toEqual(["scrape_configs[0].docker"]);
    });

    it("discovers containers on the Docker socket and relabels container, stream and service", () => {
        const job = promtail().scrape_configs[0];
        expect(job.docker_sd_configs[0].host).toBe("unix:///var/run/docker.sock");
        const targets = job.relabel_configs.map((r: { target_label: string }) => r.target_label);
        expect(targets).toEqual([LOG_LABELS.container, LOG_LABELS.stream, LOG_LABELS.service, LOG_LABELS.service]);
        expect(job.relabel_configs[0]).toEqual({ source_labels: ["__meta_docker_container_name"], regex: "/(.*)", target_label: "container" });
        expect(job.relabel_configs[2].source_labels).toEqual(["__meta_docker_container_label_a4co_service"]);
        expect(job.relabel_configs[3].source_labels).toEqual(["__meta_docker_container_label_com_docker_compose_service"]);
    });

    it("parses JSON lines into level, service and component labels", () => {
        expect(promtail().scrape_configs[0].pipeline_stages).toEqual(promtailJsonPipeline());
        expect(promtailJsonPipeline()).toEqual([
            { json: { expressions: { level: "level", service: "service", component: "component" } } },
            { labels: { level: "level", service: "service", component: "component" } },
        ]);
    });

    it("pushes to Loki and keeps positions on its volume", () => {
        const doc = promtail();
        expect(doc.clients).toEqual([{ url: "http://loki:3100/loki/api/v1/push" }]);
        expect(doc.positions.filename).toBe("/var/lib/promtail/positions.yaml");
        expect(doc.server.http_listen_port).toBe(9080);
    });
});

describe("Alloy config", () => {
    const text = renderAlloyConfig({ lokiPushUrl: "http://loki:3100/loki/api/v1/push", logLevel: "warn" });

    it("declares only Alloy v1 components the pipeline needs, each once", () => {
        const components = [...text.matchAll(/^([a-z][a-z0-9_.]*)\s+(?:"([^"]+)"\s+)?\{/gm)].map((m) => `${m[1]}${m[2] ? `.${m[2]}` : ""}`);
        expect(components).toEqual([
            "logging",
            "discovery.docker.containers",
            "discovery.relabel.containers",
            "loki.source.docker.containers",
            "loki.process.json",
            "loki.write.loki",
        ]);
    });

    it("wires discovery → relabel → docker source → JSON processing → Loki", () => {
        expect(text).toContain("targets       = discovery.docker.containers.targets");
        expect(text).toContain("relabel_rules = discovery.relabel.containers.rules");
        expect(text).toContain("forward_to    = [loki.process.json.receiver]");
        expect(text).toContain("forward_to = [loki.write.loki.receiver]");
        expect(text).toContain('url = "http://loki:3100/loki/api/v1/push"');
        expect(text).toContain('level = "warn"');
    });

    it("applies the same relabelling and labels as Promtail", () => {
        expect(text.match(/rule \{/g)).toHaveLength(4);
        expect(text).toContain('regex         = "/(.*)"');
        expect(text).toContain('values = { level = "level", service = "service", component = "component" }');
    });

    it("has balanced braces", () => {
        expect((text.match(/\{/g) ?? []).length).toBe((text.match(/\}/g) ?? []).length);
    });
});

describe("Grafana provisioning", () => {
    const urls = { prometheusUrl: "http://prometheus:9090", lokiUrl: "http://loki:3100", alertmanagerUrl: "http://alertmanager:9093" };

    it("has only known datasource and provider keys", () => {
        const ds = parse(renderGrafanaDatasources({ ...urls, traceUrl: "http://jaeger:16686/trace/${__value.raw}" }));
        expect(unknownKeys(ds, GRAFANA_DATASOURCES_SCHEMA)).toEqual([]);
        for (const d of ds.datasources) {
            for (const key of Object.keys(d.jsonData ?? {})) expect(GRAFANA_JSONDATA_KEYS[d.type]).toContain(key);
        }
        const provider = parse(renderGrafanaDashboardProvider({ folder: "A4CO Microservices", path: "/var/lib/grafana-dashboards" }));
        expect(unknownKeys(provider, GRAFANA_DASHBOARD_PROVIDERS_SCHEMA)).toEqual([]);
    });

    it("the check rejects an unknown datasource key", () => {
        const ds = parse(renderGrafanaDatasources(urls));
        ds.datasources[0].is_default = true;
        expect(unknownKeys(ds, GRAFANA_DATASOURCES_SCHEMA)).toEqual(["datasources[0].is_default"]);
    });

    it("provisions Prometheus, Loki and Alertmanager with fixed uids and exactly one default", () => {
        const ds = parse(renderGrafanaDatasources(urls)).datasources;
        expect(ds.map((d: { uid: string }) => d.uid)).toEqual([DATASOURCE_UIDS.prometheus, DATASOURCE_UIDS.loki, DATASOURCE_UIDS.alertmanager]);
        expect(ds.filter((d: { isDefault: boolean }) => d.isDefault).map((d: { uid: string }) => d.uid)).toEqual(["prometheus"]);
        expect(ds.find((d: { type: string }) => d.type === "alertmanager").jsonData.implementation).toBe("prometheus");
    });

    it("adds the traceId derived field only with a trace URL, escaping $ for provisioning", () => {
        const without = parse(renderGrafanaDatasources(urls)).datasources[1];
        expect(without.jsonData.derivedFields).toBeUndefined();
        const text = renderGrafanaDatasources({ ...urls, traceUrl: "http://jaeger:16686/trace/${__value.raw}" });
        expect(text).toContain("$${__value.raw}");
        const field = parse(text).datasources[1].jsonData.derivedFields[0];
        expect(field.name).toBe("traceId");
        expect(field.url).toBe("http://jaeger:16686/trace/$${__value.raw}");
        expect(escapeProvisioningValue("a$b$$c")).toBe("a$$b$$$$c");
    });

    it("provisions dashboards read-only into the A4CO Microservices folder", () => {
        const p = parse(renderGrafanaDashboardProvider({ folder: "A4CO Microservices", path: "/var/lib/grafana-dashboards" })).providers[0];
        expect(p).toMatchObject({
            type: "file",
            folder: "A4CO Microservices",
            allowUiUpdates: false,
            options: { path: "/var/lib/grafana-dashboards" },
        });
    });

    it("hardens the environment and never carries the password", () => {
        const env = grafanaEnvironment({
            logLevel: "info",
            adminUser: "admin",
            adminPasswordFile: "/run/secrets/grafana-admin-password",
            homeDashboardPath: "/var/lib/grafana-dashboards/a4co-main.json",
            rootUrl: "http://127.0.0.1:3000",
        });
        const byKey = Object.fromEntries(env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
        expect(byKey).toMatchObject({
            GF_SECURITY_ADMIN_PASSWORD__FILE: "/run/secrets/grafana-admin-password",
            GF_AUTH_ANONYMOUS_ENABLED: "false",
            GF_USERS_ALLOW_SIGN_UP: "false",
            GF_PLUGINS_PREINSTALL_DISABLED: "true",
            GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: "/var/lib/grafana-dashboards/a4co-main.json",
        });
        // The image's entrypoint exits when both X and X__FILE are set; GF_INSTALL_PLUGINS is deprecated.
        expect(byKey.GF_SECURITY_ADMIN_PASSWORD).toBeUndefined();
        expect(byKey.GF_INSTALL_PLUGINS).toBeUndefined();
    });

    it("resets the admin password from the file on a kept database, then runs the image's entrypoint", () => {
        const { entrypoint, command } = grafanaContainerCommand({ adminPasswordFile: "/run/secrets/grafana-admin-password" });
        expect(entrypoint.slice(0, 2)).toEqual(["/bin/sh", "-c"]);
        const script = entrypoint[2];
        expect(script).toContain('if [ -f "$GF_PATHS_DATA/grafana.db" ]');
        expect(script).toContain("admin reset-admin-password --password-from-stdin < /run/secrets/grafana-admin-password");
        expect(script.split("\n")[0]).toBe("set -e");
        expect(script.trim().endsWith('exec /run.sh "$@"')).toBe(true);
        expect(command).toEqual([]);
    });
});
