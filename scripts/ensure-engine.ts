/**
 * Makes sure a Docker engine answers before the suites that use one run (npm test's first step): the e2e suite, and
 * the unit test that runs `npm run dev:up` as far as the Pulumi CLI goes. Installs and starts one as root on
 * Debian/Ubuntu; otherwise exits non-zero naming what to install (harness/docker/engine.ts).
 */
import { ensureEngine } from "../harness/docker/engine";

ensureEngine((line) => console.log(`[engine] ${line}`)).catch((err: Error) => {
    console.error(`[engine] ${err.message}`);
    process.exit(1);
});
