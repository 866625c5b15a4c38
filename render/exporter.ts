import type { LogLevel } from "../config/types";
import { logLevelFor } from "./logLevels";

/**
 * prometheus-nats-exporter flags. `NATS_CHART_EXPORTER_FLAGS` are the ones the NATS Helm chart gives its exporter
 * sidecar (nats-io/k8s helm/charts/nats/files/stateful-set/prom-exporter-container.yaml); both stacks add
 * `-healthz` so `nats_healthz_status` exists for the NATS-down alert. One flag set means one set of metric names.
 */
export const NATS_CHART_EXPORTER_FLAGS = ["-connz", "-routez", "-subz", "-varz", "-prefix=nats", "-use_internal_server_id", "-jsz=all"] as const;

export const NATS_EXPORTER_EXTRA_FLAGS = ["-healthz"] as const;

/**
 * The exporter's command line. Every flag comes before the monitoring URL: Go's flag parsing stops at the first
 * non-flag argument, so a flag after the URL would be taken as a second URL.
 */
export function natsExporterArgs(monitoringUrl: string, listenPort: number, opts: { logLevel: LogLevel; listenAddress?: string }): string[] {
    const address = opts.listenAddress === undefined ? [] : [`-addr=${opts.listenAddress}`];
    return [
        ...NATS_CHART_EXPORTER_FLAGS,
        ...NATS_EXPORTER_EXTRA_FLAGS,
        ...logLevelFor("natsExporter", opts.logLevel),
        `-port=${listenPort}`,
        ...address,
        monitoringUrl,
    ];
}
