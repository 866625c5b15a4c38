/**
 * Every default of the stack configuration, in one place. `Pulumi.yaml` declares the common scalar keys with these
 * same defaults (a test keeps them equal); the stack files set only what differs. Tests feed config through
 * `setAllConfig`, so they see exactly what a real run sees.
 */
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
    ports: {
        grafana: 3000,
        prometheus: 9090,
        loki: 3100,
        alertmanager: 9093,
        natsClient: 4222,
        natsMonitoring: 8222,
        natsExporter: 7777,
    } satisfies PortsConfig,
    docker: { socket: "/var/run/docker.sock", swapLimit: true },
    // Kubernetes only.
    kubernetes: { namespace: "observability", nodeCount: 3 },
} as const;
