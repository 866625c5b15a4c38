import { ensureTools } from "./tools";

/** jest globalSetup: builds the real programs the tests check generated files with (cached after the first run). */
export default async function globalSetup(): Promise<void> {
    ensureTools((line) => process.stderr.write(`[tools] ${line}\n`));
}
