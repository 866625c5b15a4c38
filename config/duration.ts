/**
 * Duration parsers for the two grammars the stack's programs use: Prometheus's (the stack config's retentions, Loki's
 * `retention_period`) and Go's (Loki's other duration keys, checked by tests/reference/loki). Both return
 * milliseconds, or undefined when the text is not a duration in that grammar.
 */

const GO_UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's `time.ParseDuration` grammar: e.g. `744h`, `1h30m`, `1.5h`; no days. */
export function parseGoDuration(text: string): number | undefined {
    if (text === "0") return 0;
    const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
    let total = 0;
    let pos = 0;
    while (pos < text.length) {
        re.lastIndex = pos;
        const m = re.exec(text);
        if (!m) return undefined;
        total += Number(m[1]) * GO_UNITS[m[2]];
        pos = re.lastIndex;
    }
    return pos > 0 ? total : undefined;
}

const PROM_UNITS: [string, number][] = [
    ["y", 365 * 86_400_000],
    ["w", 7 * 86_400_000],
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
    ["ms", 1],
];

/** Prometheus's duration grammar (`model.ParseDuration`): integers with units in descending order, e.g. `30d`, `1w2d`. */
export function parsePrometheusDuration(text: string): number | undefined {
    const m = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/.exec(text);
    if (!m || text === "") return text === "0" ? 0 : undefined;
    return PROM_UNITS.reduce((sum, [, ms], i) => sum + Number(m[i + 1] ?? 0) * ms, 0);
}
