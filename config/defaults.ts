/**
 * Every default of the stack configuration, in one place. `Pulumi.yaml` declares the common scalar keys with these
 * same defaults (a test keeps them equal); the stack files set only what differs. Tests feed config through
 * `setAllConfig`, so they see exactly what a real run sees.
 */
import { SERVICE_PORTS } from "../platforms/ports";
import type { NatsUserSpec, PortsConfig } from "./types";

/** Where alerts' runbook links point by default: the runbooks of this repository. */
export const DEFAULT_RUNBOOK_BASE_URL = "https://github.com/a4co/observability/blob/main/docs/runbooks";

export const CONFIG_DEFAULTS = {
    tier: "dev",
    logLevel: "info",
    prometheusRetention: "30d",
    lokiRetention: "744h",
    natsUsers: [
        { name: "admin", role: "admin" },
        { name: "microservice", role: "service" },
        { name: "metrics", role: "system" },
    ] satisfies NatsUserSpec[],
    natsAppSubjects: ["events.>", "commands.>"],
    alertReceiverKind: "none",
    retainData: true,
    runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
    // Docker only.
    logCollector: "promtail",
    bindAddress: "127.0.0.1",
    // Published on the host at the ports the programs listen on, unless a stack file says otherwise.
    ports: {
        grafana: SERVICE_PORTS.grafana,
        prometheus: SERVICE_PORTS.prometheus,
        loki: SERVICE_PORTS.loki,
        alertmanager: SERVICE_PORTS.alertmanager,
        natsClient: SERVICE_PORTS.nats,
        natsMonitoring: SERVICE_PORTS.natsMonitoring,
        natsExporter: SERVICE_PORTS.natsExporter,
    } satisfies PortsConfig,
    docker: { socket: "/var/run/docker.sock", swapLimit: true },
    // Kubernetes only.
    kubernetes: { namespace: "observability", nodeCount: 3 },
} as const;
