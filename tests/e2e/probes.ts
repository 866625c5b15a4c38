/** HTTP probes of the live stack (Prometheus, Loki, Alertmanager APIs). */
async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
}

export interface PromSeries {
    readonly metric: Record<string, string>;
    readonly value?: [number, string];
}

/** Instant query (now, or at `atMs`); returns the series and how long the query took. Throws with Prometheus' error text. */
export async function promQuery(base: string, expr: string, atMs?: number): Promise<{ series: PromSeries[]; ms: number }> {
    const t0 = Date.now();
    const at = atMs === undefined ? "" : `&time=${(atMs / 1000).toFixed(3)}`;
    const body = await getJson<{ status: string; data: { resultType: string; result: PromSeries[] | [number, string] }; error?: string }>(
        `${base}/api/v1/query?query=${encodeURIComponent(expr)}${at}`,
    );
    const ms = Date.now() - t0;
    if (body.status !== "success") throw new Error(`query failed: ${body.error}`);
    const r = body.data.result;
    if (body.data.resultType === "scalar" || body.data.resultType === "string") return { series: [{ metric: {}, value: r as [number, string] }], ms };
    return { series: r as PromSeries[], ms };
}

export interface PromTarget {
    readonly labels: Record<string, string>;
    readonly scrapePool: string;
    readonly scrapeUrl: string;
    readonly health: string;
    readonly lastError: string;
}

export async function promTargets(base: string): Promise<PromTarget[]> {
    const body = await getJson<{ data: { activeTargets: PromTarget[] } }>(`${base}/api/v1/targets?state=active`);
    return body.data.activeTargets;
}

/** Pushes log lines to Loki's push API: one stream per label set, lines as [ns timestamp, line]. */
export async function lokiPush(base: string, streams: { labels: Record<string, string>; lines: { tsNs: string; line: string }[] }[]): Promise<void> {
    const res = await fetch(`${base}/loki/api/v1/push`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ streams: streams.map((s) => ({ stream: s.labels, values: s.lines.map((l) => [l.tsNs, l.line]) })) }),
        signal: AbortSignal.timeout(30_000),
    });
    if (res.status !== 204) throw new Error(`Loki push: HTTP ${res.status} ${await res.text()}`);
}

/**
 * LogQL range query over the `sinceSeconds` before now (or before `endMs`); returns the number of lines (log queries)
 * or series (metric queries).
 */
export async function lokiQuery(base: string, expr: string, sinceSeconds: number, endMs = Date.now()): Promise<{ count: number; ms: number }> {
    const end = BigInt(Math.floor(endMs)) * 1_000_000n;
    const start = end - BigInt(sinceSeconds) * 1_000_000_000n;
    const t0 = Date.now();
    const body = await getJson<{ status: string; data: { resultType: string; result: { values: unknown[] }[] } }>(
        `${base}/loki/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${start}&end=${end}&limit=1000`,
    );
    const ms = Date.now() - t0;
    const count = body.data.resultType === "streams" ? body.data.result.reduce((n, s) => n + s.values.length, 0) : body.data.result.length;
    return { count, ms };
}

/** The value of a LogQL metric query that returns one sample (e.g. a `sum(...)`), at `atMs`; 0 when it returns none. */
export async function lokiInstantValue(base: string, expr: string, atMs: number): Promise<number> {
    const time = BigInt(Math.floor(atMs)) * 1_000_000n;
    const body = await getJson<{ status: string; data: { resultType: string; result: { value: [number, string] }[] } }>(
        `${base}/loki/api/v1/query?query=${encodeURIComponent(expr)}&time=${time}`,
    );
    if (body.data.resultType !== "vector") throw new Error(`expected a vector from ${expr}, got ${body.data.resultType}`);
    return body.data.result.reduce((n, s) => n + Number(s.value[1]), 0);
}

export interface AmAlert {
    readonly labels: Record<string, string>;
    readonly status: { state: string };
    readonly startsAt: string;
}

export async function alertmanagerAlerts(base: string, alertname: string): Promise<AmAlert[]> {
    const alerts = await getJson<AmAlert[]>(
        `${base}/api/v2/alerts?active=true&silenced=false&inhibited=true&filter=${encodeURIComponent(`alertname="${alertname}"`)}`,
    );
    return alerts.filter((a) => a.labels.alertname === alertname);
}
