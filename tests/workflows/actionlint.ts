/**
 * actionlint, the GitHub Actions workflow checker, built from its Go module like the other real programs the tests
 * run (tests/support/tools.ts), at the pin in config/versions.ts.
 */
import { ACTIONLINT as ACTIONLINT_PIN } from "../../config/versions";
import type { ToolSpec } from "../support/tools";

export const ACTIONLINT: ToolSpec = {
    name: "actionlint",
    module: ACTIONLINT_PIN.goModule,
    version: ACTIONLINT_PIN.goVersion,
    pkg: `${ACTIONLINT_PIN.goModule}/cmd/actionlint`,
    reportedVersion: ACTIONLINT_PIN.goVersion.slice(1),
    versionArgs: ["-version"],
    // Release builds stamp the version into main.version; without it `-version` prints the module version anyway.
    ldflags: [`-X github.com/rhysd/actionlint.version=${ACTIONLINT_PIN.goVersion.slice(1)}`],
    replaces: [],
    alsoRequire: [],
};
