import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

import { CONFIG_DEFAULTS, loadStackConfig, StackConfigError } from "../../config/stack";
import { installMocks, promiseOf, registered } from "../support/mocks";
import { REPO_ROOT, setStackConfig, stackFileConfig } from "../support/stackConfig";

installMocks({ stack: "dev" });

describe("Pulumi.yaml", () => {
    const project = parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), "utf8")) as {
        config: Record<string, { type: string; default?: unknown }>;
    };

    it("declares a default for every key but platform, equal to CONFIG_DEFAULTS (the CLI requires keys without one)", () => {
        const declared = Object.entries(project.config);
        expect(declared.filter(([, spec]) => spec.default === undefined).map(([key]) => key)).toEqual(["platform"]);
        for (const [key, spec] of declared.filter(([k]) => k !== "platform")) {
            expect({ key, default: spec.default }).toEqual({ key, default: (CONFIG_DEFAULTS as Record<string, unknown>)[key] });
        }
    });

    it("leaves the keys that have no meaningful default to the program, which validates them", () => {
        for (const key of ["alertReceiverUrl", "alertSlackChannel", "traceUrl", "ports", "natsUsers", "scrapeTargets", "kubernetes", "docker"]) {
            expect(Object.keys(project.config)).not.toContain(key);
        }
    });

    it.each(["dev", "prod"])("Pulumi.%s.yaml sets every key the CLI requires", (stack) => {
        expect(Object.keys(stackFileConfig(stack))).toContain("a4co-observability:platform");
    });
});

describe("loadStackConfig on the real Pulumi.dev.yaml", () => {
    it("reads the dev stack with the documented defaults", () => {
        setStackConfig("dev");
        const config = loadStackConfig();
        expect(config.platform).toBe("docker");
        expect(config.tier).toBe("dev");
        expect(config.bindAddress).toBe("127.0.0.1");
        expect(config.prometheusRetention).toBe("30d");
        expect(config.lokiRetention).toBe("744h");
        expect(config.ports).toEqual({
            grafana: 3000,
            prometheus: 9090,
            loki: 3100,
            alertmanager: 9093,
            natsClient: 4222,
            natsMonitoring: 8222,
            natsExporter: 7777,
        });
        expect(config.natsUsers.map((u) => `${u.name}:${u.role}`)).toEqual(["admin:admin", "microservice:service", "metrics:system"]);
        expect(config.retainData).toBe(true);
        expect(config.alertReceiver).toBeUndefined();
        expect(config.logCollector).toBe("promtail");
    });

    it("reads the real Pulumi.prod.yaml as a kubernetes stack", () => {
        setStackConfig("prod");
        const config = loadStackConfig();
        expect(config.platform).toBe("kubernetes");
        expect(config.tier).toBe("prod");
        expect(config.kubernetes.namespace).toBe("observability");
    });

    it("applies partial port overrides and keeps the other defaults", () => {
        setStackConfig("dev", { ports: { grafana: 3300 } });
        const config = loadStackConfig();
        expect(config.ports.grafana).toBe(3300);
        expect(config.ports.prometheus).toBe(CONFIG_DEFAULTS.ports.prometheus);
    });

    it("keeps an explicit false and an explicit retention instead of the defaults", () => {
        setStackConfig("dev", { retainData: "false", prometheusRetention: "7d" });
        const config = loadStackConfig();
        expect(config.retainData).toBe(false);
        expect(config.prometheusRetention).toBe("7d");
    });

    it("keeps the alert receiver URL secret", async () => {
        setStackConfig(
            "dev",
            { alertReceiverKind: "slack", alertSlackChannel: "#alerts" },
            { alertReceiverUrl: "https://hooks.example/T000/B000/XXXX" },
        );
        const config = loadStackConfig();
        expect(config.alertReceiver?.kind).toBe("slack");
        expect(config.alertReceiver?.slackChannel).toBe("#alerts");
        expect(await pulumi.isSecret(config.alertReceiver!.url)).toBe(true);
        expect(await promiseOf(config.alertReceiver!.url)).toBe("https://hooks.example/T000/B000/XXXX");
    });

    it("reads scrape targets with a default metrics path", () => {
        setStackConfig("dev", { scrapeTargets: [{ service: "orders", address: "host.docker.internal:3001" }] });
        expect(loadStackConfig().scrapeTargets).toEqual([{ service: "orders", address: "host.docker.internal:3001", metricsPath: "/metrics" }]);
    });
});

