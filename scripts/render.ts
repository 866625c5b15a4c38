/**
 * Writes every generated file of a stack to out/<stack>/ so reviewers can read exactly what deploys:
 *   npm run render -- dev
 * Config comes from Pulumi.<stack>.yaml through the same validation as `pulumi up`. Secrets live in the Pulumi
 * state, not here: NATS password hashes are shown as placeholders and the receiver URL is only referenced by file.
 */
import * as fs from "fs";
import * as path from "path";

import * as pulumi from "@pulumi/pulumi";
import { parse, stringify } from "yaml";

import { DOCKER_SERVICES, renderDockerConfigFiles, renderDockerNatsConfig } from "../platforms/docker/services";
import { kubernetesSizing } from "../platforms/kubernetes/budget";
import { KubernetesPlan, kubernetesPlan } from "../platforms/kubernetes/plan";
import { SERVICE_PORTS } from "../platforms/ports";
import { buildMonitoringContent } from "../monitoring/content";
import { natsExporterArgs } from "../render/exporter";
import { parseStackConfig } from "../config/stack";
import { sizeTier } from "../config/tiers";

const PROJECT = "a4co-observability";

async function main(stack: string | undefined): Promise<void> {
    if (!stack || !/^[\w-]+$/.test(stack)) {
        throw new Error("usage: npm run render -- <stack>   (e.g. dev or prod)");
    }
    const root = path.resolve(__dirname, "..");
    const file = path.join(root, `Pulumi.${stack}.yaml`);
    const doc = parse(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
    const raw: Record<string, unknown> = {};
    let hasReceiverUrl = false;
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        const [namespace, name] = key.split(":");
        if (namespace !== PROJECT) continue;
        if (name === "alertReceiverUrl") hasReceiverUrl = true;
        else raw[name] = value;
    }
    const config = parseStackConfig(raw, hasReceiverUrl ? pulumi.output("<secret in the Pulumi state>") : undefined, stack);
    const sizing = sizeTier(config.tier);
    const content = buildMonitoringContent(config);
    const out = path.join(root, "out", stack);
    fs.rmSync(out, { recursive: true, force: true });
    const write = (rel: string, text: string) => {
        const target = path.join(out, rel);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, text);
    };

    for (const d of content.dashboards) write(`dashboards/${d.fileName}`, d.json);
    for (const r of content.ruleFiles) write(`rules/${r.fileName}`, r.content);
    write("sizing.json", `${JSON.stringify(sizing, null, 2)}\n`);

    const placeholderUsers = config.natsUsers.map((u) => ({
        ...u,
        bcryptHash: `<bcrypt hash of ${u.name}'s generated password, from the Pulumi state>`,
    }));
    if (config.platform === "docker") {
        const files = renderDockerConfigFiles(config, sizing, content);
        write("prometheus/prometheus.yml", files.prometheus);
        write("alertmanager/alertmanager.yml", files.alertmanager);
        write("loki/loki.yaml", files.loki);
        write(config.logCollector === "promtail" ? "promtail/config.yml" : "alloy/config.alloy", files.logCollector);
        write("grafana/provisioning/datasources/a4co.yaml", files.grafanaDatasources);
        write("grafana/provisioning/dashboards/a4co.yaml", files.grafanaDashboardProvider);
        write("nats/nats.conf", renderDockerNatsConfig(config, sizing, placeholderUsers));
        write(
            "nats-exporter/args.txt",
            `${natsExporterArgs(`http://${DOCKER_SERVICES.nats.alias}:${SERVICE_PORTS.natsMonitoring}`, DOCKER_SERVICES.natsExporter.port, { logLevel: config.logLevel }).join("\n")}\n`,
        );
    }
    if (config.platform === "kubernetes") {
        // The component's own plan, with placeholders for the credentials: the values and files exactly as they deploy.
        const plan = kubernetesPlan({
            config,
            sizing,
            k8s: kubernetesSizing(config, sizing),
            content,
            grafanaAdminPassword: "<generated password, in the Pulumi state>",
            natsUsers: placeholderUsers,
        });
        const planned = await new Promise<pulumi.Unwrap<KubernetesPlan["resources"]>>((resolve) => pulumi.output(plan.resources).apply(resolve));
        for (const p of planned) {
            if (p.kind === "Release") write(`helm/${p.role}.values.yaml`, stringify(p.args.values));
            if (p.kind === "Secret" && p.role === "loki-config") write("loki/loki-2.9.yaml", String(p.args.stringData?.["loki.yaml"]));
        }
    }
    process.stdout.write(`wrote ${path.relative(root, out)}/\n`);
}

main(process.argv[2]).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
});
