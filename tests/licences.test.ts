/**
 * The licences the project takes on: its own (Apache-2.0), every npm package in the lockfile (permissive or data
 * licences only), and every Go module the tests build (Apache-2.0, MIT or BSD; never an AGPL module such as Loki's,
 * Grafana's or k6's, and no built program may link one). The module licences and what each built program links are read
 * with Go in tests/licences.programs.ts.
 */
import * as fs from "fs";
import * as path from "path";

import { ALL_TOOLS } from "../harness/tools/recipes";
import { AGPL_GO_MODULES, isAgplModule, licenceFamily } from "./support/licences";
import { REPO_ROOT } from "./support/stackConfig";

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
/** Each alternative of an SPDX expression such as `(MIT OR CC0-1.0)` or `(BSD-3-Clause AND Apache-2.0)`. Pure. */
export function spdxParts(expression: string): string[] {
    return expression
        .replace(/[()]/g, " ")
        .split(/\s+(?:OR|AND)\s+/)
        .map((p) => p.trim())
        .filter(Boolean);
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

describe("Go modules the suites build (the recipe table, harness/tools/recipes.ts)", () => {
    it("include no AGPL module", () => {
        expect(ALL_TOOLS.filter((s) => isAgplModule(s.module)).map((s) => s.module)).toEqual([]);
    });
    it("is a check that refuses an AGPL module and the packages below it", () => {
        for (const m of AGPL_GO_MODULES) expect(isAgplModule(m)).toBe(true);
        expect(isAgplModule("github.com/grafana/loki/v3/pkg/logql")).toBe(true);
        expect(isAgplModule("github.com/grafana/loki-client")).toBe(false);
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
