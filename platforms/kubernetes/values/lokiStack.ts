/** Values of loki-stack: Loki 2.9 from our config Secret, Promtail with the shared JSON pipeline, one Loki datasource. */
import { JOBS } from "../../../monitoring/jobs";
import { LOG_LABELS } from "../../../monitoring/logLabels";
import { DATASOURCE_UIDS } from "../../../monitoring/datasources";
import { escapeProvisioningValue } from "../../../render/grafana";
import { promtailJsonPipeline } from "../../../render/promtail";
import type { KubernetesStackConfig } from "../../../config/types";
import { VERSIONS } from "../../../config/versions";
import { KubernetesSizing, mi, resources } from "../budget";
import { K8S_NAMES, RELEASES } from "../names";
import { jobRelabel } from "../relabelings";
import { logLevelFor } from "../../../render/logLevels";

/** Where Promtail pushes: the loki subchart's Service, named after the release. */
export const LOKI_PUSH_URL = `http://${RELEASES.lokiStack}:3100/loki/api/v1/push`;

export function lokiStackValues(config: Pick<KubernetesStackConfig, "kubernetes" | "traceUrl" | "logLevel">, k8s: KubernetesSizing) {
    const { budget: b, pvc } = k8s;
    const storageClass = config.kubernetes.storageClass;
    const jsonData: Record<string, unknown> = { maxLines: 1000 };
    if (config.traceUrl) {
        jsonData.derivedFields = [
            { name: "traceId", matcherRegex: '"traceId":\\s*"(\\w+)"', url: escapeProvisioningValue(config.traceUrl), urlDisplayLabel: "View trace" },
        ];
    }
    return {
        loki: {
            enabled: true,
            // Exactly one Loki datasource, with dev's uid, and not a second default next to Prometheus.
            isDefault: false,
            datasource: { uid: DATASOURCE_UIDS.loki, jsonData: JSON.stringify(jsonData) },
            image: { tag: VERSIONS.lokiStackLoki.tag },
            config: { existingSecret: K8S_NAMES.lokiConfigSecret },
            persistence: { enabled: true, size: mi(pvc.loki), ...(storageClass ? { storageClassName: storageClass } : {}) },
            resources: resources(b.loki),
            // The chart's ServiceMonitor selects the headless service (job "loki-headless") and cannot relabel:
            // the stack creates its own, relabelled to the job contract (see objects.ts).
            serviceMonitor: { enabled: false },
        },
        promtail: {
            enabled: true,
            image: { tag: VERSIONS.promtail.tag },
            resources: resources(b.promtail),
            serviceMonitor: { enabled: true, relabelings: jobRelabel(JOBS.promtail) },
            config: {
                logLevel: logLevelFor("promtail", config.logLevel),
                clients: [{ url: LOKI_PUSH_URL }],
                snippets: {
                    // The chart's CRI parsing first, then the same JSON stages as dev.
                    pipelineStages: [{ cri: {} }, ...promtailJsonPipeline()],
                    extraRelabelConfigs: [
                        // `service` means the app, as on dev; `component` comes only from the log line, as on dev.
                        { action: "replace", source_labels: ["app"], target_label: LOG_LABELS.service },
                        { action: "labeldrop", regex: LOG_LABELS.component },
                    ],
                },
            },
        },
        grafana: { enabled: false, sidecar: { datasources: { enabled: true } } },
        prometheus: { enabled: false },
        "fluent-bit": { enabled: false },
        test_pod: { enabled: false },
    };
}
