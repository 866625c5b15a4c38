import type * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";

import { eventsDashboard } from "./events";
import { MAIN_DASHBOARD_UID, mainDashboard } from "./main";
import { natsDashboard } from "./nats";
import { LokiStorageBudget, stackHealthDashboard } from "./stackHealth";

export { DASHBOARD_FOLDER } from "./common";
export type { LokiStorageBudget } from "./stackHealth";
export { MAIN_DASHBOARD_UID };

export interface DashboardDefinition {
    readonly uid: string;
    readonly title: string;
    readonly fileName: string;
    readonly model: dashboard.Dashboard;
}

/** Every dashboard both platforms provision; the stack health dashboard shows Loki's storage against `lokiBudget`. */
export function dashboards(lokiBudget: LokiStorageBudget): DashboardDefinition[] {
    return [mainDashboard(), eventsDashboard(), natsDashboard(), stackHealthDashboard(lokiBudget)].map((model) => ({
        uid: model.uid as string,
        title: model.title as string,
        fileName: `${model.uid}.json`,
        model,
    }));
}
