import * as pulumi from "@pulumi/pulumi";

import { parsePrometheusDuration } from "./duration";
import {
    ALERT_RECEIVER_KINDS,
    LOG_COLLECTORS,
    LOG_LEVELS,
    NATS_ROLES,
    NatsUserSpec,
    PLATFORMS,
    PortsConfig,
    ScrapeTarget,
    StackConfig,
    TIER_NAMES,
} from "./types";

/** Where alerts' runbook links point by default: the runbooks of this repository. */
export const DEFAULT_RUNBOOK_BASE_URL = "https://github.com/a4co/observability/blob/main/docs/runbooks";

/**
 * Every default of the stack configuration, in one place. `Pulumi.yaml` documents the keys; defaults live here so
 * that tests (which feed config through `setAllConfig`) see exactly what a real run sees.
 */
export const CONFIG_DEFAULTS = {
    tier: "dev",
    logLevel: "info",
    logCollector: "promtail",
    bindAddress: "127.0.0.1",
    ports: {
        grafana: 3000,
        prometheus: 9090,
        loki: 3100,
        alertmanager: 9093,
        natsClient: 4222,
        natsMonitoring: 8222,
        natsExporter: 7777,
    } satisfies PortsConfig,
    prometheusRetention: "30d",
    lokiRetention: "744h",
    natsUsers: [
        { name: "admin", role: "admin" },
        { name: "microservice", role: "service" },
        { name: "metrics", role: "system" },
    ] satisfies NatsUserSpec[],
    natsAppSubjects: ["events.>", "commands.>"],
    alertReceiverKind: "none",
    retainData: true,
    runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
    kubernetes: { namespace: "observability", nodeCount: 3 },
    docker: { socket: "/var/run/docker.sock", swapLimit: true },
} as const;

/** Loki refuses a retention period shorter than its 24h index period. */
export const LOKI_MIN_RETENTION_HOURS = 24;

/** Raw values as read from Pulumi config: strings for scalars, parsed JSON for objects and arrays. */
export interface RawStackConfig {
    readonly [key: string]: unknown;
}

/**
 * Thrown when the stack configuration is invalid; lists every problem, each naming key, value and fix. A
 * `pulumi.RunError`, so the engine prints the message alone rather than "failed with an unhandled exception", a stack
 * trace and a dump of the error's fields.
 */
export class StackConfigError extends pulumi.RunError {
    constructor(readonly problems: readonly string[]) {
        super(`Invalid stack configuration:\n  - ${problems.join("\n  - ")}`);
        this.name = "StackConfigError";
    }
}

const show = (v: unknown): string => (typeof v === "string" ? `'${v}'` : JSON.stringify(v));
const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_PORT = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:\d{1,5}$/;
const NATS_SUBJECT = /^([A-Za-z0-9_$-]+|\*)(\.([A-Za-z0-9_$-]+|\*))*(\.>)?$|^>$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * Validates raw config and applies defaults. Pure: every problem is collected and reported together, before any
 * resource is created. `key` names in messages are the Pulumi config keys a user sets.
 */
