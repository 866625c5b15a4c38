import type * as pulumi from "@pulumi/pulumi";

/** Where the stack runs. `docker` is the dev target, `kubernetes` the prod target. */
export const PLATFORMS = ["docker", "kubernetes"] as const;
export type Platform = (typeof PLATFORMS)[number];

export const TIER_NAMES = ["dev", "prod"] as const;
export type TierName = (typeof TIER_NAMES)[number];

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const LOG_COLLECTORS = ["promtail", "alloy"] as const;
export type LogCollector = (typeof LOG_COLLECTORS)[number];

/**
 * NATS roles. Each maps to one account and one permission set (see render/nats.ts):
 *  - `admin`: everything in the APP account;
 *  - `service`: publish/subscribe on the application subjects plus what JetStream clients need;
 *  - `system`: the SYS account, `$SYS.>` and `_INBOX.>` only (for monitoring tools).
 */
export const NATS_ROLES = ["admin", "service", "system"] as const;
export type NatsRole = (typeof NATS_ROLES)[number];

export interface NatsUserSpec {
    /** Login name, e.g. `microservice`. */
    readonly name: string;
    readonly role: NatsRole;
}

/** Published host ports of the Docker stack (the Kubernetes Services keep the charts' ports). */
export interface PortsConfig {
    readonly grafana: number;
    readonly prometheus: number;
    readonly loki: number;
    readonly alertmanager: number;
    readonly natsClient: number;
    readonly natsMonitoring: number;
    readonly natsExporter: number;
}

export const ALERT_RECEIVER_KINDS = ["none", "webhook", "slack"] as const;
export type AlertReceiverKind = (typeof ALERT_RECEIVER_KINDS)[number];

export interface AlertReceiverConfig {
    readonly kind: Exclude<AlertReceiverKind, "none">;
    /** The webhook or Slack incoming-webhook URL. Always a Pulumi secret. */
    readonly url: pulumi.Output<string>;
    /** Slack channel, e.g. `#alerts` (Slack only; optional). */
    readonly slackChannel?: string;
}

/** One of the platform's own services to scrape, under the job `JOBS.services` with a `service` label. */
export interface ScrapeTarget {
    /** Value of the `service` label, e.g. `orders`. */
    readonly service: string;
    /** `host:port`. Use `host.docker.internal:<port>` for a process on the Docker host. */
    readonly address: string;
    /** Defaults to `/metrics`. */
    readonly metricsPath: string;
}

/** Settings that only the Kubernetes platform reads. */
export interface KubernetesConfig {
    /** Namespace the stack is installed into. Defaults to `observability`. */
    readonly namespace: string;
    /** kubeconfig context; the ambient one when unset. */
    readonly context?: string;
    /** Path to a kubeconfig file; the ambient one when unset. */
    readonly kubeconfig?: string;
    /** Nodes in the cluster; DaemonSets are budgeted per node. */
    readonly nodeCount: number;
    /** StorageClass for every PVC; the cluster default when unset. */
    readonly storageClass?: string;
}

/** Facts about the Docker engine that only the Docker platform reads (`dev-up.sh` detects them; see README). */
export interface DockerEngineConfig {
    /**
     * The engine's socket as a path on the engine's own host: what the log collector bind-mounts. The standard
     * `/var/run/docker.sock` also inside the VMs of Docker Desktop, Colima, OrbStack and Rancher Desktop; a rootless
     * engine's socket is its `DOCKER_HOST` path (e.g. `/run/user/1000/docker.sock`).
     */
    readonly socket: string;
    /**
     * Whether the engine enforces swap limits (`docker info` SwapLimit). Without swap accounting the engine stores
     * a container's memory-swap as -1; the stack asks for exactly that, so `pulumi up` shows no perpetual diff.
     */
    readonly swapLimit: boolean;
}

/** Settings both platforms read. */
export interface CommonStackConfig {
    readonly tier: TierName;
    readonly logLevel: LogLevel;
    /** Prometheus retention time, a Prometheus duration such as `30d`. */
    readonly prometheusRetention: string;
    /** Loki retention period, a Prometheus duration such as `744h` or `31d` (at least 24h), as Loki takes it. */
    readonly lokiRetention: string;
    readonly natsUsers: readonly NatsUserSpec[];
    /** Subjects the `service` role may publish and subscribe to. */
    readonly natsAppSubjects: readonly string[];
    readonly alertReceiver?: AlertReceiverConfig;
    /** When set, Grafana's Loki datasource links `traceId` fields to this URL (use `${__value.raw}`). */
    readonly traceUrl?: string;
    /** Base URL of the runbooks; an alert's `runbook_url` is `<base>/<AlertName>.md`. */
    readonly runbookBaseUrl: string;
    /** Keep data volumes / PVCs on `pulumi destroy`. Defaults to true. */
    readonly retainData: boolean;
}

/** Settings only the Docker platform reads; each is also a config key of its own (config/keys.ts). */
export interface DockerSettings {
    readonly logCollector: LogCollector;
    /** Host address ports are published on. Defaults to 127.0.0.1. */
    readonly bindAddress: string;
    /**
     * Host name in the URLs users and notifications open (alert links, Grafana's root URL, the stack outputs). Unset:
     * the bind address, or `localhost` when the stack listens on every interface.
     */
    readonly externalHost?: string;
    readonly ports: PortsConfig;
    readonly scrapeTargets: readonly ScrapeTarget[];
    readonly docker: DockerEngineConfig;
}

/** Settings only the Kubernetes platform reads; each is also a config key of its own (config/keys.ts). */
export interface KubernetesSettings {
    readonly kubernetes: KubernetesConfig;
}

export interface DockerStackConfig extends CommonStackConfig, DockerSettings {
    readonly platform: "docker";
}

export interface KubernetesStackConfig extends CommonStackConfig, KubernetesSettings {
    readonly platform: "kubernetes";
}

/**
 * The validated stack configuration, one shape per platform: a key of the other platform is refused by the config
 * stage, so nothing is parsed that the platform does not read. Produced once by `loadStackConfig()`.
 */
export type StackConfig = DockerStackConfig | KubernetesStackConfig;
