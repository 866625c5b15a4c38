/**
 * The services' instrumentation library: one call wires metrics (the contract of
 * monitoring/instrumentation.ts), JSON logs (monitoring/logLabels.ts), event publishing and consumption over
 * NATS, HTTP metrics, the /metrics endpoint and graceful shutdown. See instrumentation/README.md.
 */
import type { NatsConnection } from "@nats-io/transport-node";
import type { DestinationStream } from "pino";
import type { Registry } from "prom-client";

import { consumeEvents, JetStreamConsumerOptions, RunningConsumer, subscribeEvents } from "./consumers";
import { EventPublisher, PublishedEvent, PublishOptions } from "./events";
import { consumerGuard, eventTypeGuard } from "./guards";
import { HttpMetricsOptions, httpMetricsMiddleware } from "./http";
import { createLogger, LogLevel, ServiceLogger } from "./logger";
import { createServiceMetrics, ServiceMetrics } from "./metrics";
import { MetricsServer, shutdown, startMetricsServer } from "./server";

export * from "./consumers";
export * from "./envelope";
export * from "./events";
export * from "./guards";
export * from "./http";
export * from "./logger";
export * from "./metrics";
export * from "./server";

export interface InstrumentationOptions {
    /** The service name in logs (`service` field). Prometheus adds its own `service` label from the scrape config. */
    readonly service: string;
    /** A connection made with `connect()` from @nats-io/transport-node, e.g. as the `microservice` user. */
    readonly nc: NatsConnection;
    /** Allow-list of event types this service publishes or consumes (recommended); otherwise the pattern only. */
    readonly eventTypes?: readonly string[];
    /** Allow-list of consumer names. */
    readonly consumers?: readonly string[];
    readonly logLevel?: LogLevel;
    /** Where JSON log lines go (default stdout); see logDestinations() for stdout + file. */
    readonly logDestination?: DestinationStream;
    readonly registry?: Registry;
    /** Expose prom-client's process metrics too (default true). */
    readonly defaultMetrics?: boolean;
}

export interface Instrumentation {
    readonly metrics: ServiceMetrics;
    /** A logger for one component of the service (`component` becomes a Loki label). */
    logger(component: string): ServiceLogger;
    publishEvent<T>(type: string, data: T, opts?: PublishOptions): Promise<PublishedEvent<T>>;
    /** Durable JetStream consumer (ack / nak with delay / term after maxDeliver). */
    consumeEvents(opts: JetStreamConsumerOptions): Promise<RunningConsumer>;
    /** Core NATS queue subscription (at-most-once). */
    subscribeEvents(opts: Parameters<typeof subscribeEvents>[1]): RunningConsumer;
    httpMiddleware(opts: HttpMetricsOptions): ReturnType<typeof httpMetricsMiddleware>;
    serveMetrics(opts: { port: number; host?: string }): Promise<MetricsServer>;
    /** Stops consumers, drains NATS, closes /metrics, flushes logs. */
    shutdown(): Promise<void>;
}

export function createInstrumentation(opts: InstrumentationOptions): Instrumentation {
    const metrics = createServiceMetrics({ registry: opts.registry, defaultMetrics: opts.defaultMetrics });
    const loggers = new Map<string, ServiceLogger>();
    const logger = (component: string): ServiceLogger => {
        let l = loggers.get(component);
        if (!l) {
            l = createLogger(opts.service, component, { level: opts.logLevel, destination: opts.logDestination });
            loggers.set(component, l);
        }
        return l;
    };
    const eventTypes = eventTypeGuard(opts.eventTypes);
    const consumerNames = consumerGuard(opts.consumers);
    const publisher = new EventPublisher({ nc: opts.nc, metrics, eventTypes: opts.eventTypes });
    const deps = () => ({ nc: opts.nc, metrics, logger: logger("event-handler"), eventTypes, consumers: consumerNames });
    const running: RunningConsumer[] = [];
    const servers: MetricsServer[] = [];
    return {
        metrics,
        logger,
        publishEvent: (type, data, o) => publisher.publishEvent(type, data, o),
        async consumeEvents(o) {
            const c = await consumeEvents(deps(), o);
            running.push(c);
            return c;
        },
        subscribeEvents(o) {
            const c = subscribeEvents(deps(), o);
            running.push(c);
            return c;
        },
        httpMiddleware: (o) => httpMetricsMiddleware(metrics, o),
        async serveMetrics(o) {
            const s = await startMetricsServer(metrics.registry, o);
            servers.push(s);
            return s;
        },
        async shutdown() {
            await shutdown({ consumers: running.splice(0), nc: opts.nc, loggers: [...loggers.values()] });
            for (const s of servers.splice(0)) await s.close();
        },
    };
}
