import { ACTIONLINT } from "../workflows/actionlint";
import { ensureTools, TOOL_NAMES } from "./tools";

/**
 * jest globalSetup: builds the real programs the unit tests run (cached after the first run): the config checkers,
 * the Pulumi CLI that checks the project and stack files, and actionlint for the workflows. Loki is never built (its
 * module is AGPL): its config and the dashboards' LogQL are checked by our own checkers, by reference.
 */
export default function globalSetup(): void {
    ensureTools((line) => process.stderr.write(`[tools] ${line}\n`), [...TOOL_NAMES, "pulumi", ACTIONLINT]);
}
