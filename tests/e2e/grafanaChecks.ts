/**
 * Grafana as a user meets it, through its HTTP API: healthy, logged into with the generated admin password (and not
 * with a wrong one), each provisioned datasource answering its health check, every dashboard provisioned in the
 * stack's folder, and every panel query answered with data through Grafana's own query path (`/api/ds/query`), so
 * the datasource wiring, not only the backends, is proven. Runs where Grafana's official image runs.
 */
import { DATASOURCE_UIDS } from "../../monitoring/datasources";
import type { DashboardQuery } from "./queries";

export interface GrafanaLogin {
    readonly base: string;
    readonly user: string;
    readonly password: string;
}

const basic = (l: { user: string; password: string }) => `Basic ${Buffer.from(`${l.user}:${l.password}`).toString("base64")}`;

async function call(login: GrafanaLogin, path: string, init: RequestInit = {}): Promise<{ status: number; body: unknown; text: string }> {
    const res = await fetch(`${login.base}${path}`, {
        ...init,
        headers: { authorization: basic(login), "content-type": "application/json", ...(init.headers as Record<string, string> | undefined) },
        signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let body: unknown = undefined;
    try {
        body = JSON.parse(text);
    } catch {
        /* not JSON: the text says why */
    }
    return { status: res.status, body, text };
}

/** `GET /api/user` as the admin: 200 with the admin's login, and 401 with a wrong password. */
export async function checkLogin(login: GrafanaLogin): Promise<{ ok: boolean; detail: string }> {
    const right = await call(login, "/api/user");
    const wrong = await call({ ...login, password: `${login.password}-wrong` }, "/api/user");
    const who = (right.body as { login?: string } | undefined)?.login;
    const ok = right.status === 200 && who === login.user && wrong.status === 401;
    return {
        ok,
        detail: `generated password: HTTP ${right.status} as ${who ?? "?"}; wrong password: HTTP ${wrong.status} (expected 200 as ${login.user}, then 401)`,
    };
}

/** Each provisioned datasource's own health check (`/api/datasources/uid/<uid>/health`). */
export async function checkDatasources(login: GrafanaLogin): Promise<{ uid: string; ok: boolean; detail: string }[]> {
    const out: { uid: string; ok: boolean; detail: string }[] = [];
    for (const uid of Object.values(DATASOURCE_UIDS)) {
        const r = await call(login, `/api/datasources/uid/${uid}/health`);
        const b = r.body as { status?: string; message?: string } | undefined;
        out.push({
            uid,
            ok: r.status === 200 && b?.status === "OK",
            detail: `HTTP ${r.status} ${b?.status ?? ""} ${b?.message ?? r.text.slice(0, 200)}`.trim(),
        });
    }
    return out;
}

/** The dashboards Grafana serves, by uid, with their folder (`/api/search`). */
export async function provisionedDashboards(login: GrafanaLogin): Promise<Map<string, string>> {
    const r = await call(login, "/api/search?type=dash-db&limit=5000");
    if (r.status !== 200) throw new Error(`GET /api/search: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    return new Map((r.body as { uid: string; folderTitle?: string }[]).map((d) => [d.uid, d.folderTitle ?? "General"]));
}

/** How many values the data frames of an `/api/ds/query` result carry (the longest field of each frame). Pure. */
export function valuesInFrames(frames: readonly { data?: { values?: unknown[][] } }[] | undefined): number {
    return (frames ?? []).reduce((n, f) => n + Math.max(0, ...(f.data?.values ?? []).map((v) => v.length)), 0);
}

/**
 * One panel query through Grafana: PromQL as a range query over the last 15 minutes, LogQL as a range log query; the
 * expression is the one the panel carries with its template variables set to match everything (queries.ts).
 */
export async function queryThroughGrafana(login: GrafanaLogin, q: DashboardQuery): Promise<{ ok: boolean; values: number; detail: string }> {
    const uid = q.language === "logql" ? DATASOURCE_UIDS.loki : DATASOURCE_UIDS.prometheus;
    const query =
        q.language === "logql"
            ? { refId: "A", datasource: { uid }, expr: q.expr, queryType: "range", maxLines: 100 }
            : { refId: "A", datasource: { uid }, expr: q.expr, range: true, instant: false, intervalMs: 15_000, maxDataPoints: 100 };
    const r = await call(login, "/api/ds/query", { method: "POST", body: JSON.stringify({ from: "now-15m", to: "now", queries: [query] }) });
    const result = (
        r.body as { results?: Record<string, { status?: number; error?: string; frames?: { data?: { values?: unknown[][] } }[] }> } | undefined
    )?.results?.A;
    const values = valuesInFrames(result?.frames);
    const ok = r.status === 200 && !result?.error && values > 0;
    return { ok, values, detail: ok ? `${values} values` : `HTTP ${r.status} ${result?.error ?? ""} ${values} values from ${q.expr}`.trim() };
}
