/**
 * The acceptance test of the config stage: every bad input is refused with one problem naming key, value and fix,
 * before any resource exists, and in one StackConfigError with every problem of the config.
 */
import * as pulumi from "@pulumi/pulumi";

import { PLATFORM_KEYS } from "../../config/keys";
import { loadStackConfig, StackConfigError } from "../../config/stack";
import { installMocks, registered } from "../support/mocks";
import { setStackConfig } from "../support/stackConfig";

type Stack = "dev" | "prod";
/** Each bad input: the stack file it starts from, the overrides, then fragments the one problem must contain. */
type BadConfig = [string, Stack, Record<string, unknown>, string[], Record<string, string>?];

/** A value of each platform-only key that would be valid on its own platform. */
const OTHER_PLATFORM_VALUES: Record<string, unknown> = {
    logCollector: "alloy",
    bindAddress: "0.0.0.0",
    externalHost: "devbox.example.com",
    ports: { grafana: 3300 },
    scrapeTargets: [{ service: "orders", address: "orders:8080" }],
    docker: { swapLimit: false },
    kubernetes: { namespace: "observability", nodeCount: 3 },
};

const crossPlatform = (platform: "docker" | "kubernetes", stack: Stack): BadConfig[] =>
    PLATFORM_KEYS[platform].map((key) => [
        `the ${platform}-only key ${key} on ${stack}`,
        stack,
        { [key]: OTHER_PLATFORM_VALUES[key] },
        [`'${key}' applies to the ${platform} platform only`, `remove it from Pulumi.${stack}.yaml`, `pulumi config rm ${key} --stack ${stack}`],
    ]);

