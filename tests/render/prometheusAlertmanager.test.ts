import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { parse, stringify } from "yaml";

import { NOTIFY_RECEIVER, NULL_RECEIVER, renderAlertmanagerConfig } from "../../render/alertmanager";
import { ALERT_ROUTING } from "../../monitoring/alertRouting";
import { renderPrometheusConfig } from "../../render/prometheus";
import { JOBS } from "../../monitoring/jobs";
import { runTool } from "../support/tools";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-prom-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
}

const prometheusYaml = (ruleFiles: string[] = [`${tmp}/rules/*.yml`]) =>
    renderPrometheusConfig({
        scrapeInterval: "15s",
        evaluationInterval: "15s",
        ruleFiles,
        alertmanagers: ["alertmanager:9093"],
        targets: {
            prometheus: "localhost:9090",
            alertmanager: "alertmanager:9093",
            loki: "loki:3100",
            grafana: "grafana:3000",
            natsExporter: "nats-exporter:7777",
            logCollector: { job: JOBS.promtail, address: "promtail:9080" },
        },
        services: [
            { service: "orders", address: "host.docker.internal:3001", metricsPath: "/metrics" },
            { service: "billing", address: "billing:8080", metricsPath: "/internal/metrics" },
        ],
        externalLabels: { platform: "docker", tier: "dev" },
    });

describe("prometheus.yml", () => {
    it("is accepted by promtool check config at the pinned version", () => {
        const r = runTool("promtool", ["check", "config", "--syntax-only", write("prometheus.yml", prometheusYaml())]);
        expect(r.stderr + r.stdout).toContain("SUCCESS");
        expect(r.status).toBe(0);
    });

    it("the check rejects the design document's `static_targets`", () => {
        const doc = parse(prometheusYaml());
        doc.scrape_configs[0].static_targets = doc.scrape_configs[0].static_configs;
        delete doc.scrape_configs[0].static_configs;
        const r = runTool("promtool", ["check", "config", "--syntax-only", write("bad.yml", stringify(doc))]);
        expect(r.status).not.toBe(0);
        expect(r.stderr + r.stdout).toContain("static_targets");
    });

    it("scrapes every job of the job-label contract", () => {
        const jobs = parse(prometheusYaml()).scrape_configs.map((c: { job_name: string }) => c.job_name);
        expect(jobs).toEqual([JOBS.prometheus, JOBS.alertmanager, JOBS.loki, JOBS.promtail, JOBS.grafana, JOBS.natsExporter, JOBS.services]);
    });

    it("labels each service target and keeps its metrics path", () => {
        const services = parse(prometheusYaml()).scrape_configs.find((c: { job_name: string }) => c.job_name === JOBS.services);
        expect(services.static_configs).toEqual([
            { targets: ["host.docker.internal:3001"], labels: { service: "orders", __metrics_path__: "/metrics" } },
            { targets: ["billing:8080"], labels: { service: "billing", __metrics_path__: "/internal/metrics" } },
        ]);
    });

    it("sends alerts to Alertmanager and loads the rule files", () => {
        const doc = parse(prometheusYaml(["/etc/prometheus/rules/*.yml"]));
        expect(doc.alerting.alertmanagers[0].static_configs[0].targets).toEqual(["alertmanager:9093"]);
        expect(doc.rule_files).toEqual(["/etc/prometheus/rules/*.yml"]);
    });
});

describe("alertmanager.yml", () => {
    const check = (text: string) => runTool("amtool", ["check-config", write(`am-${Math.random().toString(36).slice(2)}.yml`, text)]);
    const urlFile = write("receiver-url", "https://hooks.example/never-inlined\n");

    it.each([
        ["no receiver", undefined],
        ["a webhook", { kind: "webhook" as const, urlFile }],
        ["Slack", { kind: "slack" as const, urlFile, slackChannel: "#alerts" }],
    ])("is accepted by amtool check-config with %s", (_, receiver) => {
        const r = check(renderAlertmanagerConfig({ routing: ALERT_ROUTING, receiver }));
        expect(r.stdout + r.stderr).toContain("SUCCESS");
        expect(r.status).toBe(0);
    });

    it("the check rejects a route to an undefined receiver", () => {
        const doc = parse(renderAlertmanagerConfig({ routing: ALERT_ROUTING }));
        doc.route.receiver = "pagerduty";
        expect(check(stringify(doc)).status).not.toBe(0);
    });

    it("defaults to the null receiver and always routes Watchdog there", () => {
        const doc = parse(renderAlertmanagerConfig({ routing: ALERT_ROUTING }));
        expect(doc.route.receiver).toBe(NULL_RECEIVER);
        expect(doc.receivers).toEqual([{ name: NULL_RECEIVER }]);
        const watchdog = doc.route.routes.find((r: { matchers: string[] }) => r.matchers.some((m) => m.includes("Watchdog")));
        expect(watchdog.receiver).toBe(NULL_RECEIVER);
    });

    it("reads the receiver URL from a file, never inline", () => {
        for (const kind of ["webhook", "slack"] as const) {
            const text = renderAlertmanagerConfig({ routing: ALERT_ROUTING, receiver: { kind, urlFile: "/etc/alertmanager/secrets/receiver-url" } });
            expect(text).not.toContain("hooks.example");
            const doc = parse(text);
            expect(doc.route.receiver).toBe(NOTIFY_RECEIVER);
            const receiver = doc.receivers.find((r: { name: string }) => r.name === NOTIFY_RECEIVER);
            const cfg = kind === "webhook" ? receiver.webhook_configs[0] : receiver.slack_configs[0];
            expect(cfg.url ?? cfg.api_url).toBeUndefined();
            expect(cfg.url_file ?? cfg.api_url_file).toBe("/etc/alertmanager/secrets/receiver-url");
        }
    });
});
