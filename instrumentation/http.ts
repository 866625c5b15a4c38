/**
 * HTTP metrics for Node's `http` server, framework-free: `http_requests_total` and `http_request_duration_seconds`
 * with `method`, `path`, `status`. `path` is always a route template from a declared list (`/orders/:id`), never
 * the raw URL; a request matching no route is recorded as `path="unmatched"`, so scanners cannot create series.
 *
 *   http.createServer(withHttpMetrics(metrics, { routes: ["/orders/:id"] }, handler))   // plain http
 *   app.use(httpMetricsMiddleware(metrics, { routes: [...] }))                         // Express / Connect / middie
 */
import type { IncomingMessage, ServerResponse } from "http";

import { routeGuard } from "./guards";
import type { ServiceMetrics } from "./metrics";

/** The one `path` value of requests that match no declared route. */
export const UNMATCHED_ROUTE = "unmatched";
/** Methods kept as they are; anything else is recorded as `OTHER`. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export interface HttpMetricsOptions {
    /** Route templates, e.g. `/orders/:id`; literal segments match exactly, `:name` matches one segment. */
    readonly routes: readonly string[];
}

interface CompiledRoute {
    readonly template: string;
    readonly regex: RegExp;
    /** Literal segments first, so `/orders/new` wins over `/orders/:id`. */
    readonly literalSegments: number;
}

/** Compiles route templates (checked by the route guard) into matchers, most specific first. */
export function compileRoutes(routes: readonly string[]): CompiledRoute[] {
    const guard = routeGuard();
    return routes
        .map((template) => {
            guard.check(template);
            const segments = template === "/" ? [] : template.slice(1).split("/");
            const pattern = segments.map((s) => (s.startsWith(":") ? "/[^/]+" : `/${s.replace(/[.~-]/g, (c) => `\\${c}`)}`)).join("");
            return { template, regex: new RegExp(`^${pattern || "/"}/?$`), literalSegments: segments.filter((s) => !s.startsWith(":")).length };
        })
        .sort((a, b) => b.literalSegments - a.literalSegments);
}

/** The route template for a raw request URL (query string ignored), or `unmatched`. */
export function routeFor(routes: readonly CompiledRoute[], url: string | undefined): string {
    const q = (url ?? "/").indexOf("?");
    const pathname = q === -1 ? (url ?? "/") : (url ?? "/").slice(0, q);
    for (const r of routes) if (r.regex.test(pathname)) return r.template;
    return UNMATCHED_ROUTE;
}

export type Next = (err?: unknown) => void;

/** Connect-style middleware `(req, res, next)`: records one sample when the response finishes (or is aborted). */
export function httpMetricsMiddleware(
    metrics: ServiceMetrics,
    opts: HttpMetricsOptions,
): (req: IncomingMessage, res: ServerResponse, next?: Next) => void {
    const routes = compileRoutes(opts.routes);
    return (req, res, next) => {
        const started = process.hrtime.bigint();
        // Express rewrites req.url inside mounted routers; originalUrl keeps the full path.
        const path = routeFor(routes, (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url);
        const method = req.method && KNOWN_METHODS.has(req.method) ? req.method : "OTHER";
        let recorded = false;
        const record = () => {
            if (recorded) return;
            recorded = true;
            // A client that hung up before the response finished is recorded with nginx's 499, one bounded value.
            const status = res.writableFinished ? String(res.statusCode) : "499";
            const labels = { method, path, status };
            metrics.httpRequests.inc(labels);
            metrics.httpDuration.histogram.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        };
        res.once("finish", record);
        res.once("close", record);
        next?.();
    };
}

/** Wraps a plain `http` request handler with the middleware. */
export function withHttpMetrics(
    metrics: ServiceMetrics,
    opts: HttpMetricsOptions,
    handler: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
    const middleware = httpMetricsMiddleware(metrics, opts);
    return (req, res) => middleware(req, res, () => handler(req, res));
}
