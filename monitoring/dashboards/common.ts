import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as logs from "@grafana/grafana-foundation-sdk/logs";
import * as loki from "@grafana/grafana-foundation-sdk/loki";
import * as prometheus from "@grafana/grafana-foundation-sdk/prometheus";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";

import { DATASOURCE_TYPES, DATASOURCE_UIDS } from "../datasources";

/** Datasource references by the fixed uids both platforms provision. */
export const PROMETHEUS: common.DataSourceRef = { type: DATASOURCE_TYPES.prometheus, uid: DATASOURCE_UIDS.prometheus };
export const LOKI: common.DataSourceRef = { type: DATASOURCE_TYPES.loki, uid: DATASOURCE_UIDS.loki };

export const REFRESH = "30s";
/** Folder both platforms provision the dashboards into. */
export const DASHBOARD_FOLDER = "A4CO Microservices";

/** A dashboard with the shared settings: stable uid, 30 s refresh, last 6 hours, tags. */
export function baseDashboard(uid: string, title: string, tags: string[]): dashboard.DashboardBuilder {
    return new dashboard.DashboardBuilder(title)
        .uid(uid)
        .tags(["a4co", ...tags])
        .refresh(REFRESH)
        .time({ from: "now-6h", to: "now" })
        .timezone("browser")
        .tooltip(dashboard.DashboardCursorSync.Crosshair)
        .readonly();
}

/** A Prometheus query on the fixed datasource. */
export function promQuery(expr: string, legend: string, refId = "A"): prometheus.DataqueryBuilder {
    return new prometheus.DataqueryBuilder().datasource(PROMETHEUS).expr(expr).legendFormat(legend).refId(refId);
}

/** A time series panel with a table legend showing mean, max and last values. */
export function timeSeries(title: string, unit: string, targets: prometheus.DataqueryBuilder[], description = ""): timeseries.PanelBuilder {
    const panel = new timeseries.PanelBuilder()
        .title(title)
        .description(description)
        .datasource(PROMETHEUS)
        .unit(unit)
        .min(0)
        .fillOpacity(10)
        .lineWidth(1)
        .legend(
            new common.VizLegendOptionsBuilder()
                .displayMode(common.LegendDisplayMode.Table)
                .placement(common.LegendPlacement.Bottom)
                .showLegend(true)
                .calcs(["mean", "max", "lastNotNull"]),
        )
        .height(8)
        .span(12);
    for (const t of targets) panel.withTarget(t);
    return panel;
}

/** Threshold steps: green below the first value, then amber, then red. */
export function thresholds(amber: number, red: number): dashboard.ThresholdsConfigBuilder {
    return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps([
        { value: null, color: "green" },
        { value: amber, color: "orange" },
        { value: red, color: "red" },
    ]);
}

/** A single-value panel with thresholds. */
export function statPanel(title: string, unit: string, expr: string, amber: number, red: number, description = ""): stat.PanelBuilder {
    return new stat.PanelBuilder()
        .title(title)
        .description(description)
        .datasource(PROMETHEUS)
        .unit(unit)
        .withTarget(promQuery(expr, title).instant())
        .thresholds(thresholds(amber, red))
        .colorMode(common.BigValueColorMode.Background)
        .graphMode(common.BigValueGraphMode.Area)
        .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(["lastNotNull"]))
        .height(4)
        .span(6);
}

/** A logs panel on the fixed Loki datasource. */
export function logsPanel(title: string, expr: string, description = ""): logs.PanelBuilder {
    return new logs.PanelBuilder()
        .title(title)
        .description(description)
        .datasource(LOKI)
        .withTarget(new loki.DataqueryBuilder().datasource(LOKI).expr(expr).refId("A").maxLines(500))
        .showTime(true)
        .wrapLogMessage(true)
        .enableLogDetails(true)
        .sortOrder(common.LogsSortOrder.Descending)
        .height(10)
        .span(24);
}

/** A template variable from a Prometheus label, multi-select with "All". */
export function labelVariable(name: string, label: string, query: string): dashboard.QueryVariableBuilder {
    return (
        new dashboard.QueryVariableBuilder(name)
            .label(label)
            .datasource(PROMETHEUS)
            .query({ query, refId: `${name}-variable`, qryType: 1 })
            .definition(query)
            .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
            .sort(dashboard.VariableSort.AlphabeticalAsc)
            .multi(true)
            .includeAll(true)
            // `.+`, not `.*`: Loki refuses a stream selector whose matchers all match the empty string, and "All"
            // must work in log panels too. Every series these variables filter carries the label.
            .allValue(ALL_VALUE)
    );
}

/** What a label variable's "All" stands for in queries. */
export const ALL_VALUE = ".+";

/** A collapsed-free row header. */
export function row(title: string): dashboard.RowBuilder {
    return new dashboard.RowBuilder(title);
}
