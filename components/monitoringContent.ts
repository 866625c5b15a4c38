/** Monitoring content both platforms deploy: rendered once in index.ts, from config/monitoring. */
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
