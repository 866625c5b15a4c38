/**
 * The `/metrics` endpoint Prometheus scrapes (job `a4co-services`) and graceful shutdown.
 */
import * as http from "http";
import type { AddressInfo } from "net";

import type { NatsConnection } from "@nats-io/transport-node";
import type { Registry } from "prom-client";

import type { RunningConsumer } from "./consumers";
import { flushLogger, ServiceLogger } from "./logger";

export interface MetricsServer {
    /** e.g. `http://127.0.0.1:9464/metrics`. */
    readonly url: string;
    readonly port: number;
    close(): Promise<void>;
}

/** Serves `registry` on `GET /metrics` (and `GET /healthz`); everything else is 404. Port 0 picks a free port. */
export async function startMetricsServer(registry: Registry, opts: { port: number; host?: string }): Promise<MetricsServer> {
    const host = opts.host ?? "127.0.0.1";
    if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
        throw new Error(`metrics port ${opts.port} is invalid: use an integer 0-65535 (0 = any free port)`);
    }
    const server = http.createServer((req, res) => {
        const path = (req.url ?? "/").split("?")[0];
        if (req.method === "GET" && path === "/metrics") {
            registry.metrics().then(
                (text) => {
                    res.writeHead(200, { "Content-Type": registry.contentType });
                    res.end(text);
                },
                (err: Error) => {
                    res.writeHead(500, { "Content-Type": "text/plain" });
                    res.end(`metrics collection failed: ${err.message}\n`);
                },
            );
        } else if (req.method === "GET" && path === "/healthz") {
            res.writeHead(200, { "Content-Type": "text/plain" });
            res.end("ok\n");
        } else {
            res.writeHead(404, { "Content-Type": "text/plain" });
            res.end("not found: try /metrics\n");
        }
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", (err: NodeJS.ErrnoException) =>
            reject(
                new Error(
                    `metrics server cannot listen on ${host}:${opts.port}: ${err.code ?? err.message}${err.code === "EADDRINUSE" ? " (pick another --metrics-port)" : ""}`,
                ),
            ),
        );
        server.listen(opts.port, host, () => resolve());
    });
    const port = (server.address() as AddressInfo).port;
    const shownHost = host.includes(":") ? `[${host}]` : host;
    return {
        url: `http://${shownHost}:${port}/metrics`,
        port,
        close: () =>
            new Promise<void>((resolve) => {
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}

export interface ShutdownParts {
    readonly consumers?: readonly RunningConsumer[];
    readonly nc?: NatsConnection;
    readonly metricsServer?: MetricsServer;
    readonly loggers?: readonly ServiceLogger[];
}

/**
 * Stops in the order that loses nothing: consumers first (handlers in flight finish and ack), then NATS is drained
 * (pending publishes flushed, subscriptions closed), then the metrics endpoint, then logs are flushed.
 */
export async function shutdown(parts: ShutdownParts): Promise<void> {
    for (const c of parts.consumers ?? []) await c.stop();
    if (parts.nc && !parts.nc.isClosed()) await parts.nc.drain();
    await parts.metricsServer?.close();
    for (const l of parts.loggers ?? []) await flushLogger(l);
}

/**
 * Runs `shutdown` on SIGINT/SIGTERM once, then exits 0 (1 if shutting down failed); a second signal exits at once.
 * Returns a function that removes the handlers.
 */
export function onShutdownSignal(parts: () => ShutdownParts, log?: ServiceLogger): () => void {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
        if (stopping) process.exit(130);
        stopping = true;
        log?.info({ signal }, "shutting down");
        shutdown(parts()).then(
            () => process.exit(0),
            (err: Error) => {
                log?.error({ err }, "shutdown failed");
                process.exit(1);
            },
        );
    };
    process.on("SIGINT", handler);
    process.on("SIGTERM", handler);
    return () => {
        process.off("SIGINT", handler);
        process.off("SIGTERM", handler);
    };
}
