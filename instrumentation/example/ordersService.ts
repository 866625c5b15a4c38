// The README's example service (tests/instrumentation/example.programs.ts runs it against a real nats-server).
import { randomUUID } from "crypto";
import * as http from "http";
import { connect } from "@nats-io/transport-node";
import { createInstrumentation, ensureEventStream, EventEnvelope, InstrumentationOptions, withHttpMetrics } from "..";

type Env = { natsUrl: string; password: string; httpPort: number; metricsPort: number; logDestination?: InstrumentationOptions["logDestination"] };

export async function startOrdersService({ natsUrl, password, httpPort, metricsPort, logDestination }: Env) {
    const nc = await connect({ servers: natsUrl, user: "microservice", pass: password });
    const obs = createInstrumentation({ service: "orders", nc, eventTypes: ["order.created", "payment.authorized"], logDestination });
    const log = obs.logger("api");
    await ensureEventStream(nc); // stream EVENTS on events.>, created when missing
    const onPayment = (event: EventEnvelope) => {
        const { orderId } = event.data as { orderId?: string };
        if (!orderId) throw new Error("payment without orderId"); // nak, redelivered, then term (maxDeliver)
        log.child({ traceId: event.traceId }).info({ orderId }, "order paid");
    };
    await obs.consumeEvents({ consumer: "orders", eventTypes: ["payment.authorized"], maxDeliver: 3, handler: onPayment });
    const api = async (req: http.IncomingMessage, res: http.ServerResponse) => {
        if (req.method !== "POST" || req.url !== "/orders") return void res.writeHead(req.url?.startsWith("/orders/") ? 200 : 404).end();
        const [order, traceId] = [{ orderId: randomUUID() }, randomUUID().replaceAll("-", "")];
        const sent = await obs.publishEvent("order.created", order, { traceId }).catch((err: Error) => log.error({ err, traceId }, "publish failed"));
        res.writeHead(sent ? 202 : 503).end();
    };
    const handler = withHttpMetrics(obs.metrics, { routes: ["/orders", "/orders/:id"] }, (req, res) => void api(req, res));
    const server = http.createServer(handler).listen(httpPort, "127.0.0.1");
    const metrics = await obs.serveMetrics({ port: metricsPort }); // host "0.0.0.0" to be scraped from containers
    return { metricsUrl: metrics.url, stop: () => (server.close(), obs.shutdown()) }; // stop: requests, consumers, NATS, /metrics, logs
}
