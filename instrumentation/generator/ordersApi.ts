/**
 * The generator's HTTP side: a small orders API on loopback, instrumented with the library's HTTP middleware, which
 * the generator's clients poll for order status. It gives the main dashboard and the HTTP alerts real traffic:
 * request rate, latency from the simulated handler time, and 5xx answers at the error rate.
 */
import { randomUUID } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { setTimeout as sleep } from "timers/promises";

import { withHttpMetrics } from "../http";
import type { ServiceMetrics } from "../metrics";
import { simulatedLatencyMs } from "./domain";

/** The API's route templates: the `path` label takes only these values (and `unmatched`). */
export const ORDERS_API_ROUTES = ["/orders", "/orders/:id"] as const;

export interface OrdersApi {
    readonly url: string;
    close(): Promise<void>;
}

/** Starts the orders API on 127.0.0.1 (any free port). A request fails with 500 at `errorRate`. */
export async function startOrdersApi(
    metrics: ServiceMetrics,
    opts: { readonly errorRate: number; readonly latencyMs: number; readonly random: () => number },
): Promise<OrdersApi> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
        void sleep(simulatedLatencyMs(opts.random, opts.latencyMs)).then(() => {
            if (opts.random() < opts.errorRate)
                return void res.writeHead(500, { "content-type": "application/json" }).end('{"error":"simulated failure"}');
            if (req.method === "POST")
                return void res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id: randomUUID() }));
            res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: req.url?.split("/")[2], status: "paid" }));
        });
    };
    const server = http.createServer(withHttpMetrics(metrics, { routes: ORDERS_API_ROUTES }, handler));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        close: () => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()),
    };
}

/** One client call: mostly status lookups, sometimes a new order, as a shop's clients do. */
export async function callOrdersApi(api: OrdersApi, random: () => number): Promise<number> {
    const create = random() < 0.2;
    const res = await fetch(create ? `${api.url}/orders` : `${api.url}/orders/${randomUUID()}`, { method: create ? "POST" : "GET" });
    await res.arrayBuffer();
    return res.status;
}
