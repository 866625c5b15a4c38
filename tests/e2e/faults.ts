/** Faults and their alerts: a fault must bring its alert to Alertmanager within the rule's `for`, the repair must clear it. */
import { waitFor } from "../../harness/live";
import { alertmanagerAlerts } from "./probes";
import { alertRuleQueries } from "./queries";
import { SCRAPE_INTERVAL_S, StackContext } from "./stackContext";

function durationSeconds(d: string): number {
    const m = /^(\d+)(s|m|h)$/.exec(d);
    if (!m) throw new Error(`unexpected duration ${d}`);
    return Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as "s" | "m" | "h"];
}

/** The alert must reach Alertmanager (v2 API) within its `for`, two evaluation intervals and a scrape of the fault. */
export async function expectAlertReachesAlertmanager(ctx: StackContext, alertname: string, fault: string, faultAt: number): Promise<void> {
    const forS = durationSeconds(alertRuleQueries("https://example.invalid/runbooks").find((a) => a.name === alertname)?.for ?? "0m");
    const budget = forS + 2 * SCRAPE_INTERVAL_S + SCRAPE_INTERVAL_S + 15;
    const fired = await waitFor(
        async () => ((await alertmanagerAlerts(ctx.url.alertmanager(), alertname)).length ? true : undefined),
        budget * 1000 - (Date.now() - faultAt),
        2000,
    );
    const after = (Date.now() - faultAt) / 1000;
    ctx.report.add(
        "faults",
        `${fault} -> ${alertname} in Alertmanager (v2 API)`,
        fired ? "pass" : "fail",
        fired
            ? `after ${after.toFixed(0)} s (budget ${budget} s = for ${forS} s + 2 evaluations + a scrape)`
            : `expected the alert within ${budget} s of the fault; not there after ${after.toFixed(0)} s`,
    );
    ctx.report.figure(`${alertname} reaches Alertmanager`, fired ? `${after.toFixed(0)} s after the fault` : "never");
}

/** Once the fault is repaired, Alertmanager must drop the alert (Prometheus sends it resolved). */
export async function expectAlertResolves(ctx: StackContext, alertname: string, repair: string, repairedAt: number): Promise<void> {
    const resolved = await waitFor(
        async () => ((await alertmanagerAlerts(ctx.url.alertmanager(), alertname)).length === 0 ? true : undefined),
        180_000,
        2000,
    );
    ctx.report.add(
        "faults",
        `${repair} -> ${alertname} resolved`,
        resolved ? "pass" : "fail",
        resolved ? `after ${((Date.now() - repairedAt) / 1000).toFixed(0)} s` : "still active 180 s after the repair",
    );
}
