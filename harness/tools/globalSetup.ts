import { ensureTools } from "./build";
import { PROGRAMS_SUITE_TOOLS } from "./recipes";

/**
 * jest globalSetup of the programs suite (jest.programs.config.js): builds the real programs its tests run, once
 * (cached after the first run): the config checkers and servers, the Pulumi CLI that checks the project and stack
 * files, actionlint for the workflows and Helm for the chart sources. Loki is never built (its module is AGPL): its
 * config and the dashboards' LogQL are checked by our own checkers, by reference, in the unit suite.
 */
export default function globalSetup(): void {
    ensureTools((line) => process.stderr.write(`[tools] ${line}\n`), PROGRAMS_SUITE_TOOLS);
}
