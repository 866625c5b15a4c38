/**
 * Every config key the stack reads, declared once: how Pulumi hands it over (a scalar string, a structured value, a
 * secret) and which platform reads it. The reader's key lists, the unknown-key check and the refusal of the other
 * platform's keys all derive from this table.
 */
import type { DockerSettings, KubernetesSettings, Platform } from "./types";

/** `common` keys apply to both platforms; the others to that platform only. */
export type KeyScope = "common" | Platform;

interface KeySpec {
    /** `scalar`: `config.get`; `structured`: `config.getObject` (objects and lists); `secret`: `config.getSecret`. */
    readonly read: "scalar" | "structured" | "secret";
    readonly scope: KeyScope;
}

export const CONFIG_KEYS = {
    platform: { read: "scalar", scope: "common" },
    tier: { read: "scalar", scope: "common" },
    logLevel: { read: "scalar", scope: "common" },
    prometheusRetention: { read: "scalar", scope: "common" },
    lokiRetention: { read: "scalar", scope: "common" },
    natsUsers: { read: "structured", scope: "common" },
    natsAppSubjects: { read: "structured", scope: "common" },
    alertReceiverKind: { read: "scalar", scope: "common" },
    alertReceiverUrl: { read: "secret", scope: "common" },
    alertSlackChannel: { read: "scalar", scope: "common" },
    traceUrl: { read: "scalar", scope: "common" },
    runbookBaseUrl: { read: "scalar", scope: "common" },
    retainData: { read: "scalar", scope: "common" },
    logCollector: { read: "scalar", scope: "docker" },
    bindAddress: { read: "scalar", scope: "docker" },
    externalHost: { read: "scalar", scope: "docker" },
    ports: { read: "structured", scope: "docker" },
    scrapeTargets: { read: "structured", scope: "docker" },
    docker: { read: "structured", scope: "docker" },
    kubernetes: { read: "structured", scope: "kubernetes" },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;
type KeysOf<S extends KeyScope> = { [K in ConfigKey]: (typeof CONFIG_KEYS)[K]["scope"] extends S ? K : never }[ConfigKey];

// The platform-only keys are exactly the fields of that platform's settings: a field added to DockerSettings or
// KubernetesSettings without a key here (or the reverse) does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const dockerKeysMatch: Same<KeysOf<"docker">, keyof DockerSettings> = true;
const kubernetesKeysMatch: Same<KeysOf<"kubernetes">, keyof KubernetesSettings> = true;
void [dockerKeysMatch, kubernetesKeysMatch];

const keysWhere = (test: (spec: KeySpec) => boolean): ConfigKey[] =>
    (Object.keys(CONFIG_KEYS) as ConfigKey[]).filter((key) => test(CONFIG_KEYS[key]));

/** Scalar keys read with `config.get`. */
export const SCALAR_KEYS = keysWhere((s) => s.read === "scalar");
/** Object and list keys read with `config.getObject`. */
export const STRUCTURED_KEYS = keysWhere((s) => s.read === "structured");
/** Every key the stack reads: anything else under the project's namespace is a typo or a missing `--path`. */
export const KNOWN_KEYS: readonly string[] = Object.keys(CONFIG_KEYS);
/** The keys only one platform reads. */
export const PLATFORM_KEYS: Readonly<Record<Platform, readonly ConfigKey[]>> = {
    docker: keysWhere((s) => s.scope === "docker"),
    kubernetes: keysWhere((s) => s.scope === "kubernetes"),
};

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

/**
 * Problems with keys of the other platform: a stack this strict about unknown keys must not silently take a key
 * that changes nothing on its platform. `stack` names the stack file the user edits.
 */
export function otherPlatformProblems(keys: readonly string[], platform: Platform, stack: string): string[] {
    const other: Platform = platform === "docker" ? "kubernetes" : "docker";
    return PLATFORM_KEYS[other]
        .filter((key) => keys.includes(key))
        .map(
            (key) =>
                `'${key}' applies to the ${other} platform only: remove it from Pulumi.${stack}.yaml (pulumi config rm ${key} --stack ${stack}).`,
        );
}
