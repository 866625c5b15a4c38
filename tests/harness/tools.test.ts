/**
 * The recipe table (harness/tools/recipes.ts) and its cache keys, without building or running anything: the
 * programs themselves are run by tools.programs.ts.
 */
import { buildRecipe, cacheKey, wrapperGoMod } from "../../harness/tools/build";
import { ALL_TOOLS, E2E_IMAGE_TOOLS, K8S_CLUSTER_TOOLS, K8S_TOOLS, PROGRAMS_SUITE_TOOLS, TOOLS } from "../../harness/tools/recipes";
import { VERSIONS } from "../../config/versions";

describe("the recipe table", () => {
    it("names each program once, under the name of its binary", () => {
        for (const [key, spec] of Object.entries(TOOLS)) expect(`${key} -> ${spec.name}`).toBe(`${key} -> ${key}`);
        expect(new Set(ALL_TOOLS.map((s) => s.name)).size).toBe(ALL_TOOLS.length);
    });

    it("holds every program a suite builds", () => {
        const inTable = new Set(ALL_TOOLS);
        for (const spec of [...PROGRAMS_SUITE_TOOLS, ...E2E_IMAGE_TOOLS, ...K8S_TOOLS, ...K8S_CLUSTER_TOOLS]) expect(inTable.has(spec)).toBe(true);
    });

    it("builds each program from a package of its own module, at a version of config/versions.ts", () => {
        for (const spec of ALL_TOOLS) {
            expect(`${spec.name}: ${spec.pkg === spec.module || spec.pkg.startsWith(`${spec.module}/`)}`).toBe(`${spec.name}: true`);
            expect(`${spec.name}: ${spec.version}`).toMatch(/: v\d+\.\d+\.\d+$/);
        }
    });

    it("repeats the replaces a module's own go.mod needs in the wrapper module", () => {
        expect(wrapperGoMod(TOOLS.etcd)).toContain("replace go.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 v3.");
        expect(wrapperGoMod(TOOLS.alertmanager)).toMatch(/replace github\.com\/prometheus\/alertmanager => \/.*alertmanager-v[\d.]+-no-ui\n/);
        expect(wrapperGoMod(TOOLS.promtool)).toBe("module a4co.local/toolbuild\n\ngo 1.26\n");
    });
});

describe("the build cache", () => {
    it("keys each build on anything that changes the binary", () => {
        const spec = TOOLS.pulumi;
        const variants = [
            spec,
            { ...spec, ldflags: [...spec.ldflags, "-X main.extra=1"] },
            { ...spec, replaces: ["example.com/a => example.com/b v1.0.0"] },
            { ...spec, alsoRequire: [] },
            { ...spec, pkg: `${spec.pkg}/other` },
            { ...spec, version: "v3.0.0" },
        ];
        const keys = variants.map((v) => cacheKey(v, "go1.26.8"));
        expect(new Set(keys).size).toBe(variants.length);
        expect(cacheKey(spec, "go1.26.9")).not.toBe(cacheKey(spec, "go1.26.8"));
        expect(buildRecipe({ ...spec })).toBe(buildRecipe(spec));
    });
});

describe("the pins the programs are built at", () => {
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
