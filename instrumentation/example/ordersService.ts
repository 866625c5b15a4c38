// The README's example service (tests/instrumentation/example.test.ts runs it against a real nats-server).
import { randomUUID } from "crypto";
import * as http from "http";
import { connect } from "@nats-io/transport-node";
import { createInstrumentation, ensureEventStream, EventEnvelope, InstrumentationOptions, withHttpMetrics } from "..";

type Env = { natsUrl: string; password: string; httpPort: number; metricsPort: number; logDestination?: InstrumentationOptions["logDestination"] };

export async function startOrdersService(env: Env) {
    const nc = await connect({ servers: env.natsUrl, user: "microservice", pass: env.password });
    const obs = createInstrumentation({
        service: "orders",
        nc,
        eventTypes: ["order.created", "payment.authorized"],
        logDestination: env.logDestination,
    });
    const log = obs.logger("api");
    await ensureEventStream(nc); // stream EVENTS on events.>, created when missing

    function onPayment(event: EventEnvelope) {
        const { orderId } = event.data as { orderId?: string };
        if (!orderId) throw new Error("payment without orderId"); // nak, redelivered, then term (maxDeliver)
        log.child({ traceId: event.traceId }).info({ orderId }, "order paid");
    }
    await obs.consumeEvents({ consumer: "orders", eventTypes: ["payment.authorized"], maxDeliver: 3, handler: onPayment });

    async function api(req: http.IncomingMessage, res: http.ServerResponse) {
        if (req.method !== "POST" || req.url !== "/orders") return void res.writeHead(req.url?.startsWith("/orders/") ? 200 : 404).end();
        const [order, traceId] = [{ orderId: randomUUID() }, randomUUID().replaceAll("-", "")];
        const sent = await obs.publishEvent("order.created", order, { traceId }).catch((err: Error) => log.error({ err, traceId }, "publish failed"));
        res.writeHead(sent ? 202 : 503).end();
    }
    const server = http.createServer(withHttpMetrics(obs.metrics, { routes: ["/orders", "/orders/:id"] }, (req, res) => void api(req, res)));
    server.listen(env.httpPort, "127.0.0.1");
    const metrics = await obs.serveMetrics({ port: env.metricsPort }); // host "0.0.0.0" to be scraped from containers
    const stop = () => (server.close(), obs.shutdown()); // no new requests, then consumers, NATS, /metrics, logs
    return { metricsUrl: metrics.url, stop };
}
