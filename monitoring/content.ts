import { DASHBOARD_FOLDER, dashboards, MAIN_DASHBOARD_UID } from "./dashboards";
import { alertGroups, RECORDING_GROUPS, renderRuleFile } from "./rules";
import { parsePrometheusDuration } from "../config/duration";
import { sizeTier } from "../config/tiers";
import type { StackConfig } from "../config/types";

/** Monitoring content both platforms deploy: rendered once in index.ts, from monitoring/. */
export interface DashboardFile {
    readonly uid: string;
    readonly fileName: string;
    /** The dashboard JSON text. */
    readonly json: string;
}

export interface RuleFile {
    /** File name, e.g. `alerts.yml`. */
    readonly fileName: string;
    /** The Prometheus rule file (YAML). */
    readonly content: string;
}

export interface MonitoringContent {
    readonly dashboards: readonly DashboardFile[];
    readonly ruleFiles: readonly RuleFile[];
    /** File name of the dashboard shown as Grafana's home. */
    readonly homeDashboardFileName: string;
    /** Grafana folder the dashboards are provisioned into. */
    readonly folder: string;
}

/** Renders the dashboards and rule files from monitoring/ once, for whichever platform deploys them. */
export function buildMonitoringContent(config: Pick<StackConfig, "runbookBaseUrl" | "tier" | "lokiRetention">): MonitoringContent {
    const retentionMs = parsePrometheusDuration(config.lokiRetention);
    if (retentionMs === undefined)
        throw new Error(`lokiRetention ${config.lokiRetention} is not a Prometheus duration (config/stack.ts validates it first)`);
    const all = dashboards({ volumeBytes: sizeTier(config.tier).storageMb.loki * 1024 * 1024, retentionHours: retentionMs / 3600_000 });
    const home = all.find((d) => d.uid === MAIN_DASHBOARD_UID);
    if (home === undefined) throw new Error(`the main dashboard ${MAIN_DASHBOARD_UID} is missing`);
    return {
        dashboards: all.map((d) => ({ uid: d.uid, fileName: d.fileName, json: `${JSON.stringify(d.model, null, 2)}\n` })),
        ruleFiles: [
            { fileName: "alerts.yml", content: renderRuleFile(alertGroups(config.runbookBaseUrl)) },
            { fileName: "recording.yml", content: renderRuleFile(RECORDING_GROUPS) },
        ],
        homeDashboardFileName: home.fileName,
        folder: DASHBOARD_FOLDER,
    };
}
