import { stringify } from "yaml";

import type { AlertReceiverKind, LogLevel } from "../config/types";
import { logLevelFor } from "./logLevels";

/** Name of the receiver that drops alerts; Watchdog always goes there. */
export const NULL_RECEIVER = "null";
/** Name of the configured receiver (webhook or Slack). */
export const NOTIFY_RECEIVER = "notify";

export interface AlertRoutingData {
    /** Labels alerts are grouped by. */
    readonly groupBy: readonly string[];
    readonly groupWait: string;
    readonly groupInterval: string;
    readonly repeatInterval: string;
    /** Matchers (Alertmanager `matchers` syntax) of alerts that are always sent to the `null` receiver. */
    readonly nullRouteMatchers: readonly (readonly string[])[];
    readonly inhibitRules: readonly {
        readonly sourceMatchers: readonly string[];
        readonly targetMatchers: readonly string[];
        readonly equal: readonly string[];
    }[];
}

export interface AlertmanagerConfigOptions {
    readonly routing: AlertRoutingData;
    /** The configured receiver; its URL is read from `urlFile` inside the container, never inlined. */
    readonly receiver?: {
        readonly kind: Exclude<AlertReceiverKind, "none">;
        readonly urlFile: string;
        readonly slackChannel?: string;
    };
}

/** Renders `alertmanager.yml`: a `null` receiver by default, plus the configured receiver when there is one. */
export function renderAlertmanagerConfig(opts: AlertmanagerConfigOptions): string {
    const receivers: Record<string, unknown>[] = [{ name: NULL_RECEIVER }];
    if (opts.receiver?.kind === "webhook") {
        receivers.push({
            name: NOTIFY_RECEIVER,
            webhook_configs: [{ url_file: opts.receiver.urlFile, send_resolved: true }],
        });
    } else if (opts.receiver?.kind === "slack") {
        receivers.push({
            name: NOTIFY_RECEIVER,
            slack_configs: [
                {
                    api_url_file: opts.receiver.urlFile,
                    send_resolved: true,
                    ...(opts.receiver.slackChannel ? { channel: opts.receiver.slackChannel } : {}),
                    title: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}",
                    text: "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }}\n{{ end }}",
                },
            ],
        });
    }
    const r = opts.routing;
    return stringify({
        route: {
            receiver: opts.receiver ? NOTIFY_RECEIVER : NULL_RECEIVER,
            group_by: [...r.groupBy],
            group_wait: r.groupWait,
            group_interval: r.groupInterval,
            repeat_interval: r.repeatInterval,
            routes: r.nullRouteMatchers.map((matchers) => ({ receiver: NULL_RECEIVER, matchers: [...matchers] })),
        },
        receivers,
        inhibit_rules: r.inhibitRules.map((rule) => ({
            source_matchers: [...rule.sourceMatchers],
            target_matchers: [...rule.targetMatchers],
            equal: [...rule.equal],
        })),
    });
}

/**
 * Alertmanager's command line. `externalUrl` is where users reach it: notification links and silence URLs point
 * there instead of at the container's id.
 */
export function alertmanagerArgs(opts: { configFile: string; dataDir: string; externalUrl: string; logLevel: LogLevel }): string[] {
    return [
        `--config.file=${opts.configFile}`,
        `--storage.path=${opts.dataDir}`,
        `--web.external-url=${opts.externalUrl}`,
        `--log.level=${logLevelFor("alertmanager", opts.logLevel)}`,
    ];
}
