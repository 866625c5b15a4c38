import { JSON_LOG_FIELDS, LOG_LABELS } from "../monitoring/logLabels";
import { DEFAULT_SERVICE_LABEL, DOCKER_RELABEL_RULES, LogCollectorOptions } from "./promtail";
import { logLevelFor } from "./logLevels";

/** An Alloy string literal: double-quoted with Go-style escapes, which JSON string escaping satisfies. */
const str = (s: string): string => JSON.stringify(s);
const list = (xs: readonly string[]): string => `[${xs.map(str).join(", ")}]`;
const map = (m: Readonly<Record<string, string>>): string =>
    `{ ${Object.entries(m)
        .map(([k, v]) => `${k} = ${str(v)}`)
        .join(", ")} }`;

export const ALLOY_HTTP_PORT = 12345;

/**
 * Renders the Alloy equivalent of the Promtail pipeline (Alloy is Promtail's maintained successor): Docker discovery,
 * the same relabelling, JSON parsing into the same labels, and a Loki writer. Alloy's config language has no
 * emitter on npm; every value goes through the escaping helpers above.
 */
export function renderAlloyConfig(opts: LogCollectorOptions): string {
    const rules = DOCKER_RELABEL_RULES(opts.serviceLabel ?? DEFAULT_SERVICE_LABEL)
        .map((r) => {
            const lines = [`    source_labels = ${list(r.source_labels)}`];
            if ("regex" in r && r.regex !== undefined) lines.push(`    regex         = ${str(r.regex)}`);
            lines.push(`    target_label  = ${str(r.target_label)}`);
            return `  rule {\n${lines.join("\n")}\n  }`;
        })
        .join("\n");
    const fields = Object.fromEntries(JSON_LOG_FIELDS.map((f) => [f, f]));
    const labels = Object.fromEntries(JSON_LOG_FIELDS.map((f) => [LOG_LABELS[f], f]));
    return `logging {
  level = ${str(logLevelFor("alloy", opts.logLevel))}
}

discovery.docker "containers" {
  host             = "unix:///var/run/docker.sock"
  refresh_interval = "5s"
}

discovery.relabel "containers" {
  targets = []
${rules}
}

loki.source.docker "containers" {
  host          = "unix:///var/run/docker.sock"
  targets       = discovery.docker.containers.targets
  relabel_rules = discovery.relabel.containers.rules
  forward_to    = [loki.process.json.receiver]
}

loki.process "json" {
  stage.json {
    expressions = ${map(fields)}
  }
  stage.labels {
    values = ${map(labels)}
  }
  forward_to = [loki.write.loki.receiver]
}

loki.write "loki" {
  endpoint {
    url = ${str(opts.lokiPushUrl)}
  }
}
`;
}
