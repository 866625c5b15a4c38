/** Every query of every dashboard, with where it came from and its datasource, for the dashboard tests. Pure. */
import { dashboards } from "../../monitoring/dashboards";
import { DATASOURCE_UIDS } from "../../monitoring/datasources";

export interface Target {
    expr?: string;
    datasource?: { uid?: string; type?: string };
    refId?: string;
}
export interface Panel {
    type: string;
    title?: string;
    datasource?: { uid?: string };
    targets?: Target[];
}
export interface Variable {
    name: string;
    query?: { query?: string } | string;
    datasource?: { uid?: string };
    allValue?: string;
    includeAll?: boolean;
}

const LOKI_BUDGET = { volumeBytes: 4 * 1024 ** 3, retentionHours: 744 };
export const ALL = dashboards(LOKI_BUDGET);
export const panelsOf = (model: unknown) => ((model as { panels: Panel[] }).panels ?? []).filter((p) => p.type !== "row");
export const variablesOf = (model: unknown) => (model as { templating?: { list?: Variable[] } }).templating?.list ?? [];

/** Every query in every dashboard, with where it came from and its datasource uid. */
export const QUERIES = ALL.flatMap((d) => [
    ...panelsOf(d.model).flatMap((p) =>
        (p.targets ?? []).map((t) => ({ where: `${d.uid} / ${p.title}`, expr: t.expr ?? "", uid: t.datasource?.uid })),
    ),
    ...variablesOf(d.model).map((v) => {
        const q = typeof v.query === "string" ? v.query : (v.query?.query ?? "");
        // label_values(<selector>, <label>) is Grafana syntax around a PromQL selector.
        const inner = /^label_values\((.*),\s*\w+\)$/.exec(q)?.[1] ?? q;
        return { where: `${d.uid} / $${v.name}`, expr: inner, uid: v.datasource?.uid };
    }),
]);
export const PROMQL = QUERIES.filter((q) => q.uid === DATASOURCE_UIDS.prometheus);
export const LOGQL = QUERIES.filter((q) => q.uid === DATASOURCE_UIDS.loki);
