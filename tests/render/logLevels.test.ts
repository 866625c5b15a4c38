/**
 * `logLevel` reaches every service on both platforms: for each of the four levels, the rendered argument, variable,
 * config file or Helm value of every service carries the service's word for it. The expectations are written here,
 * apart from render/logLevels.ts, so a wrong row of that table fails.
 */
import { parse } from "yaml";

import { configFor, parseStackConfig } from "../../config/stack";
import { sizeTier } from "../../config/tiers";
import { LOG_LEVELS, LogLevel } from "../../config/types";
import { buildMonitoringContent } from "../../monitoring/content";
import { dockerContainerPlan } from "../../platforms/docker/containers";
import { DOCKER_SERVICES, DockerService, renderDockerConfigFiles, renderDockerNatsConfig } from "../../platforms/docker/services";
import { kubernetesSizing } from "../../platforms/kubernetes/budget";
import { lokiConfigSecretData } from "../../platforms/kubernetes/objects";
import { kubePrometheusStackValues } from "../../platforms/kubernetes/values/kubePrometheusStack";
import { lokiStackValues } from "../../platforms/kubernetes/values/lokiStack";
import { natsValues } from "../../platforms/kubernetes/values/nats";
import { LOG_LEVELS_BY_SERVICE, LoggingService } from "../../render/logLevels";

const USERS = [{ name: "admin", role: "admin" as const, bcryptHash: "$2a$04$hash" }];

function docker(level: LogLevel, logCollector: "promtail" | "alloy" = "promtail") {
    const config = configFor(parseStackConfig({ platform: "docker", logLevel: level, logCollector }, undefined, "dev"), "docker");
    const sizing = sizeTier(config.tier);
    const content = buildMonitoringContent(config);
    const files = renderDockerConfigFiles(config, sizing, content);
    const plan = dockerContainerPlan({
        config,
        sizing,
        files,
        natsConfig: "",
        grafanaAdminPassword: "",
        volumes: { prometheus: "", alertmanager: "", loki: "", grafana: "", nats: "", logCollector: "" },
        homeDashboardFile: content.homeDashboardFileName,
    });
    const container = (service: DockerService) => plan.find((p) => p.service === service)!.args;
    const command = (service: DockerService) => container(service).command as string[];
    return { config, sizing, files, container, command };
}

function kubernetes(level: LogLevel) {
    const config = configFor(parseStackConfig({ platform: "kubernetes", tier: "prod", logLevel: level }, undefined, "prod"), "kubernetes");
    const sizing = sizeTier(config.tier);
    const content = buildMonitoringContent(config);
    const k8s = kubernetesSizing(config, sizing);
    return {
        kps: kubePrometheusStackValues({ config, sizing, k8s, content }),
        lokiStack: lokiStackValues(config, k8s),
        nats: natsValues(config, sizing, k8s, USERS),
        lokiConfig: parse(lokiConfigSecretData(config, sizing)["loki.yaml"]),
    };
}

/** The value each service's output carries for a level, read from what each platform renders. */
const READ: Record<"docker" | "kubernetes", Partial<Record<LoggingService, (level: LogLevel) => unknown>>> = {
    docker: {
        prometheus: (l) =>
            docker(l)
                .command("prometheus")
                .filter((a) => a.startsWith("--log.level=")),
        alertmanager: (l) =>
            docker(l)
                .command("alertmanager")
                .filter((a) => a.startsWith("--log.level=")),
        grafana: (l) => (docker(l).container("grafana").envs as string[]).filter((e) => e.startsWith("GF_LOG_LEVEL=")),
        loki: (l) => parse(docker(l).files.loki).server.log_level,
        promtail: (l) => parse(docker(l).files.logCollector).server.log_level,
        alloy: (l) => /^logging \{\n {2}level = "(\w+)"\n\}/m.exec(docker(l, "alloy").files.logCollector)?.[1],
        nats: (l) => {
            const d = docker(l);
            return JSON.parse(renderDockerNatsConfig(d.config, d.sizing, USERS)).debug;
        },
        natsExporter: (l) =>
            docker(l)
                .command("natsExporter")
                .filter((a) => a === "-D" || a === "-V" || a === "-DV"),
    },
    kubernetes: {
        prometheus: (l) => kubernetes(l).kps.prometheus.prometheusSpec.logLevel,
        alertmanager: (l) => kubernetes(l).kps.alertmanager.alertmanagerSpec.logLevel,
        prometheusOperator: (l) => kubernetes(l).kps.prometheusOperator.logLevel,
        grafana: (l) => (kubernetes(l).kps.grafana["grafana.ini"] as { log: { level: string } }).log.level,
        loki: (l) => kubernetes(l).lokiConfig.server.log_level,
        promtail: (l) => kubernetes(l).lokiStack.promtail.config.logLevel,
        nats: (l) => (kubernetes(l).nats.config.merge as { debug?: boolean }).debug,
        natsExporter: (l) =>
            kubernetes(l)
                .nats.promExporter.patch.map((p) => p.value)
                .filter((a) => a === "-D" || a === "-V" || a === "-DV"),
    },
};

/** What each service must be given: its own words (nats-server and the exporter have no quieter level than info). */
const EXPECTED: Record<"docker" | "kubernetes", Partial<Record<LoggingService, (level: LogLevel) => unknown>>> = {
    docker: {
        prometheus: (l) => [`--log.level=${l}`],
        alertmanager: (l) => [`--log.level=${l}`],
        grafana: (l) => [`GF_LOG_LEVEL=${l}`],
        loki: (l) => l,
        promtail: (l) => l,
        alloy: (l) => l,
        nats: (l) => l === "debug",
        natsExporter: (l) => (l === "debug" ? ["-D"] : []),
    },
    kubernetes: {
        prometheus: (l) => l,
        alertmanager: (l) => l,
        prometheusOperator: (l) => l,
        grafana: (l) => l,
        loki: (l) => l,
        promtail: (l) => l,
        nats: (l) => l === "debug",
        natsExporter: (l) => (l === "debug" ? ["-D"] : []),
    },
};

const CASES = (["docker", "kubernetes"] as const).flatMap((platform) =>
    (Object.keys(READ[platform]) as LoggingService[]).flatMap((service) => LOG_LEVELS.map((level) => [service, platform, level] as const)),
);

describe("logLevel for every service", () => {
    it.each(CASES)("%s on %s takes logLevel %s", (service, platform, level) => {
        expect(READ[platform][service]!(level)).toEqual(EXPECTED[platform][service]!(level));
    });

    it("covers every container of the Docker stack and every row of the table on the platforms it names", () => {
        expect(Object.keys(READ.docker).sort()).toEqual(Object.keys(DOCKER_SERVICES).sort());
        for (const platform of ["docker", "kubernetes"] as const) {
            const rows = Object.entries(LOG_LEVELS_BY_SERVICE).filter(([, row]) => platform in row.takes);
            expect(rows.map(([service]) => service).sort()).toEqual(Object.keys(READ[platform]).sort());
        }
    });

    it("changes what each service is given between levels (no reader can pass by reading a constant)", () => {
        for (const platform of ["docker", "kubernetes"] as const) {
            for (const [service, read] of Object.entries(READ[platform])) {
                expect({ service, platform, differs: JSON.stringify(read("debug")) !== JSON.stringify(read("info")) }).toEqual({
                    service,
                    platform,
                    differs: true,
                });
            }
        }
    });
});
