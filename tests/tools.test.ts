import { buildRecipe, runTool, toolBinary, TOOL_NAMES, toolSpec } from "./support/tools";
import { VERSIONS } from "../config/versions";

/** The version each tool prints, from its own --version output. */
function reportedVersion(name: (typeof TOOL_NAMES)[number]): string {
    const r = runTool(name, [...toolSpec(name).versionArgs]);
    const text = r.stdout + r.stderr;
    const m = /(?:version|nats-server:)\s+v?(\d+\.\d+\.\d+)/.exec(text);
    if (!m) throw new Error(`${name} printed no version: ${text}`);
    return m[1];
}

describe("the real programs the tests use", () => {
    it.each(TOOL_NAMES)("%s reports exactly the pinned version", (name) => {
        expect(reportedVersion(name)).toBe(toolSpec(name).reportedVersion);
    });

    it("caches each build under a key that changes with anything that changes the binary", () => {
        const spec = toolSpec("pulumi");
        const variants = [
            spec,
            { ...spec, ldflags: [...spec.ldflags, "-X main.extra=1"] },
            { ...spec, replaces: ["example.com/a => example.com/b v1.0.0"] },
            { ...spec, alsoRequire: [] },
            { ...spec, pkg: `${spec.pkg}/other` },
            { ...spec, version: "v3.0.0" },
        ];
        const keys = variants.map((v) => toolBinary(v));
        expect(new Set(keys).size).toBe(variants.length);
        expect(buildRecipe({ ...spec })).toBe(buildRecipe(spec));
    });

    it("derives each tool's version from the image pins (Prometheus vX.Y.Z is module v0.XYY.Z)", () => {
        const [major, minor, patch] = VERSIONS.prometheus.tag.slice(1).split(".").map(Number);
        expect(VERSIONS.prometheus.goVersion).toBe(`v0.${major * 100 + minor}.${patch}`);
        expect(VERSIONS.alertmanager.goVersion).toBe(VERSIONS.alertmanager.tag);
        expect(VERSIONS.nats.tag.startsWith(VERSIONS.nats.goVersion.slice(1))).toBe(true);
        expect(VERSIONS.natsExporter.goVersion).toBe(`v${VERSIONS.natsExporter.tag}`);
    });
});

describe("config/versions.ts", () => {
    it("pins every image to an exact tag, never latest", () => {
        for (const [service, v] of Object.entries(VERSIONS)) {
            expect({ service, tag: v.tag }).toEqual({ service, tag: expect.stringMatching(/^v?\d+\.\d+\.\d+(-[a-z0-9]+)?$/) });
        }
    });
});
