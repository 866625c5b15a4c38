import { stringify } from "yaml";

import { JOBS } from "../monitoring/jobs";
import type { LogLevel, ScrapeTarget } from "../config/types";
import { logLevelFor } from "./logLevels";

/** Where each scrape job of the job-label contract finds its target (`host:port`). */
export interface PrometheusTargets {
    readonly prometheus: string;
    readonly alertmanager: string;
    readonly loki: string;
    readonly grafana: string;
    readonly natsExporter: string;
    /** The log collector's metrics endpoint and the job it is scraped as. */
    readonly logCollector: { readonly job: string; readonly address: string };
}

export interface PrometheusConfigOptions {
    readonly scrapeInterval: string;
    readonly evaluationInterval: string;
    /** Glob(s) of rule files inside the container. */
    readonly ruleFiles: readonly string[];
    readonly alertmanagers: readonly string[];
    readonly targets: PrometheusTargets;
    readonly services: readonly ScrapeTarget[];
    readonly externalLabels: Readonly<Record<string, string>>;
}

const job = (name: string, address: string) => ({ job_name: name, static_configs: [{ targets: [address] }] });

/**
 * Renders `prometheus.yml`. Job names are the job-label contract of monitoring/jobs.ts, which rules and dashboards
 * select on. Services share one job; each target carries a `service` label and its own metrics path.
 */
export function renderPrometheusConfig(opts: PrometheusConfigOptions): string {
    const scrapeConfigs: Record<string, unknown>[] = [
        job(JOBS.prometheus, opts.targets.prometheus),
        job(JOBS.alertmanager, opts.targets.alertmanager),
        job(JOBS.loki, opts.targets.loki),
        job(opts.targets.logCollector.job, opts.targets.logCollector.address),
        job(JOBS.grafana, opts.targets.grafana),
        job(JOBS.natsExporter, opts.targets.natsExporter),
    ];
    if (opts.services.length > 0) {
        scrapeConfigs.push({
            job_name: JOBS.services,
            // `__metrics_path__` set per target lets services expose metrics on different paths within one job.
            static_configs: opts.services.map((s) => ({
                targets: [s.address],
                labels: { service: s.service, __metrics_path__: s.metricsPath },
            })),
        });
    }
    return stringify({
        global: {
            scrape_interval: opts.scrapeInterval,
            evaluation_interval: opts.evaluationInterval,
            external_labels: { ...opts.externalLabels },
        },
        rule_files: [...opts.ruleFiles],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [...opts.alertmanagers] }] }] },
        scrape_configs: scrapeConfigs,
    });
}

/**
 * Prometheus server flags. The image's CMD is replaced by a container command, so its own two flags are repeated.
 * Retention uses the flags rather than the config-file `storage.tsdb.retention` block: the flags work on every 3.x.
 */
export function prometheusArgs(opts: {
    configFile: string;
    dataDir: string;
    retentionTime: string;
    retentionSize: string;
    /** The URL users reach Prometheus at: alerts' "Source" links (generatorURL) point there, not at a container id. */
    externalUrl: string;
    logLevel: LogLevel;
}): string[] {
    return [
        `--config.file=${opts.configFile}`,
        `--storage.tsdb.path=${opts.dataDir}`,
        `--storage.tsdb.retention.time=${opts.retentionTime}`,
        `--storage.tsdb.retention.size=${opts.retentionSize}`,
        `--web.external-url=${opts.externalUrl}`,
        "--web.enable-lifecycle",
        `--log.level=${logLevelFor("prometheus", opts.logLevel)}`,
    ];
}
