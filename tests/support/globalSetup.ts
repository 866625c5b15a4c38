import { ensureTools, TOOL_NAMES } from "./tools";

/**
 * jest globalSetup: builds the real programs the unit tests run (cached after the first run): the config checkers
 * and the Pulumi CLI that checks the project and stack files.
 */
export default async function globalSetup(): Promise<void> {
    ensureTools((line) => process.stderr.write(`[tools] ${line}\n`), [...TOOL_NAMES, "pulumi"]);
}
