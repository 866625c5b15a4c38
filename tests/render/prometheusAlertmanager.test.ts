/** prometheus.yml and alertmanager.yml as rendered; promtool and amtool check them in prometheusAlertmanager.programs.ts. */
import { parse } from "yaml";

import { NOTIFY_RECEIVER, NULL_RECEIVER, renderAlertmanagerConfig } from "../../render/alertmanager";
import { ALERT_ROUTING } from "../../monitoring/alertRouting";
import { JOBS } from "../../monitoring/jobs";
import { testPrometheusYaml } from "./prometheusFixture";

const prometheusYaml = (ruleFiles: string[] = ["/etc/prometheus/rules/*.yml"]) => testPrometheusYaml(ruleFiles);

describe("prometheus.yml", () => {
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
