/**
 * Reads raw config values and collects every problem instead of stopping at the first, so the user gets the whole
 * list at once. Each message names the key, the value and the fix.
 */

/** Raw values as read from Pulumi config: strings for scalars, parsed JSON for objects and arrays. */
export interface RawStackConfig {
    readonly [key: string]: unknown;
}

export const show = (v: unknown): string => (typeof v === "string" ? `'${v}'` : JSON.stringify(v));

/** A whole number from a number or its string form (`pulumi config set --path x.n 3` stores the string "3"). */
export const wholeNumber = (value: unknown): unknown => (typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value);

export class ConfigReader {
    readonly problems: string[] = [];

    constructor(private readonly raw: RawStackConfig) {}

    get(key: string): unknown {
        return this.raw[key];
    }

    has(key: string): boolean {
        return this.raw[key] !== undefined;
    }

    problem(message: string): void {
        this.problems.push(message);
    }

    oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T | undefined): T {
        const value = this.get(key) ?? fallback;
        if (value === undefined) {
            this.problem(`'${key}' is required: set it to one of ${allowed.join(", ")} (pulumi config set ${key} <value>).`);
            return allowed[0];
        }
        if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
            this.problem(`'${key}' is ${show(value)}: use one of ${allowed.join(", ")}.`);
            return allowed[0];
        }
        return value as T;
    }

    bool(key: string, fallback: boolean): boolean {
        const value = this.get(key);
        if (value === undefined) return fallback;
        if (value === true || value === "true") return true;
        if (value === false || value === "false") return false;
        this.problem(`'${key}' is ${show(value)}: use true or false.`);
        return fallback;
    }

    objectOf(key: string): Record<string, unknown> | undefined {
        const value = this.get(key);
        if (value === undefined) return undefined;
        if (typeof value !== "object" || value === null || Array.isArray(value)) {
            this.problem(`'${key}' is ${show(value)}: it must be an object (set fields with pulumi config set --path ${key}.<field> <value>).`);
            return undefined;
        }
        return value as Record<string, unknown>;
    }

    arrayOf(key: string): unknown[] | undefined {
        const value = this.get(key);
        if (value === undefined) return undefined;
        if (!Array.isArray(value)) {
            this.problem(`'${key}' is ${show(value)}: it must be a list (pulumi config set --path '${key}[0]' <value>).`);
            return undefined;
        }
        return value;
    }

    /** Fields of an object key outside `known`. */
    unknownFields(key: string, fields: Record<string, unknown>, known: readonly string[]): void {
        for (const field of Object.keys(fields)) {
            if (!known.includes(field)) this.problem(`'${key}.${field}' is not a known setting: use one of ${known.join(", ")}.`);
        }
    }
}
