import * as pulumi from "@pulumi/pulumi";

import { CONFIG_DEFAULTS } from "./defaults";
import { parsePrometheusDuration } from "./duration";
import { otherPlatformProblems, SCALAR_KEYS, STRUCTURED_KEYS, unknownKeyProblems } from "./keys";
import { readDockerSettings } from "./docker";
import { kubernetesFitProblems, readKubernetesSettings } from "./kubernetes";
import { ConfigReader, RawStackConfig, show } from "./reader";
import { sizeTier } from "./tiers";
import { ALERT_RECEIVER_KINDS, CommonStackConfig, LOG_LEVELS, NATS_ROLES, NatsUserSpec, PLATFORMS, StackConfig, TIER_NAMES } from "./types";

/** Loki refuses a retention period shorter than its 24h index period. */
export const LOKI_MIN_RETENTION_HOURS = 24;

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

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
const NATS_SUBJECT = /^([A-Za-z0-9_$-]+|\*)(\.([A-Za-z0-9_$-]+|\*))*(\.>)?$|^>$/;

/**
 * Validates raw config and applies defaults: the config stage, the only one. Pure: every problem is collected and
 * reported together in one {@link StackConfigError}, before any resource is created; the platform's stack receives
 * validated config only. A key of the other platform is refused (`stack` names the stack file in the fix), and on
 * Kubernetes the tier must fit the cluster the settings describe. `key` names in messages are the Pulumi config keys
 * a user sets. `problems` are found before parsing (unknown keys) and reported with the rest.
 */
export function parseStackConfig(
    raw: RawStackConfig,
    alertReceiverUrl?: pulumi.Output<string>,
    stack = pulumi.getStack(),
    problems: readonly string[] = [],
): StackConfig {
    const r = new ConfigReader(raw);
    for (const p of problems) r.problem(p);
    const platform = raw.platform === undefined || PLATFORMS.includes(raw.platform as never) ? raw.platform : undefined;
    const common = readCommon(r, alertReceiverUrl);
    const present = Object.keys(raw).filter((key) => raw[key] !== undefined);
    if (alertReceiverUrl !== undefined) present.push("alertReceiverUrl");
    // With an unknown platform there is no "other" platform: both sets are checked, so every problem shows at once.
    if (platform !== undefined) for (const p of otherPlatformProblems(present, platform as StackConfig["platform"], stack)) r.problem(p);

    let config: StackConfig | undefined;
    if (platform !== "kubernetes") {
        const docker = readDockerSettings(r);
        if (platform === "docker") config = { platform, ...common, ...docker };
    }
    if (platform !== "docker") {
        const kubernetes = readKubernetesSettings(r);
        // The fit is judged only for a tier and settings that are valid themselves (else it would repeat their problem).
        const tierIsValid = (TIER_NAMES as readonly unknown[]).includes(raw.tier ?? CONFIG_DEFAULTS.tier);
        if (kubernetes && tierIsValid) {
            for (const p of kubernetesFitProblems(kubernetes, common.tier, sizeTier(common.tier))) r.problem(p);
        }
        if (platform === "kubernetes" && kubernetes) config = { platform, ...common, kubernetes };
    }
    if (r.problems.length > 0 || config === undefined) throw new StackConfigError(r.problems);
    return config;
}