export function parseStackConfig(raw: RawStackConfig, alertReceiverUrl?: pulumi.Output<string>): StackConfig {
    const problems: string[] = [];
    const get = (key: string): unknown => raw[key];

    function oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T | undefined): T {
        const value = get(key) ?? fallback;
        if (value === undefined) {
            problems.push(`'${key}' is required: set it to one of ${allowed.join(", ")} (pulumi config set ${key} <value>).`);
            return allowed[0];
        }
        if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
            problems.push(`'${key}' is ${show(value)}: use one of ${allowed.join(", ")}.`);
            return allowed[0];
        }
        return value as T;
    }

    function bool(key: string, fallback: boolean): boolean {
        const value = get(key);
        if (value === undefined) return fallback;
        if (value === true || value === "true") return true;
        if (value === false || value === "false") return false;
        problems.push(`'${key}' is ${show(value)}: use true or false.`);
        return fallback;
    }

    function objectOf(key: string): Record<string, unknown> | undefined {
        const value = get(key);
        if (value === undefined) return undefined;
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            problems.push(`'${key}' is ${show(value)}: it must be an object (set fields with pulumi config set --path ${key}.<field> <value>).`);
            return undefined;
        }
        return value as Record<string, unknown>;
    }

    function arrayOf(key: string): unknown[] | undefined {
        const value = get(key);
        if (value === undefined) return undefined;
        if (!Array.isArray(value)) {
            problems.push(`'${key}' is ${show(value)}: it must be a list (pulumi config set --path '${key}[0]' <value>).`);
            return undefined;
        }
        return value;
    }

    const platform = oneOf("platform", PLATFORMS, undefined);
    const tier = oneOf("tier", TIER_NAMES, CONFIG_DEFAULTS.tier);
    const logLevel = oneOf("logLevel", LOG_LEVELS, CONFIG_DEFAULTS.logLevel);
    const logCollector = oneOf("logCollector", LOG_COLLECTORS, CONFIG_DEFAULTS.logCollector);

    const bindAddress = (get("bindAddress") ?? CONFIG_DEFAULTS.bindAddress) as string;
    if (typeof bindAddress !== "string" || !IPV4.test(bindAddress)) {
        problems.push(`'bindAddress' is ${show(bindAddress)}: use an IPv4 address such as 127.0.0.1 (0.0.0.0 exposes the stack to your network).`);
    }

    const externalHost = get("externalHost");
    if (externalHost !== undefined && (typeof externalHost !== "string" || !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(externalHost))) {
        problems.push(
            `'externalHost' is ${show(externalHost)}: use the host name or IP address others reach this machine at, e.g. devbox.example.com (no scheme, no port).`,
        );
    }

    // Ports: partial overrides of the defaults; each in range, none used twice.
    const portOverrides = objectOf("ports") ?? {};
    const ports = { ...CONFIG_DEFAULTS.ports } as Record<keyof PortsConfig, number>;
    for (const [field, value] of Object.entries(portOverrides)) {
        if (!(field in CONFIG_DEFAULTS.ports)) {
            problems.push(`'ports.${field}' is not a known port: use one of ${Object.keys(CONFIG_DEFAULTS.ports).join(", ")}.`);
            continue;
        }
        const port = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
        if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
            problems.push(`'ports.${field}' is ${show(value)}: use a whole number from 1 to 65535.`);
            continue;
        }
        ports[field as keyof PortsConfig] = port;
    }
    const byPort = new Map<number, string[]>();
    for (const [field, port] of Object.entries(ports)) byPort.set(port, [...(byPort.get(port) ?? []), field]);
    for (const [port, fields] of byPort) {
        if (fields.length > 1) {
            problems.push(`'ports' uses ${port} for ${fields.map((f) => `ports.${f}`).join(" and ")}: give each service its own port.`);
        }
    }

    const prometheusRetention = (get("prometheusRetention") ?? CONFIG_DEFAULTS.prometheusRetention) as string;
    const promMs = typeof prometheusRetention === "string" ? parsePrometheusDuration(prometheusRetention) : undefined;
    if (promMs === undefined || promMs <= 0) {
        problems.push(`'prometheusRetention' is ${show(prometheusRetention)}: use a Prometheus duration such as 30d, 12h or 2w.`);
    }

    const lokiRetention = (get("lokiRetention") ?? CONFIG_DEFAULTS.lokiRetention) as string;
    // limits_config.retention_period is a Prometheus duration in Loki (model.Duration): days yes, fractions no.
    const lokiMs = typeof lokiRetention === "string" ? parsePrometheusDuration(lokiRetention) : undefined;
    if (lokiMs === undefined) {
        problems.push(`'lokiRetention' is ${show(lokiRetention)}: use a whole Prometheus duration such as 744h or 31d (no fractions).`);
    } else if (lokiMs < LOKI_MIN_RETENTION_HOURS * 3600_000) {
        problems.push(`'lokiRetention' is ${show(lokiRetention)}: Loki's minimum is ${LOKI_MIN_RETENTION_HOURS}h; use 24h or more (e.g. 744h).`);
    }

    // NATS users: unique names, known roles, exactly the accounts the security model defines.
    const rawUsers = arrayOf("natsUsers") ?? CONFIG_DEFAULTS.natsUsers;
    const natsUsers: NatsUserSpec[] = [];
    rawUsers.forEach((u, i) => {
        const entry = (u ?? {}) as Record<string, unknown>;
        const name = entry.name;
        const role = entry.role;
        if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
            problems.push(`'natsUsers[${i}].name' is ${show(name)}: use lowercase letters, digits and dashes, starting with a letter.`);
            return;
        }
        if (typeof role !== "string" || !(NATS_ROLES as readonly string[]).includes(role)) {
            problems.push(`'natsUsers[${i}].role' is ${show(role)} for user '${name}': use one of ${NATS_ROLES.join(", ")}.`);
            return;
        }
        if (natsUsers.some((existing) => existing.name === name)) {
            problems.push(`'natsUsers[${i}].name' repeats '${name}': user names must be unique.`);
            return;
        }
        natsUsers.push({ name, role: role as NatsUserSpec["role"] });
    });
    if (rawUsers.length === 0) {
        problems.push(
            `'natsUsers' is empty: NATS refuses anonymous clients, so define at least one user (e.g. {name: microservice, role: service}).`,
        );
    }

    const rawSubjects = arrayOf("natsAppSubjects") ?? [...CONFIG_DEFAULTS.natsAppSubjects];
    const natsAppSubjects: string[] = [];
    rawSubjects.forEach((s, i) => {
        if (typeof s !== "string" || !NATS_SUBJECT.test(s)) {
            problems.push(
                `'natsAppSubjects[${i}]' is ${show(s)}: use a NATS subject such as events.> or orders.*.created ('>' only as the last token).`,
            );
        } else {
            natsAppSubjects.push(s);
        }
    });

    // Alert receiver: the URL is a secret; only its presence is validated here.
    const receiverKind = oneOf("alertReceiverKind", ALERT_RECEIVER_KINDS, CONFIG_DEFAULTS.alertReceiverKind);
    let alertReceiver: StackConfig["alertReceiver"];
    const slackChannel = get("alertSlackChannel");
    if (slackChannel !== undefined && (typeof slackChannel !== "string" || !/^[#@]?[\w.-]+$/.test(slackChannel))) {
        problems.push(`'alertSlackChannel' is ${show(slackChannel)}: use a channel name such as #alerts.`);
    }
    if (receiverKind !== "none") {
        if (alertReceiverUrl === undefined) {
            problems.push(
                `'alertReceiverUrl' is not set but 'alertReceiverKind' is '${receiverKind}': set it as a secret (pulumi config set --secret alertReceiverUrl https://...), or set alertReceiverKind to none.`,
            );
        } else {
            alertReceiver = {
                kind: receiverKind,
                url: pulumi.secret(alertReceiverUrl),
                slackChannel: typeof slackChannel === "string" ? slackChannel : undefined,
            };
        }
    } else if (alertReceiverUrl !== undefined) {
        problems.push(`'alertReceiverUrl' is set but 'alertReceiverKind' is 'none': set alertReceiverKind to webhook or slack.`);
    }

    const rawTargets = arrayOf("scrapeTargets") ?? [];
    const scrapeTargets: ScrapeTarget[] = [];
    rawTargets.forEach((t, i) => {
        const entry = (t ?? {}) as Record<string, unknown>;
        const service = entry.service;
        const address = entry.address;
        const metricsPath = entry.metricsPath ?? "/metrics";
        if (typeof service !== "string" || !NAME_PATTERN.test(service)) {
            problems.push(`'scrapeTargets[${i}].service' is ${show(service)}: use the service name, lowercase letters, digits and dashes.`);
            return;
        }
        if (typeof address !== "string" || !HOST_PORT.test(address) || Number(address.split(":")[1]) > 65535) {
            problems.push(
                `'scrapeTargets[${i}].address' is ${show(address)}: use host:port, e.g. host.docker.internal:8080 for a process on your machine.`,
            );
            return;
        }
        if (typeof metricsPath !== "string" || !metricsPath.startsWith("/")) {
            problems.push(`'scrapeTargets[${i}].metricsPath' is ${show(metricsPath)}: use an absolute path such as /metrics.`);
            return;
        }
        scrapeTargets.push({ service, address, metricsPath });
    });

    const traceUrl = get("traceUrl");
    if (traceUrl !== undefined && (typeof traceUrl !== "string" || !/^https?:\/\/\S+$/.test(traceUrl))) {
        problems.push(`'traceUrl' is ${show(traceUrl)}: use an http(s) URL, e.g. http://localhost:16686/trace/\${__value.raw}.`);
    }

    const runbookBaseUrl = get("runbookBaseUrl") ?? CONFIG_DEFAULTS.runbookBaseUrl;
    if (typeof runbookBaseUrl !== "string" || !/^https?:\/\/\S+[^/]$/.test(runbookBaseUrl)) {
        problems.push(`'runbookBaseUrl' is ${show(runbookBaseUrl)}: use an http(s) URL without a trailing slash.`);
    }

    const retainData = bool("retainData", CONFIG_DEFAULTS.retainData);

    const k8s = objectOf("kubernetes") ?? {};
    const namespace = k8s.namespace ?? CONFIG_DEFAULTS.kubernetes.namespace;
    if (typeof namespace !== "string" || !DNS_LABEL.test(namespace)) {
        problems.push(`'kubernetes.namespace' is ${show(namespace)}: use a DNS label (lowercase letters, digits, dashes; at most 63 characters).`);
    }
    const rawNodeCount = k8s.nodeCount ?? CONFIG_DEFAULTS.kubernetes.nodeCount;
    const nodeCount = typeof rawNodeCount === "string" && /^\d+$/.test(rawNodeCount) ? Number(rawNodeCount) : rawNodeCount;
    if (typeof nodeCount !== "number" || !Number.isInteger(nodeCount) || nodeCount < 1) {
        problems.push(`'kubernetes.nodeCount' is ${show(rawNodeCount)}: use the number of nodes in the cluster (a whole number, at least 1).`);
    }
    for (const field of ["context", "kubeconfig", "storageClass"] as const) {
        const value = k8s[field];
        if (value !== undefined && (typeof value !== "string" || value.length === 0)) {
            problems.push(`'kubernetes.${field}' is ${show(value)}: use a non-empty string, or remove it to use the default.`);
        }
    }
    const knownK8s = ["namespace", "context", "kubeconfig", "nodeCount", "storageClass"];
    for (const field of Object.keys(k8s)) {
        if (!knownK8s.includes(field)) problems.push(`'kubernetes.${field}' is not a known setting: use one of ${knownK8s.join(", ")}.`);
    }

    const dockerEngine = objectOf("docker") ?? {};
    const knownDocker = Object.keys(CONFIG_DEFAULTS.docker);
    for (const field of Object.keys(dockerEngine)) {
        if (!knownDocker.includes(field)) problems.push(`'docker.${field}' is not a known setting: use one of ${knownDocker.join(", ")}.`);
    }
    const socket = dockerEngine.socket ?? CONFIG_DEFAULTS.docker.socket;
    if (typeof socket !== "string" || !/^\/\S+$/.test(socket)) {
        problems.push(
            `'docker.socket' is ${show(socket)}: use the absolute path of the engine's socket on the engine's host, e.g. /var/run/docker.sock (rootless: /run/user/<uid>/docker.sock).`,
        );
    }
    const rawSwapLimit = dockerEngine.swapLimit ?? CONFIG_DEFAULTS.docker.swapLimit;
    const swapLimit = rawSwapLimit === "true" ? true : rawSwapLimit === "false" ? false : rawSwapLimit;
    if (typeof swapLimit !== "boolean") {
        problems.push(`'docker.swapLimit' is ${show(rawSwapLimit)}: use true or false (docker info --format '{{.SwapLimit}}' tells).`);
    }

    if (problems.length > 0) throw new StackConfigError(problems);

    return {
        platform,
        tier,
        logLevel,
        logCollector,
        bindAddress,
        externalHost: externalHost as string | undefined,
        ports,
        prometheusRetention,
        lokiRetention,
        natsUsers,
        natsAppSubjects,
        alertReceiver,
        scrapeTargets,
        traceUrl: traceUrl as string | undefined,
        runbookBaseUrl: runbookBaseUrl as string,
        retainData,
        kubernetes: {
            namespace: namespace as string,
            nodeCount: nodeCount as number,
            context: k8s.context as string | undefined,
            kubeconfig: k8s.kubeconfig as string | undefined,
            storageClass: k8s.storageClass as string | undefined,
        },
        docker: { socket: socket as string, swapLimit: swapLimit as boolean },
    };
}

/** Scalar keys read with `config.get`; object and list keys read with `config.getObject`. */
const SCALAR_KEYS = [
    "platform",
    "tier",
    "logLevel",
    "logCollector",
    "bindAddress",
    "externalHost",
    "prometheusRetention",
    "lokiRetention",
    "alertReceiverKind",
    "alertSlackChannel",
    "traceUrl",
    "runbookBaseUrl",
    "retainData",
] as const;
const STRUCTURED_KEYS = ["ports", "natsUsers", "natsAppSubjects", "scrapeTargets", "kubernetes", "docker"] as const;

/** Every key the stack reads: anything else under the project's namespace is a typo or a missing `--path`. */
export const KNOWN_KEYS: readonly string[] = [...SCALAR_KEYS, ...STRUCTURED_KEYS, "alertReceiverUrl"];

/**
 * Problems with keys the stack does not read, e.g. `ports.grafana` set without `--path` (a key named "ports.grafana"
 * that nothing reads, so the port would silently stay 3000). `keys` are the stack's config keys without the project prefix.
 */
export function unknownKeyProblems(keys: readonly string[]): string[] {
    return keys
        .filter((key) => !KNOWN_KEYS.includes(key))
        .map((key) => {
            const [head] = key.split(".");
            return KNOWN_KEYS.includes(head)
                ? `'${key}' is set as a key of its own: set object fields with --path (pulumi config rm ${key}; pulumi config set --path ${key} <value>).`
                : `'${key}' is not a setting of this stack: remove it (pulumi config rm ${key}) or use one of ${KNOWN_KEYS.join(", ")}.`;
        });
}

/** The only reader of `pulumi.Config` in the program. */
export function loadStackConfig(config: pulumi.Config = new pulumi.Config()): StackConfig {
    const prefix = `${config.name}:`;
    const unknown = unknownKeyProblems(
        Object.keys(pulumi.runtime.allConfig())
            .filter((k) => k.startsWith(prefix))
            .map((k) => k.slice(prefix.length)),
    );
    if (unknown.length > 0) throw new StackConfigError(unknown);
    const raw: Record<string, unknown> = {};
    for (const key of SCALAR_KEYS) {
        const value = config.get(key);
        if (value !== undefined) raw[key] = value;
    }
    for (const key of STRUCTURED_KEYS) {
        let value: unknown;
        try {
            value = config.getObject(key);
        } catch {
            throw new StackConfigError([
                `'${key}' is not valid JSON/YAML: set it with pulumi config set --path ${key}... or fix Pulumi.<stack>.yaml.`,
            ]);
        }
        if (value !== undefined) raw[key] = value;
    }
    return parseStackConfig(raw, config.getSecret("alertReceiverUrl"));
}
