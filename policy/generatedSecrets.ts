/**
 * Policy `no-plaintext-generated-secrets`: a generated password (a `random.RandomPassword` result) appears only in a
 * secret value or a secret sink, never in a plain input or output of another resource.
 *
 * The engine hands validations plain values (it unwraps secrets), so besides wrapped secrets a value is allowed in
 * the places whose whole purpose is to hold a secret: Kubernetes Secret `data`/`stringData`, and files uploaded
 * into a container under a `secrets` directory.
 */
import { isRecord, isWrappedSecret, ResourceUnderPolicy, safeEntries, reveal, TYPES, Violation, violation } from "./model";

export const NO_PLAINTEXT_GENERATED_SECRETS = "no-plaintext-generated-secrets";

/** Generated secrets of a stack: the `result` of every RandomPassword whose outputs are known. */
export function generatedSecretValues(resources: readonly ResourceUnderPolicy[]): Set<string> {
    const values = new Set<string>();
    for (const r of resources) {
        if (r.type !== TYPES.randomPassword) continue;
        const result = reveal(r.props.result);
        if (typeof result === "string" && result.length >= 8) values.add(result);
    }
    return values;
}

/** Whether a path of a resource's props is a place made to hold secrets. */
export function isSecretSink(r: ResourceUnderPolicy, path: readonly (string | number)[]): boolean {
    if (r.type === TYPES.k8sSecret) return path[0] === "data" || path[0] === "stringData";
    if (r.type === TYPES.dockerContainer && path[0] === "uploads" && typeof path[1] === "number" && path[2] === "content") {
        const upload = (reveal(r.props.uploads) as unknown[])[path[1]];
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
