/**
 * The policies of the pack, as `@pulumi/policy` objects over the pure checks. Kept apart from index.ts because
 * constructing a PolicyPack starts the analyzer server; tests import this file instead.
 */
import type {
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";

import { checkPublicPorts, NO_PUBLIC_PORTS } from "./exposure";
import { checkGeneratedSecretFlows, checkGeneratedSecrets, NO_PLAINTEXT_GENERATED_SECRETS, ResourceWithDependencies } from "./generatedSecrets";
import { checkHelmRelease, HELM_RELEASE_TIMEOUT_AND_NAME } from "./helmReleases";
import { DEFAULT_POLICY_SETTINGS, PolicySettings, ResourceUnderPolicy, Violation } from "./model";
import { checkPinnedVersions, PINNED_VERSIONS } from "./pinnedVersions";
import { checkRetention, DATA_RETAINED_ON_DELETE } from "./retention";
import { checkHealthchecks, checkResourceLimits, CONTAINER_HEALTHCHECKS, RESOURCE_LIMITS } from "./workloads";

/** One rule: its name, what it demands, and its check over a single resource. */
export interface ResourceRule {
    readonly name: string;
    readonly description: string;
    readonly check: (r: ResourceUnderPolicy, settings: PolicySettings) => Violation[];
}

/** The per-resource rules, in the order the issue lists them. */
export const RESOURCE_RULES: readonly ResourceRule[] = [
    {
        name: PINNED_VERSIONS,
        description: "Images and Helm charts are pinned to exact versions: no latest, no missing tag, no floating tag or version range.",
        check: checkPinnedVersions,
    },
    {
        name: RESOURCE_LIMITS,
        description: "Every container, and every chart workload the Helm values size, has memory and CPU limits.",
        check: checkResourceLimits,
    },
    {
        name: CONTAINER_HEALTHCHECKS,
        description: "Every container has a healthcheck (Docker) or a readiness/liveness probe (Kubernetes); values never switch chart probes off.",
        check: checkHealthchecks,
    },
    {
        name: NO_PUBLIC_PORTS,
        description: "No port is published on all interfaces (0.0.0.0) unless bindAddress says so; no LoadBalancer/NodePort/hostPort/hostNetwork.",
        check: checkPublicPorts,
    },
    {
        name: DATA_RETAINED_ON_DELETE,
        description: "Data volumes, PVCs and the namespace holding them survive pulumi destroy unless retainData is false.",
        check: checkRetention,
    },
    { name: HELM_RELEASE_TIMEOUT_AND_NAME, description: "Every Helm release has a timeout and a fixed release name.", check: checkHelmRelease },
];

/** The stack rule: generated passwords flow only into the properties made to carry them, and never sit in plain text. */
export const STACK_RULE = {
    name: NO_PLAINTEXT_GENERATED_SECRETS,
    description: "No generated password flows into, or appears in, a non-secret input or output of any resource.",
    check: (resources: readonly ResourceWithDependencies[]) => [...checkGeneratedSecretFlows(resources), ...checkGeneratedSecrets(resources)],
} as const;

/** The pack's config: the stack settings the rules depend on (a pack cannot read stack config). */
export const SETTINGS_SCHEMA: PolicyConfigSchema = {
    properties: {
        bindAddress: { type: "string", default: DEFAULT_POLICY_SETTINGS.bindAddress, description: "The stack's bindAddress." },
        retainData: { type: "boolean", default: DEFAULT_POLICY_SETTINGS.retainData, description: "The stack's retainData." },
    },
};

/** Settings from the pack's config, defaults filled in. */
export function settingsFrom(config: Partial<PolicySettings> | undefined): PolicySettings {
    return { ...DEFAULT_POLICY_SETTINGS, ...Object.fromEntries(Object.entries(config ?? {}).filter(([, v]) => v !== undefined)) };
}

/** What the engine tells a validation, as the rules' view (`retainOnDelete` only if a future engine passes it). */
export function viewOf(args: Pick<ResourceValidationArgs, "type" | "name" | "props"> & { opts?: object }): ResourceUnderPolicy {
    const retain = (args.opts as { retainOnDelete?: unknown } | undefined)?.retainOnDelete;
    return { type: args.type, name: args.name, props: args.props, retainOnDelete: typeof retain === "boolean" ? retain : undefined };
}

const report = (violations: Violation[], reportViolation: ReportViolation, urn?: string) => {
    for (const v of violations) reportViolation(v.message, urn);
};

/** The `@pulumi/policy` policies of the pack. */
export function buildPolicies(): (ResourceValidationPolicy | StackValidationPolicy)[] {
    const resourcePolicies: ResourceValidationPolicy[] = RESOURCE_RULES.map((rule) => ({
        name: rule.name,
        description: rule.description,
        enforcementLevel: "mandatory",
        configSchema: SETTINGS_SCHEMA,
        validateResource: (args, reportViolation) =>
            report(rule.check(viewOf(args), settingsFrom(args.getConfig<Partial<PolicySettings>>())), reportViolation),
    }));
    const stackPolicy: StackValidationPolicy = {
        name: STACK_RULE.name,
        description: STACK_RULE.description,
        enforcementLevel: "mandatory",
        validateStack: (args, reportViolation) => {
            const byName = new Map<string, PolicyResource>(args.resources.map((r) => [r.name, r]));
            const resources = args.resources.map((r) => ({
                type: r.type,
                name: r.name,
                props: r.props,
                propertyDependencies: Object.fromEntries(
                    Object.entries(r.propertyDependencies ?? {}).map(([prop, deps]) => [prop, deps.map((d) => ({ type: d.type, name: d.name }))]),
                ),
            }));
            for (const v of STACK_RULE.check(resources)) {
                reportViolation(v.message, byName.get(v.resource)?.urn);
            }
        },
    };
    return [...resourcePolicies, stackPolicy];
}