/** Each bad input: the overrides, then fragments the one error message must contain (key, value, fix). */
const BAD_CONFIGS: [string, Record<string, unknown>, string[], Record<string, string>?][] = [
    ["missing platform", { platform: undefined }, ["'platform' is required", "docker, kubernetes"]],
    ["unknown platform", { platform: "swarm" }, ["'platform' is 'swarm'", "docker, kubernetes"]],
    ["unknown tier", { tier: "huge" }, ["'tier' is 'huge'", "dev, prod"]],
    ["unknown log level", { logLevel: "verbose" }, ["'logLevel' is 'verbose'", "debug, info, warn, error"]],
    ["unknown log collector", { logCollector: "fluentd" }, ["'logCollector' is 'fluentd'", "promtail, alloy"]],
    ["Loki retention below 24h", { lokiRetention: "12h" }, ["'lokiRetention' is '12h'", "minimum is 24h"]],
    [
        "Loki retention with a fraction (Loki's retention_period is a Prometheus duration)",
        { lokiRetention: "36.5h" },
        ["'lokiRetention' is '36.5h'", "744h or 31d"],
    ],
    ["unparseable Prometheus retention", { prometheusRetention: "forever" }, ["'prometheusRetention' is 'forever'", "30d"]],
    ["port out of range", { ports: { grafana: 70000 } }, ["'ports.grafana' is 70000", "1 to 65535"]],
    ["port used twice", { ports: { grafana: 9090 } }, ["uses 9090 for ports.grafana and ports.prometheus", "its own port"]],
    ["unknown port key", { ports: { jaeger: 16686 } }, ["'ports.jaeger' is not a known port", "natsExporter"]],
    ["bind address not an IP", { bindAddress: "localhost" }, ["'bindAddress' is 'localhost'", "127.0.0.1"]],
    [
        "unknown NATS permission role",
        { natsUsers: [{ name: "ops", role: "superuser" }] },
        ["'natsUsers[0].role' is 'superuser'", "admin, service, system"],
    ],
    [
        "duplicate NATS user",
        {
            natsUsers: [
                { name: "svc", role: "service" },
                { name: "svc", role: "admin" },
            ],
        },
        ["'natsUsers[1].name' repeats 'svc'", "unique"],
    ],
    ["no NATS users", { natsUsers: [] }, ["'natsUsers' is empty", "anonymous"]],
    ["bad NATS subject", { natsAppSubjects: ["events.>.created"] }, ["'natsAppSubjects[0]' is 'events.>.created'", "last token"]],
    ["unknown receiver kind", { alertReceiverKind: "email" }, ["'alertReceiverKind' is 'email'", "none, webhook, slack"]],
    ["receiver without URL", { alertReceiverKind: "webhook" }, ["'alertReceiverUrl' is not set", "--secret alertReceiverUrl"]],
    [
        "URL without receiver",
        {},
        ["'alertReceiverUrl' is set but 'alertReceiverKind' is 'none'", "webhook or slack"],
        { alertReceiverUrl: "https://x.example/hook" },
    ],
    [
        "scrape target without port",
        { scrapeTargets: [{ service: "orders", address: "orders" }] },
        ["'scrapeTargets[0].address' is 'orders'", "host.docker.internal:8080"],
    ],
    [
        "scrape target relative path",
        { scrapeTargets: [{ service: "orders", address: "orders:80", metricsPath: "metrics" }] },
        ["'scrapeTargets[0].metricsPath' is 'metrics'", "/metrics"],
    ],
    ["trace URL not http", { traceUrl: "ftp://traces" }, ["'traceUrl' is 'ftp://traces'", "http(s) URL"]],
    ["retainData not a boolean", { retainData: "maybe" }, ["'retainData' is 'maybe'", "true or false"]],
    [
        "namespace not a DNS label",
        { kubernetes: { namespace: "Observability_Prod" } },
        ["'kubernetes.namespace' is 'Observability_Prod'", "DNS label"],
    ],
    ["node count zero", { kubernetes: { nodeCount: 0 } }, ["'kubernetes.nodeCount' is 0", "at least 1"]],
    ["ports not an object", { ports: "3000" }, ["'ports' is 3000", "must be an object"]],
    ["Docker socket not a path", { docker: { socket: "docker.sock" } }, ["'docker.socket' is 'docker.sock'", "/var/run/docker.sock"]],
    ["swap limit not a boolean", { docker: { swapLimit: "no" } }, ["'docker.swapLimit' is 'no'", "SwapLimit"]],
    ["unknown Docker setting", { docker: { host: "tcp://x:2375" } }, ["'docker.host' is not a known setting", "socket, swapLimit"]],
    ["external host with a scheme", { externalHost: "http://devbox" }, ["'externalHost' is 'http://devbox'", "no scheme, no port"]],
    [
        "object field set without --path",
        { "ports.grafana": "3300" },
        ["'ports.grafana' is set as a key of its own", "pulumi config set --path ports.grafana"],
    ],
    [
        "a key the stack does not read",
        { grafanaPassword: "x" },
        ["'grafanaPassword' is not a setting of this stack", "pulumi config rm grafanaPassword"],
    ],
];

