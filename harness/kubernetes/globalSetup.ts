import { CHARTS } from "../../config/versions";
import { ensureTools } from "../tools/build";
import { TOOLS } from "../tools/recipes";
import { chartArchive, chartSourceDescription } from "./charts";

/**
 * jest globalSetup of the k8s suite: every pinned chart archive resolved once, before any test file builds or starts
 * the control plane, so a clone without the charts (no mirror, no network) stops within seconds with how to get them.
 * Helm comes first: it pulls the charts, and the suite needs it anyway.
 */
export default function globalSetup(): void {
    const log = (line: string) => process.stderr.write(`[k8s charts] ${line}\n`);
    ensureTools(log, [TOOLS.helm]);
    const started = Date.now();
    log(`charts from ${chartSourceDescription()}`);
    for (const chart of Object.values(CHARTS)) log(`${chart.chart} ${chart.version}: ${chartArchive(chart)}`);
    log(`all ${Object.keys(CHARTS).length} charts ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
