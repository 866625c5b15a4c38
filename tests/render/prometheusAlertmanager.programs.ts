/** prometheus.yml and alertmanager.yml checked by promtool and amtool at the pinned versions (harness/tools/recipes.ts). */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { parse, stringify } from "yaml";

import { renderAlertmanagerConfig } from "../../render/alertmanager";
import { ALERT_ROUTING } from "../../monitoring/alertRouting";
import { testPrometheusYaml } from "./prometheusFixture";
import { runTool } from "../../harness/tools/run";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-prom-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, text);
    return file;
}

const prometheusYaml = (ruleFiles: string[] = [`${tmp}/rules/*.yml`]) => testPrometheusYaml(ruleFiles);

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
});
