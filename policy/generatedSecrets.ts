/**
 * Policy `no-plaintext-generated-secrets`: a generated password (a `random.RandomPassword` result) appears only in a
 * secret value or a secret sink, never in a plain input or output of another resource.
 *
 * The engine hands validations plain values (it unwraps secrets), so besides wrapped secrets a value is allowed in
 * the places whose whole purpose is to hold a secret: Kubernetes Secret `data`/`stringData`, and files uploaded
 * into a container under a `secrets` directory.
 *
 * Two judgements, so the policy runs, and can fail, in a preview of a new stack too, where no password is known yet:
 *  - by flow (known at preview): a property that depends on a generated password must be a property that may carry
 *    one (a Secret's data, a container's uploads, a Helm release's values, which hold NATS's bcrypt hashes);
 *  - by value (once the passwords are known): no plain string anywhere holds one.
 */
import { isRecord, isWrappedSecret, ResourceUnderPolicy, safeEntries, reveal, TYPES, Violation, violation } from "./model";

export const NO_PLAINTEXT_GENERATED_SECRETS = "no-plaintext-generated-secrets";

/** Generated secrets of a stack: the `result` of every RandomPassword whose outputs are known. */
export function generatedSecretValues(resources: readonly ResourceUnderPolicy[]): Set<string> {
    const values = new Set<string>();
    for (const r of resources) {
        if (r.type !== TYPES.randomPassword) continue;
        // Through reveal: reading `r.props.result` directly throws on the engine's unknown value during a preview.
        const result = (reveal(r.props) as Record<string, unknown>).result;
        if (typeof result === "string" && result.length >= 8) values.add(result);
    }
    return values;
}

/** Whether a path of a resource's props is a place made to hold secrets. */
export function isSecretSink(r: ResourceUnderPolicy, path: readonly (string | number)[]): boolean {
    if (r.type === TYPES.k8sSecret) return path[0] === "data" || path[0] === "stringData";
    if (r.type === TYPES.dockerContainer && path[0] === "uploads" && typeof path[1] === "number" && path[2] === "content") {
        const uploads = (reveal(r.props) as Record<string, unknown>).uploads;
        const upload = Array.isArray(uploads) ? (uploads as unknown[])[path[1]] : undefined;
        return isRecord(upload) && typeof upload.file === "string" && /\/secrets?\//.test(upload.file);
    }
    return false;
}

/** Dotted paths of plain strings in `value` that contain one of `needles`; wrapped secrets and sinks are skipped. */
function plainOccurrences(r: ResourceUnderPolicy, value: unknown, needles: readonly string[], path: (string | number)[]): string[] {
    if (isWrappedSecret(value) || isSecretSink(r, path)) return [];
    if (typeof value === "string") return needles.some((n) => value.includes(n)) ? [path.join(".") || "(value)"] : [];
    if (Array.isArray(value)) return safeEntries(value).flatMap(([, v], i) => plainOccurrences(r, v, needles, [...path, i]));
    if (isRecord(value)) return safeEntries(value).flatMap(([k, v]) => plainOccurrences(r, v, needles, [...path, k]));
    return [];
}

/** Every resource (or output set) holding a generated secret in plain text, with the paths. */
export function checkGeneratedSecrets(resources: readonly ResourceUnderPolicy[], generated = generatedSecretValues(resources)): Violation[] {
    const needles = [...generated];
    if (needles.length === 0) return [];
    return resources
        .filter((r) => r.type !== TYPES.randomPassword)
        .flatMap((r) => {
            const paths = plainOccurrences(r, r.props, needles, []);
            return paths.length === 0
                ? []
                : [
                      violation(
                          NO_PLAINTEXT_GENERATED_SECRETS,
                          r,
                          `holds a generated password in plain text at ${paths.join(", ")}: wrap it with pulumi.secret() and deliver it through a secret (a Kubernetes Secret, a file under /run/secrets)`,
                      ),
                  ];
        });
}

/** The properties of each type that may depend on a generated password (the value check then looks inside them). */
export const SECRET_CARRYING_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
    [TYPES.k8sSecret]: ["data", "stringData"],
    [TYPES.dockerContainer]: ["uploads"],
    [TYPES.helmRelease]: ["values"],
};

/**
 * A resource with the resources each of its properties depends on, as the engine hands a stack policy; views
 * without them (the stack's outputs) are judged by value only.
 */
export interface ResourceWithDependencies extends ResourceUnderPolicy {
    readonly propertyDependencies?: Readonly<Record<string, readonly Pick<ResourceUnderPolicy, "type" | "name">[]>>;
}

/** Every property that depends on a generated password but is not made to carry one. Needs no value: runs at preview. */
export function checkGeneratedSecretFlows(resources: readonly ResourceWithDependencies[]): Violation[] {
    return resources.flatMap((r) => {
        const allowed = SECRET_CARRYING_PROPERTIES[r.type] ?? [];
        return Object.entries(r.propertyDependencies ?? {})
            .filter(([prop, deps]) => !allowed.includes(prop) && deps.some((d) => d.type === TYPES.randomPassword))
            .map(([prop, deps]) =>
                violation(
                    NO_PLAINTEXT_GENERATED_SECRETS,
                    r,
                    `its input '${prop}' is computed from the generated password ${deps
                        .filter((d) => d.type === TYPES.randomPassword)
                        .map((d) => `"${d.name}"`)
                        .join(", ")}: deliver the password through a Kubernetes Secret or a file under /run/secrets instead`,
                ),
            );
    });
}