describe("bad stack config", () => {
    it.each(BAD_CONFIGS)("rejects %s with a message naming key, value and fix", (_, overrides, fragments, secrets = {}) => {
        setStackConfig("dev", overrides, secrets);
        let error: unknown;
        try {
            loadStackConfig();
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(StackConfigError);
        const problems = (error as StackConfigError).problems;
        expect(problems).toHaveLength(1);
        for (const fragment of fragments) expect(problems[0]).toContain(fragment);
    });

    it("reports every problem at once", () => {
        setStackConfig("dev", { tier: "huge", lokiRetention: "1h", bindAddress: "x" });
        expect(() => loadStackConfig()).toThrow(StackConfigError);
        try {
            loadStackConfig();
        } catch (e) {
            const problems = (e as StackConfigError).problems.join("\n");
            for (const key of ["'tier'", "'lokiRetention'", "'bindAddress'"]) expect(problems).toContain(key);
        }
    });

    it("fails the program before any resource is registered", () => {
        setStackConfig("dev", { natsUsers: [{ name: "ops", role: "root" }] });
        let error: unknown;
        jest.isolateModules(() => {
            try {
                jest.requireActual("../../index");
            } catch (e) {
                error = e;
            }
        });
        expect(String(error)).toContain("'natsUsers[0].role' is 'root'");
        expect(registered).toHaveLength(0);
    });

    it("fails as a pulumi.RunError whose message is the whole list, which the engine prints alone (no stack trace, no field dump)", () => {
        setStackConfig("dev", { tier: "huge", bindAddress: "x" });
        let error: unknown;
        jest.isolateModules(() => {
            try {
                jest.requireActual("../../index");
            } catch (e) {
                error = e;
            }
        });
        // isInstance, as the language host asks: index.ts loaded its own copy of the SDK in the isolated registry.
        expect(pulumi.RunError.isInstance(error)).toBe(true);
        const problems = (error as StackConfigError).problems;
        expect(problems).toHaveLength(2);
        expect((error as Error).message).toBe(`Invalid stack configuration:\n  - ${problems[0]}\n  - ${problems[1]}`);
    });
});
