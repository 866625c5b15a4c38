/**
 * What the policies look at, independent of where it comes from: the policy engine (`pulumi preview --policy-pack`)
 * or the tests' Pulumi mocks. Every check is a pure function over these views so tests call it directly.
 */

/** One resource as a policy sees it. */
export interface ResourceUnderPolicy {
    /** Pulumi type token, e.g. `docker:index/container:Container`. */
    readonly type: string;
    /** Logical name, e.g. `a4co-dev-grafana`. */
    readonly name: string;
    /**
     * Inputs (resource policies) or outputs (stack policies). Secret values may be wrapped (the mocks' wire form or
     * `@pulumi/policy`'s `Secret`) or plain (the engine unwraps them for validations).
     */
    readonly props: Record<string, unknown>;
    /**
     * The `retainOnDelete` resource option, or `undefined` where the source does not report it: the engine does not
     * pass it to policy packs (AnalyzerResourceOptions has no such field), the mocks' `newResource` does not either.
     */
    readonly retainOnDelete?: boolean;
}

/**
 * Stack settings the policies need. A policy pack cannot read stack config, so these come from the pack's own
 * config (`pulumi preview --policy-pack policy --policy-pack-config <file>`); the defaults are the stack defaults.
 */
export interface PolicySettings {
    /** The stack's `bindAddress`: publishing on all interfaces is allowed only when it says so. */
    readonly bindAddress: string;
    /** The stack's `retainData`: when true, data volumes and PVCs must survive `pulumi destroy`. */
    readonly retainData: boolean;
}

export const DEFAULT_POLICY_SETTINGS: PolicySettings = { bindAddress: "127.0.0.1", retainData: true };

/** A failed rule: which policy, which resource, what is wrong and how to fix it. */
export interface Violation {
    readonly policy: string;
    readonly resource: string;
    readonly message: string;
}

/** `<policy>: <type> "<name>": <problem>`: every report names the rule and the resource. */
export const violation = (policy: string, r: Pick<ResourceUnderPolicy, "type" | "name">, problem: string): Violation => ({
    policy,
    resource: r.name,
    message: `${policy}: ${r.type} "${r.name}": ${problem}`,
});

/** The signature key and value of a secret on the Pulumi wire (what the mock monitor receives). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Whether `value` is a secret in one of the wrapped forms (wire form, or `@pulumi/policy` Secret). */
export function isWrappedSecret(value: unknown): value is { value: unknown } {
    if (value === null || typeof value !== "object") return false;
    const o = value as Record<string, unknown>;
    if (o[SIG_KEY] === SECRET_SIG) return true;
    return value.constructor?.name === "Secret" && "value" in o;
}

/**
 * A value not known yet (during a preview, an input computed from another resource's output). Checks treat it as
 * "cannot tell": never a violation, never a pass of something required to be absent.
 */
export const UNKNOWN: unique symbol = Symbol("unknown during preview");

/** The Pulumi wire sentinels of unknown values (one per type), as the engine and the mocks send them. */
const UNKNOWN_SENTINELS = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export const isUnknown = (v: unknown): boolean => v === UNKNOWN || (typeof v === "string" && UNKNOWN_SENTINELS.has(v));

/**
 * `[key, value]` pairs of an object, unknown values as UNKNOWN. The engine hands policies a proxy that throws on
 * reading an unknown value, which would turn the whole policy into an advisory "can't run during preview".
 */
export function safeEntries(value: object): [string, unknown][] {
    return Object.keys(value).map((k) => {
        try {
            const v = (value as Record<string, unknown>)[k];
            return [k, isUnknown(v) ? UNKNOWN : v];
        } catch (e) {
            if ((e as Error)?.constructor?.name === "UnknownValueError") return [k, UNKNOWN];
            throw e;
        }
    });
}

/** `value` with every secret wrapper removed and unknowns as UNKNOWN, for checks that do not care about secrecy. */
export function reveal(value: unknown): unknown {
    if (isUnknown(value)) return UNKNOWN;
    if (isWrappedSecret(value)) return reveal(value.value);
    if (Array.isArray(value)) return safeEntries(value).map(([, v]) => reveal(v));
    if (value !== null && typeof value === "object") return Object.fromEntries(safeEntries(value).map(([k, v]) => [k, reveal(v)]));
    return value;
}

export type Json = unknown;

/** Every (path, key, value) of an object tree, depth first; paths look like `grafana.persistence.enabled`. */
export function* walk(value: Json, path = ""): Generator<{ path: string; key: string; value: Json; parent: Record<string, Json> | Json[] }> {
    if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
            const p = `${path}[${i}]`;
            yield { path: p, key: String(i), value: value[i], parent: value };
            yield* walk(value[i], p);
        }
    } else if (value !== null && typeof value === "object") {
        for (const [k, v] of Object.entries(value as Record<string, Json>)) {
            const p = path ? `${path}.${k}` : k;
            yield { path: p, key: k, value: v, parent: value as Record<string, Json> };
            yield* walk(v, p);
        }
    }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** The value at a dotted path, or undefined. */
export function at(value: unknown, path: string): unknown {
    let cur = value;
    for (const part of path.split(".")) {
        if (cur === UNKNOWN) return UNKNOWN;
        if (!isRecord(cur)) return undefined;
        cur = cur[part];
    }
    return cur;
}

/** Resource types the policies know. */
export const TYPES = {
    dockerContainer: "docker:index/container:Container",
    dockerImage: "docker:index/remoteImage:RemoteImage",
    dockerVolume: "docker:index/volume:Volume",
    helmRelease: "kubernetes:helm.sh/v3:Release",
    k8sNamespace: "kubernetes:core/v1:Namespace",
    k8sPvc: "kubernetes:core/v1:PersistentVolumeClaim",
    k8sSecret: "kubernetes:core/v1:Secret",
    k8sService: "kubernetes:core/v1:Service",
    randomPassword: "random:index/randomPassword:RandomPassword",
} as const;

/** Kubernetes workload types whose pod template the policies inspect, and where the pod spec sits. */
export const K8S_WORKLOADS: Readonly<Record<string, string>> = {
    "kubernetes:apps/v1:Deployment": "spec.template.spec",
    "kubernetes:apps/v1:StatefulSet": "spec.template.spec",
    "kubernetes:apps/v1:DaemonSet": "spec.template.spec",
    "kubernetes:apps/v1:ReplicaSet": "spec.template.spec",
    "kubernetes:batch/v1:Job": "spec.template.spec",
    "kubernetes:batch/v1:CronJob": "spec.jobTemplate.spec.template.spec",
    "kubernetes:core/v1:Pod": "spec",
};

/** The containers of a Kubernetes workload, with `init` set for init containers. */
export function podContainers(r: ResourceUnderPolicy): { name: string; init: boolean; spec: Record<string, unknown> }[] {
    const specPath = K8S_WORKLOADS[r.type];
    if (specPath === undefined) return [];
    const pod = at(reveal(r.props), specPath);
    if (!isRecord(pod)) return [];
    const list = (key: string, init: boolean) =>
        (Array.isArray(pod[key]) ? (pod[key] as unknown[]) : []).filter(isRecord).map((c, i) => ({ name: String(c.name ?? `#${i}`), init, spec: c }));
    return [...list("initContainers", true), ...list("containers", false)];
}
