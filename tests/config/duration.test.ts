import { parseGoDuration, parsePrometheusDuration } from "../../config/duration";

describe("parseGoDuration (Go durations, as Loki parses most of its duration keys)", () => {
    it.each([
        ["744h", 744 * 3_600_000],
        ["24h", 86_400_000],
        ["1h30m", 5_400_000],
        ["1.5h", 5_400_000],
        ["90s", 90_000],
        ["0", 0],
    ])("parses %s", (text, ms) => expect(parseGoDuration(text)).toBe(ms));

    it.each(["31d", "", "h", "10", "1 h", "-1h", "1hm"])("rejects %p", (text) => expect(parseGoDuration(text)).toBeUndefined());
});

describe("parsePrometheusDuration", () => {
    it.each([
        ["30d", 30 * 86_400_000],
        ["2w", 14 * 86_400_000],
        ["1y", 365 * 86_400_000],
        ["1d12h", 36 * 3_600_000],
        ["15s", 15_000],
        ["0", 0],
    ])("parses %s", (text, ms) => expect(parsePrometheusDuration(text)).toBe(ms));

    it.each(["forever", "", "1.5d", "12h1d", "d", "30 d"])("rejects %p", (text) => expect(parsePrometheusDuration(text)).toBeUndefined());
});
