import { lokiSpec } from "../e2e/programs";
import { ACTIONLINT } from "../workflows/actionlint";
import { ensureTools, TOOL_NAMES } from "./tools";

/**
 * jest globalSetup: builds the real programs the unit tests run (cached after the first run): the config checkers,
 * the Pulumi CLI that checks the project and stack files, Loki, which checks its config and the dashboards' LogQL, and
 * actionlint for the workflows.
 */
export default function globalSetup(): void {
    ensureTools((line) => process.stderr.write(`[tools] ${line}\n`), [...TOOL_NAMES, "pulumi", lokiSpec(), ACTIONLINT]);
}
