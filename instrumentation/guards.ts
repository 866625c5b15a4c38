/**
 * Cardinality guards: every value that becomes a label (event types, consumer names, route templates) is checked
 * against a pattern and, optionally, an allow-list. A bad value is refused with an error naming it and the fix,
 * never turned into a new series.
 */

export interface NameGuardOptions {
    /** What the value is, for error messages, e.g. `event type`. */
    readonly kind: string;
    readonly pattern: RegExp;
    /** A valid example shown in error messages. */
    readonly example: string;
    /** When set, only these values are accepted (each must also match the pattern). */
    readonly allow?: readonly string[];
}

export interface NameGuard {
    readonly kind: string;
    /** Returns `value` when it is acceptable, throws an Error naming the value and the fix otherwise. */
    check(value: string): string;
    /** True when `value` would pass `check`. */
    accepts(value: string): boolean;
}

/** Event types are `<aggregate>.<event>` in lower snake case, e.g. `order.created`; the subject adds a prefix. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]{0,39}\.[a-z][a-z0-9_]{0,39}$/;
/** Consumer names double as JetStream durable names: letters, digits, `-` and `_` only. */
export const CONSUMER_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/;
/** Route templates: absolute paths of literal segments and `:param` placeholders, e.g. `/orders/:id`. */
export const ROUTE_PATTERN = /^\/(?:(?::[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9._~-]+)(?:\/(?::[A-Za-z_][A-Za-z0-9_]*|[A-Za-z0-9._~-]+))*)?$/;

/** Builds a guard; validated values are remembered, so checking a known value costs one Set lookup. */
export function createNameGuard(opts: NameGuardOptions): NameGuard {
    if (opts.allow) {
        for (const v of opts.allow) {
            if (!opts.pattern.test(v)) {
                throw new Error(
                    `allow-list for ${opts.kind} holds "${v}", which does not match ${opts.pattern}: fix the entry (e.g. "${opts.example}")`,
                );
            }
        }
    }
    const allowed = opts.allow ? new Set(opts.allow) : undefined;
    const known = new Set<string>();
    const reason = (value: string): string | undefined => {
        if (typeof value !== "string" || !opts.pattern.test(value)) {
            return `${opts.kind} ${JSON.stringify(value)} is refused: it must match ${opts.pattern} (e.g. "${opts.example}")`;
        }
        if (allowed && !allowed.has(value)) {
            return `${opts.kind} "${value}" is refused: it is not in the allow-list [${[...allowed].join(", ")}]; add it there or use a listed one`;
        }
        return undefined;
    };
    return {
        kind: opts.kind,
        check(value: string): string {
            if (known.has(value)) return value;
            const why = reason(value);
            if (why !== undefined) throw new Error(why);
            known.add(value);
            return value;
        },
        accepts(value: string): boolean {
            return known.has(value) || reason(value) === undefined;
        },
    };
}

export function eventTypeGuard(allow?: readonly string[]): NameGuard {
    return createNameGuard({ kind: "event type", pattern: EVENT_TYPE_PATTERN, example: "order.created", allow });
}

export function consumerGuard(allow?: readonly string[]): NameGuard {
    return createNameGuard({ kind: "consumer", pattern: CONSUMER_PATTERN, example: "billing", allow });
}

export function routeGuard(): NameGuard {
    return createNameGuard({ kind: "route template", pattern: ROUTE_PATTERN, example: "/orders/:id" });
}
