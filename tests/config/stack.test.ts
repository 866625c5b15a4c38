import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

import { CONFIG_DEFAULTS } from "../../config/defaults";
import { CONFIG_KEYS } from "../../config/keys";
import { configFor, loadStackConfig } from "../../config/stack";
import { installMocks, promiseOf } from "../support/mocks";
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

    it("declares only keys both platforms read: the CLI hands its defaults to every stack, and a stack refuses the other platform's keys", () => {
        const scopes = Object.keys(project.config).map((key) => [key, CONFIG_KEYS[key as keyof typeof CONFIG_KEYS]?.scope]);
        expect(scopes).toEqual(Object.keys(project.config).map((key) => [key, "common"]));
    });

    it.each(["dev", "prod"])("Pulumi.%s.yaml sets every key the CLI requires", (stack) => {
        expect(Object.keys(stackFileConfig(stack))).toContain("a4co-observability:platform");
    });
});

/** Settings a stack file states although they equal the default, each with the reason (the file says it too). */
const RESTATED_ON_PURPOSE: Record<string, string> = {
    "prod:kubernetes.nodeCount": "a fact about the user's cluster, which the NATS spread and the per-node budget depend on",
};

describe("the stack files", () => {
    /** Every leaf setting of a stack file, as `key` or `key.field`, with its value. */
    const leaves = (stack: string): [string, unknown][] =>
        Object.entries(parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")).config as Record<string, unknown>).flatMap(
            ([key, value]) => {
                const name = key.replace(/^a4co-observability:/, "");
                return typeof value === "object" && value !== null && !Array.isArray(value)
                    ? Object.entries(value).map(([field, v]): [string, unknown] => [`${name}.${field}`, v])
                    : [[name, value]];
            },
        );
    const defaultOf = (dotted: string): unknown =>
        dotted.split(".").reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], CONFIG_DEFAULTS);

    it.each(["dev", "prod"])("Pulumi.%s.yaml sets only what differs from the defaults, or says why", (stack) => {
        const restated = leaves(stack)
            .filter(([key, value]) => JSON.stringify(value) === JSON.stringify(defaultOf(key)))
            .map(([key]) => `${stack}:${key}`);
        expect(restated).toEqual(Object.keys(RESTATED_ON_PURPOSE).filter((k) => k.startsWith(`${stack}:`)));
    });
});

describe("loadStackConfig on the real Pulumi.dev.yaml", () => {
    it("reads the dev stack with the documented defaults", () => {
        setStackConfig("dev");
        const config = configFor(loadStackConfig(), "docker");
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
        const config = configFor(loadStackConfig(), "kubernetes");
        expect(config.platform).toBe("kubernetes");
        expect(config.tier).toBe("prod");
        expect(config.kubernetes).toEqual({ namespace: "observability", nodeCount: 3 });
        expect(config.logLevel).toBe("info");
        expect(config.lokiRetention).toBe("744h");
        // Nothing of the Docker side is parsed for a stack that never reads it.
        for (const key of ["ports", "bindAddress", "externalHost", "logCollector", "scrapeTargets", "docker"]) expect(config).not.toHaveProperty(key);
    });

    it("applies partial port overrides and keeps the other defaults", () => {
        setStackConfig("dev", { ports: { grafana: 3300 } });
        const config = configFor(loadStackConfig(), "docker");
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
        expect(configFor(loadStackConfig(), "docker").scrapeTargets).toEqual([
            { service: "orders", address: "host.docker.internal:3001", metricsPath: "/metrics" },
        ]);
    });
});
