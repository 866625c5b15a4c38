/**
 * The licences the project takes on: its own (Apache-2.0), every npm package in the lockfile (permissive or data
 * licences only), and every Go module the tests build (Apache-2.0, MIT or BSD; never an AGPL module such as Loki's,
 * Grafana's or k6's, and no built program may link one).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { REPO_ROOT } from "./support/stackConfig";
import { ACTIONLINT } from "./workflows/actionlint";
import { alertmanagerServerSpec, prometheusServerSpec } from "./e2e/programs";
import { K8S_CLUSTER_PROGRAMS, K8S_PROGRAMS } from "./k8s/programs";
import { TOOL_NAMES, toolPath, toolSpec, ToolSpec } from "./support/tools";

/** SPDX identifiers an npm dependency may carry: permissive code licences, and the data licences of caniuse and co. */
const NPM_ALLOWED = new Set([
    "MIT",
    "ISC",
    "Apache-2.0",
    "BSD-2-Clause",
    "BSD-3-Clause",
    "0BSD",
    "BlueOak-1.0.0",
    "Unlicense",
    "CC0-1.0",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "Python-2.0",
]);
/** Packages whose lockfile entry carries no SPDX licence, with the licence read from their own files. */
const NPM_READ_BY_HAND: Readonly<Record<string, string>> = {
    // Legacy `licenses: [{type: "MIT"}]` in their package.json, which the lockfile does not copy.
    "node_modules/buildcheck": "MIT",
    "node_modules/cpu-features": "MIT",
    "node_modules/exit": "MIT",
    "node_modules/ssh2": "MIT",
    // "SEE LICENSE IN LICENSE": the file is the MIT licence.
    "node_modules/@logdna/tail-file": "MIT",
};
/** Go modules the project never builds (the machines' module list marks them "not to use: under the AGPL"). */
const AGPL_GO_MODULES = ["github.com/grafana/loki/v3", "github.com/grafana/grafana", "github.com/grafana/tempo", "go.k6.io/k6"];

/** Each alternative of an SPDX expression such as `(MIT OR CC0-1.0)` or `(BSD-3-Clause AND Apache-2.0)`. Pure. */
export function spdxParts(expression: string): string[] {
    return expression
        .replace(/[()]/g, " ")
        .split(/\s+(?:OR|AND)\s+/)
        .map((p) => p.trim())
        .filter(Boolean);
}

/** The licence family of a licence file's text. Pure. */
export function licenceFamily(text: string): "Apache-2.0" | "MIT" | "BSD" | "AGPL" | "GPL" | "unknown" {
    if (/GNU AFFERO GENERAL PUBLIC LICENSE/i.test(text)) return "AGPL";
    if (/GNU (LESSER )?GENERAL PUBLIC LICENSE/i.test(text)) return "GPL";
    if (/Apache License[\s\S]{0,80}Version 2\.0/i.test(text)) return "Apache-2.0";
    if (/Permission is hereby granted, free of charge/i.test(text)) return "MIT";
    if (/Redistribution and use in source and binary forms/i.test(text)) return "BSD";
    return "unknown";
}

/** Every program the suites build, from the recipe tables of each suite. */
const BUILT: readonly ToolSpec[] = [
    ...TOOL_NAMES.map((n) => toolSpec(n)),
    toolSpec("pulumi"),
    ACTIONLINT,
    prometheusServerSpec(),
    alertmanagerServerSpec(),
    ...K8S_PROGRAMS,
    ...K8S_CLUSTER_PROGRAMS,
];

/** The licence file of `module@version`, from the Go module cache (`go mod download` fetches it once). */
function moduleLicence(module: string, version: string): string {
    const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-licence-"));
    try {
        const r = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], {
            cwd,
            encoding: "utf8",
            env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=mod" },
            timeout: 600_000,
        });
        if (r.status !== 0) throw new Error(`go mod download ${module}@${version}: ${r.stderr}${r.stdout}`);
        const dir = (JSON.parse(r.stdout) as { Dir: string }).Dir;
        const file = ["LICENSE", "LICENSE.txt", "LICENSE.md", "COPYING"].map((f) => path.join(dir, f)).find((f) => fs.existsSync(f));
        if (!file) throw new Error(`${module}@${version} has no licence file in ${dir}`);
        return fs.readFileSync(file, "utf8");
    } finally {
        fs.rmSync(cwd, { recursive: true, force: true });
    }
}

describe("the project's own licence", () => {
    it("is Apache-2.0, in LICENSE and in package.json", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { license?: string };
        expect(pkg.license).toBe("Apache-2.0");
        expect(licenceFamily(fs.readFileSync(path.join(REPO_ROOT, "LICENSE"), "utf8"))).toBe("Apache-2.0");
    });
});

describe("npm dependencies", () => {
    const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, { license?: string; version?: string }>;
    };
    it("carry only permissive or data licences (every package of the lockfile)", () => {
        const refused: string[] = [];
        for (const [name, p] of Object.entries(lock.packages)) {
            if (name === "") continue;
            const licence = p.license === undefined || p.license.startsWith("SEE LICENSE") ? NPM_READ_BY_HAND[name] : p.license;
            if (licence === undefined || !spdxParts(licence).some((part) => NPM_ALLOWED.has(part)))
                refused.push(`${name}@${p.version}: ${p.license ?? "no licence"}`);
        }
        expect(refused).toEqual([]);
    });
    it("is a check that refuses a copyleft or unknown licence", () => {
        expect(spdxParts("(MIT OR CC0-1.0)")).toEqual(["MIT", "CC0-1.0"]);
        for (const bad of ["AGPL-3.0-only", "GPL-3.0", "SSPL-1.0", "BUSL-1.1"]) expect(spdxParts(bad).some((p) => NPM_ALLOWED.has(p))).toBe(false);
    });
});

describe("Go modules the suites build", () => {
    it("include no AGPL module", () => {
        expect(BUILT.filter((s) => AGPL_GO_MODULES.some((m) => s.module === m || s.module.startsWith(`${m}/`))).map((s) => s.module)).toEqual([]);
    });
    it.each(BUILT.map((s) => [`${s.name} (${s.module}@${s.version})`, s] as const))(
        "%s is under a permissive licence",
        (_name, spec) => {
            expect({ module: spec.module, licence: licenceFamily(moduleLicence(spec.module, spec.version)) }).toEqual({
                module: spec.module,
                licence: expect.stringMatching(/^(Apache-2\.0|MIT|BSD)$/),
            });
        },
        600_000,
    );
    it.each([...TOOL_NAMES, "pulumi" as const])("%s, as built, links no AGPL module (go version -m)", (name) => {
        const r = spawnSync("go", ["version", "-m", toolPath(name)], { encoding: "utf8" });
        expect(r.status).toBe(0);
        const deps = [...r.stdout.matchAll(/^\s+(?:dep|=>)\s+(\S+)\s/gm)].map((m) => m[1]);
        expect(deps.length).toBeGreaterThan(0);
        expect(deps.filter((d) => AGPL_GO_MODULES.some((m) => d === m || d.startsWith(`${m}/`)))).toEqual([]);
    });
    it("tells the licence families apart", () => {
        expect(licenceFamily("GNU AFFERO GENERAL PUBLIC LICENSE\nVersion 3")).toBe("AGPL");
        expect(licenceFamily("                                 Apache License\n                           Version 2.0, January 2004")).toBe(
            "Apache-2.0",
        );
        expect(licenceFamily("Copyright (c) 2020\nPermission is hereby granted, free of charge, to any person")).toBe("MIT");
        expect(licenceFamily("some text")).toBe("unknown");
    });
});