/** The keys both platforms read. */
function readCommon(r: ConfigReader, alertReceiverUrl: pulumi.Output<string> | undefined): CommonStackConfig {
    r.oneOf("platform", PLATFORMS, undefined);
    const tier = r.oneOf("tier", TIER_NAMES, CONFIG_DEFAULTS.tier);
    const logLevel = r.oneOf("logLevel", LOG_LEVELS, CONFIG_DEFAULTS.logLevel);

    const prometheusRetention = (r.get("prometheusRetention") ?? CONFIG_DEFAULTS.prometheusRetention) as string;
    const promMs = typeof prometheusRetention === "string" ? parsePrometheusDuration(prometheusRetention) : undefined;
    if (promMs === undefined || promMs <= 0) {
        r.problem(`'prometheusRetention' is ${show(prometheusRetention)}: use a Prometheus duration such as 30d, 12h or 2w.`);
    }

    const lokiRetention = (r.get("lokiRetention") ?? CONFIG_DEFAULTS.lokiRetention) as string;
    // limits_config.retention_period is a Prometheus duration in Loki (model.Duration): days yes, fractions no.
    const lokiMs = typeof lokiRetention === "string" ? parsePrometheusDuration(lokiRetention) : undefined;
    if (lokiMs === undefined) {
        r.problem(`'lokiRetention' is ${show(lokiRetention)}: use a whole Prometheus duration such as 744h or 31d (no fractions).`);
    } else if (lokiMs < LOKI_MIN_RETENTION_HOURS * 3600_000) {
        r.problem(`'lokiRetention' is ${show(lokiRetention)}: Loki's minimum is ${LOKI_MIN_RETENTION_HOURS}h; use 24h or more (e.g. 744h).`);
    }

    // NATS users: unique names, known roles, exactly the accounts the security model defines.
    const rawUsers = r.arrayOf("natsUsers") ?? CONFIG_DEFAULTS.natsUsers;
    const natsUsers: NatsUserSpec[] = [];
    rawUsers.forEach((u, i) => {
        const entry = (u ?? {}) as Record<string, unknown>;
        const name = entry.name;
        const role = entry.role;
        if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
            r.problem(`'natsUsers[${i}].name' is ${show(name)}: use lowercase letters, digits and dashes, starting with a letter.`);
            return;
        }
        if (typeof role !== "string" || !(NATS_ROLES as readonly string[]).includes(role)) {
            r.problem(`'natsUsers[${i}].role' is ${show(role)} for user '${name}': use one of ${NATS_ROLES.join(", ")}.`);
            return;
        }
        if (natsUsers.some((existing) => existing.name === name)) {
            r.problem(`'natsUsers[${i}].name' repeats '${name}': user names must be unique.`);
            return;
        }
        natsUsers.push({ name, role: role as NatsUserSpec["role"] });
    });
    if (rawUsers.length === 0) {
        r.problem(`'natsUsers' is empty: NATS refuses anonymous clients, so define at least one user (e.g. {name: microservice, role: service}).`);
    }

    const rawSubjects = r.arrayOf("natsAppSubjects") ?? [...CONFIG_DEFAULTS.natsAppSubjects];
    const natsAppSubjects: string[] = [];
    rawSubjects.forEach((s, i) => {
        if (typeof s !== "string" || !NATS_SUBJECT.test(s)) {
            r.problem(`'natsAppSubjects[${i}]' is ${show(s)}: use a NATS subject such as events.> or orders.*.created ('>' only as the last token).`);
        } else {
            natsAppSubjects.push(s);
        }
    });

    // Alert receiver: the URL is a secret; only its presence is validated here.
    const receiverKind = r.oneOf("alertReceiverKind", ALERT_RECEIVER_KINDS, CONFIG_DEFAULTS.alertReceiverKind);
    let alertReceiver: CommonStackConfig["alertReceiver"];
    const slackChannel = r.get("alertSlackChannel");
    if (slackChannel !== undefined && (typeof slackChannel !== "string" || !/^[#@]?[\w.-]+$/.test(slackChannel))) {
        r.problem(`'alertSlackChannel' is ${show(slackChannel)}: use a channel name such as #alerts.`);
    }
    if (receiverKind !== "none") {
        if (alertReceiverUrl === undefined) {
            r.problem(
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
        r.problem(`'alertReceiverUrl' is set but 'alertReceiverKind' is 'none': set alertReceiverKind to webhook or slack.`);
    }

    const traceUrl = r.get("traceUrl");
    if (traceUrl !== undefined && (typeof traceUrl !== "string" || !/^https?:\/\/\S+$/.test(traceUrl))) {
        r.problem(`'traceUrl' is ${show(traceUrl)}: use an http(s) URL, e.g. http://localhost:16686/trace/\${__value.raw}.`);
    }

    const runbookBaseUrl = r.get("runbookBaseUrl") ?? CONFIG_DEFAULTS.runbookBaseUrl;
    if (typeof runbookBaseUrl !== "string" || !/^https?:\/\/\S+[^/]$/.test(runbookBaseUrl)) {
        r.problem(`'runbookBaseUrl' is ${show(runbookBaseUrl)}: use an http(s) URL without a trailing slash.`);
    }

    const retainData = r.bool("retainData", CONFIG_DEFAULTS.retainData);

    return {
        tier,
        logLevel,
        prometheusRetention,
        lokiRetention,
        natsUsers,
        natsAppSubjects,
        alertReceiver,
        traceUrl: traceUrl as string | undefined,
        runbookBaseUrl: runbookBaseUrl as string,
        retainData,
    };
}

/** The only reader of `pulumi.Config` in the program; `stack` names the stack file in the fixes. */
export function loadStackConfig(config: pulumi.Config = new pulumi.Config(), stack = pulumi.getStack()): StackConfig {
    const prefix = `${config.name}:`;
    const unknown = unknownKeyProblems(
        Object.keys(pulumi.runtime.allConfig())
            .filter((k) => k.startsWith(prefix))
            .map((k) => k.slice(prefix.length)),
    );
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
    return parseStackConfig(raw, config.getSecret("alertReceiverUrl"), stack, unknown);
}

/** The config of one platform, for callers that serve only that one (dev:up's port check, tests); refuses the other. */
export function configFor<P extends StackConfig["platform"]>(config: StackConfig, platform: P): Extract<StackConfig, { platform: P }> {
    if (config.platform !== platform) throw new Error(`this needs a ${platform} stack, and the stack's platform is ${config.platform}`);
    return config as Extract<StackConfig, { platform: P }>;
}
