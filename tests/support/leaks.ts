const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/**
 * Paths of plain (non-secret) strings inside `value` that contain any of `needles`. Values wrapped as Pulumi secrets
 * (as the mock monitor receives them) are skipped: that is where plaintext is allowed to be.
 */
export function plaintextOccurrences(value: unknown, needles: Iterable<string>, at = "$"): string[] {
    const list = [...needles].filter((n) => n.length > 0);
    if (typeof value === "string") return list.some((n) => value.includes(n)) ? [at] : [];
    if (value === null || typeof value !== "object") return [];
    if (SECRET_SIG_KEY in (value as Record<string, unknown>)) return [];
    if (Array.isArray(value)) return value.flatMap((v, i) => plaintextOccurrences(v, list, `${at}[${i}]`));
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => plaintextOccurrences(v, list, `${at}.${k}`));
}

/** Whether a mock-monitor input value is a Pulumi secret. */
export function isSecretInput(value: unknown): boolean {
    return value !== null && typeof value === "object" && SECRET_SIG_KEY in (value as Record<string, unknown>);
}

/** The plain value inside a secret input (or the value itself). */
export function unwrapSecret<T = unknown>(value: unknown): T {
    return (isSecretInput(value) ? (value as { value: unknown }).value : value) as T;
}

/** `value` with every secret input inside it unwrapped, at any depth. */
export function unwrapSecrets(value: unknown): unknown {
    const plain = unwrapSecret(value);
    if (Array.isArray(plain)) return plain.map(unwrapSecrets);
    if (plain !== null && typeof plain === "object") return Object.fromEntries(Object.entries(plain).map(([k, v]) => [k, unwrapSecrets(v)]));
    return plain;
}