const BAD_CONFIGS: BadConfig[] = [
    ["missing platform", "dev", { platform: undefined }, ["'platform' is required", "docker, kubernetes"]],
    ["unknown platform", "dev", { platform: "swarm" }, ["'platform' is 'swarm'", "docker, kubernetes"]],
    ["unknown tier", "dev", { tier: "huge" }, ["'tier' is 'huge'", "dev, prod"]],
    ["unknown log level", "dev", { logLevel: "verbose" }, ["'logLevel' is 'verbose'", "debug, info, warn, error"]],
    ["unknown log level on prod", "prod", { logLevel: "trace" }, ["'logLevel' is 'trace'", "debug, info, warn, error"]],
    ["unknown log collector", "dev", { logCollector: "fluentd" }, ["'logCollector' is 'fluentd'", "promtail, alloy"]],
    ["Loki retention below 24h", "dev", { lokiRetention: "12h" }, ["'lokiRetention' is '12h'", "minimum is 24h"]],
    [
        "Loki retention with a fraction (Loki's retention_period is a Prometheus duration)",
        "prod",
        { lokiRetention: "36.5h" },
        ["'lokiRetention' is '36.5h'", "744h or 31d"],
    ],
    ["unparseable Prometheus retention", "dev", { prometheusRetention: "forever" }, ["'prometheusRetention' is 'forever'", "30d"]],
    ["port out of range", "dev", { ports: { grafana: 70000 } }, ["'ports.grafana' is 70000", "1 to 65535"]],
    ["port used twice", "dev", { ports: { grafana: 9090 } }, ["uses 9090 for ports.grafana and ports.prometheus", "its own port"]],
    ["unknown port key", "dev", { ports: { jaeger: 16686 } }, ["'ports.jaeger' is not a known port", "natsExporter"]],
    ["bind address not an IP", "dev", { bindAddress: "localhost" }, ["'bindAddress' is 'localhost'", "127.0.0.1"]],
    [
        "unknown NATS permission role",
        "dev",
        { natsUsers: [{ name: "ops", role: "superuser" }] },
        ["'natsUsers[0].role' is 'superuser'", "admin, service, system"],
    ],
    [
        "duplicate NATS user",
        "prod",
        {
            natsUsers: [
                { name: "svc", role: "service" },
                { name: "svc", role: "admin" },
            ],
        },
        ["'natsUsers[1].name' repeats 'svc'", "unique"],
    ],
    ["no NATS users", "dev", { natsUsers: [] }, ["'natsUsers' is empty", "anonymous"]],
    ["bad NATS subject", "dev", { natsAppSubjects: ["events.>.created"] }, ["'natsAppSubjects[0]' is 'events.>.created'", "last token"]],
    ["unknown receiver kind", "dev", { alertReceiverKind: "email" }, ["'alertReceiverKind' is 'email'", "none, webhook, slack"]],
    ["receiver without URL", "prod", { alertReceiverKind: "webhook" }, ["'alertReceiverUrl' is not set", "--secret alertReceiverUrl"]],
    [
        "URL without receiver",
        "dev",
        {},
        ["'alertReceiverUrl' is set but 'alertReceiverKind' is 'none'", "webhook or slack"],
        { alertReceiverUrl: "https://x.example/hook" },
    ],
    [
        "scrape target without port",
        "dev",
        { scrapeTargets: [{ service: "orders", address: "orders" }] },
        ["'scrapeTargets[0].address' is 'orders'", "host.docker.internal:8080"],
    ],
    [
        "scrape target relative path",
        "dev",
        { scrapeTargets: [{ service: "orders", address: "orders:80", metricsPath: "metrics" }] },
        ["'scrapeTargets[0].metricsPath' is 'metrics'", "/metrics"],
    ],
    ["trace URL not http", "dev", { traceUrl: "ftp://traces" }, ["'traceUrl' is 'ftp://traces'", "http(s) URL"]],
    ["retainData not a boolean", "prod", { retainData: "maybe" }, ["'retainData' is 'maybe'", "true or false"]],
    [
        "namespace not a DNS label",
        "prod",
        { kubernetes: { namespace: "Observability_Prod", nodeCount: 3 } },
        ["'kubernetes.namespace' is 'Observability_Prod'", "DNS label"],
    ],
    ["node count zero", "prod", { kubernetes: { nodeCount: 0 } }, ["'kubernetes.nodeCount' is 0", "at least 1"]],
    [
        "StorageClass that no cluster can name",
        "prod",
        { kubernetes: { nodeCount: 3, storageClass: "Fast_SSD" } },
        ["'kubernetes.storageClass' is 'Fast_SSD'", "name of a StorageClass"],
    ],
    [
        "unknown Kubernetes setting",
        "prod",
        { kubernetes: { nodeCount: 3, cluster: "eu-1" } },
        ["'kubernetes.cluster' is not a known setting", "namespace, context, kubeconfig, nodeCount, storageClass"],
    ],
    [
        "fewer nodes than the prod tier's NATS cluster spreads over (budget)",
        "prod",
        { kubernetes: { nodeCount: 2 } },
        ["'kubernetes.nodeCount' is 2", "3-node NATS cluster spread one per node, so use at least 3 nodes"],
    ],
    [
        "so many nodes that the per-node agents overflow the tier's memory (budget)",
        "prod",
        { kubernetes: { nodeCount: 60 } },
        ["'kubernetes.nodeCount' is 60: per-node agents push the stack to", "over 60% of tier 'prod'", "fewer nodes"],
    ],
    [
        "a node count the dev tier's memory cannot carry either (budget)",
        "prod",
        { tier: "dev", kubernetes: { nodeCount: 30 } },
        ["'kubernetes.nodeCount' is 30: per-node agents push the stack to", "over 60% of tier 'dev'"],
    ],
    ["ports not an object", "dev", { ports: "3000" }, ["'ports' is 3000", "must be an object"]],
    ["Docker socket not a path", "dev", { docker: { socket: "docker.sock" } }, ["'docker.socket' is 'docker.sock'", "/var/run/docker.sock"]],
    ["swap limit not a boolean", "dev", { docker: { swapLimit: "no" } }, ["'docker.swapLimit' is 'no'", "SwapLimit"]],
    ["unknown Docker setting", "dev", { docker: { host: "tcp://x:2375" } }, ["'docker.host' is not a known setting", "socket, swapLimit"]],
    ["external host with a scheme", "dev", { externalHost: "http://devbox" }, ["'externalHost' is 'http://devbox'", "no scheme, no port"]],
    [
        "object field set without --path",
        "dev",
        { "ports.grafana": "3300" },
        ["'ports.grafana' is set as a key of its own", "pulumi config set --path ports.grafana"],
    ],
    [
        "a key the stack does not read",
        "prod",
        { grafanaPassword: "x" },
        ["'grafanaPassword' is not a setting of this stack", "pulumi config rm grafanaPassword"],
    ],
    ...crossPlatform("docker", "prod"),
    ...crossPlatform("kubernetes", "dev"),
];

