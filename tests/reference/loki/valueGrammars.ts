/**
 * The value grammars of Loki's YAML decoding (gopkg.in/yaml.v2 into Go types), in our words. Each returns whether
 * the text is accepted.
 */
import { parseGoDuration, parsePrometheusDuration } from "../../../config/duration";

/**
 * flagext.ByteSize (grafana/loki@v3.7.6:pkg/util/flagext/bytesize.go) upper-cases the text, then hands it to
 * c2h5oh/datasize (vendor/github.com/c2h5oh/datasize/datasize.go, UnmarshalText): whole digits only (no `1.5MB`),
 * then an optional unit: B, K/KB, M/MB, G/GB, T/TB, P/PB, E/EB or the spelled-out names. Units are powers of 1024.
 */
const BYTE_UNITS = ["", "B", "BYTE", "K", "KB", "KILO", "KILOBYTE", "KILOBYTES", "M", "MB", "MEGA", "MEGABYTE", "MEGABYTES"]
    .concat(["G", "GB", "GIGA", "GIGABYTE", "GIGABYTES", "T", "TB", "TERA", "TERABYTE", "TERABYTES"])
    .concat(["P", "PB", "PETA", "PETABYTE", "PETABYTES", "E", "EB"]);

export function isByteSize(text: string): boolean {
    const m = /^(\d+)(.*)$/.exec(text.toUpperCase());
    return m !== null && BYTE_UNITS.includes(m[2].trim());
}

/** Go's time.ParseDuration (yaml.v2 decodes time.Duration fields with it): no `d`, `w` or `y`. */
export const isGoDuration = (text: string): boolean => parseGoDuration(text) !== undefined;

/** Prometheus's model.ParseDuration (model.Duration fields): whole numbers, units y w d h m s ms in that order. */
export const isPrometheusDuration = (text: string): boolean => parsePrometheusDuration(text) !== undefined;

/** Milliseconds of a duration in either grammar, for the rules that compare durations. */
export const durationMs = (text: string): number | undefined => parseGoDuration(text) ?? parsePrometheusDuration(text);

/**
 * DayTime (grafana/loki@v3.7.6:pkg/storage/config/schema_config.go, UnmarshalYAML) is Go's time.Parse("2006-01-02"):
 * four-digit year, two-digit month and day, a real calendar date.
 */
export function isDayTime(text: string): boolean {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) return false;
    const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}