/** The problems the config stage reports for a stack file plus overrides (fails the test if it accepts them). */
function problemsOf(stack: Stack, overrides: Record<string, unknown>, secrets: Record<string, string> = {}): readonly string[] {
    setStackConfig(stack, overrides, secrets);
    let error: unknown;
    try {
        loadStackConfig();
    } catch (e) {
        error = e;
    }
    expect(error).toBeInstanceOf(StackConfigError);
    return (error as StackConfigError).problems;
}

/** Runs the program (index.ts) and returns what it threw. */
function runProgram(): unknown {
    let error: unknown;
    jest.isolateModules(() => {
        try {
            jest.requireActual("../../index");
        } catch (e) {
            error = e;
        }
    });
    return error;
}

// The mocks carry the stack's name, which the fixes name (Pulumi.<stack>.yaml): one block per stack.
describe.each(["dev", "prod"] as const)("bad config of the %s stack", (stack) => {
    installMocks({ stack });
    const rows = BAD_CONFIGS.filter((row) => row[1] === stack).map(
        ([name, , overrides, fragments, secrets]) => [name, overrides, fragments, secrets] as const,
    );
    it.each(rows)("rejects %s with a message naming key, value and fix", (_, overrides, fragments, secrets = {}) => {
        const problems = problemsOf(stack, overrides, secrets);
        expect(problems).toHaveLength(1);
        for (const fragment of fragments) expect(problems[0]).toContain(fragment);
    });
});

describe("bad stack config", () => {
    installMocks({ stack: "prod" });

    it("has a cross-platform row for every platform-only key", () => {
        expect(Object.keys(OTHER_PLATFORM_VALUES).sort()).toEqual([...PLATFORM_KEYS.docker, ...PLATFORM_KEYS.kubernetes].sort());
    });

    it("accepts every key of the other platform's table on its own platform (the refusal is about the platform, not the value)", () => {
        for (const [platform, stack] of [
            ["docker", "dev"],
            ["kubernetes", "prod"],
        ] as const) {
            for (const key of PLATFORM_KEYS[platform]) {
                setStackConfig(stack, { [key]: OTHER_PLATFORM_VALUES[key] });
                expect(() => loadStackConfig()).not.toThrow();
            }
        }
    });

    it("reports every problem at once", () => {
        const problems = problemsOf("dev", { tier: "huge", lokiRetention: "1h", bindAddress: "x" }).join("\n");
        for (const key of ["'tier'", "'lokiRetention'", "'bindAddress'"]) expect(problems).toContain(key);
    });

    it("reports unknown keys, other-platform keys, bad values and the Kubernetes fit in one round", () => {
        const problems = problemsOf("prod", { grafanaPassword: "x", ports: { grafana: 3300 }, logLevel: "loud", kubernetes: { nodeCount: 2 } });
        expect(problems).toHaveLength(4);
        expect(problems.join("\n")).toEqual(expect.stringContaining("'grafanaPassword' is not a setting"));
        for (const fragment of ["'ports' applies to the docker platform only", "'logLevel' is 'loud'", "'kubernetes.nodeCount' is 2"]) {
            expect(problems.join("\n")).toContain(fragment);
        }
    });

    it.each(["dev", "prod"] as const)("fails the program on the %s stack file before any resource is registered", (stack) => {
        setStackConfig(stack, stack === "dev" ? { natsUsers: [{ name: "ops", role: "root" }] } : { kubernetes: { nodeCount: 2 } });
        registered.length = 0;
        const error = runProgram();
        expect(String(error)).toContain(stack === "dev" ? "'natsUsers[0].role' is 'root'" : "'kubernetes.nodeCount' is 2");
        expect(registered).toHaveLength(0);
    });

    it("fails as a pulumi.RunError whose message is the whole list, which the engine prints alone (no stack trace, no field dump)", () => {
        setStackConfig("dev", { tier: "huge", bindAddress: "x" });
        const error = runProgram();
        // isInstance, as the language host asks: index.ts loaded its own copy of the SDK in the isolated registry.
        expect(pulumi.RunError.isInstance(error)).toBe(true);
        const problems = (error as StackConfigError).problems;
        expect(problems).toHaveLength(2);
        expect((error as Error).message).toBe(`Invalid stack configuration:\n  - ${problems[0]}\n  - ${problems[1]}`);
    });
});
