import type * as pulumi from "@pulumi/pulumi";

/** A NATS login as handed to users: plaintext only inside a Pulumi secret output. */
export interface NatsLogin {
    readonly user: string;
    readonly password: string;
    readonly account: string;
}

/**
 * What both platform stacks return. The Docker stack and the Kubernetes stack produce the same keys, each derived from
 * the resources it describes, so `index.ts` exports them without knowing the platform.
 */
export interface StackEndpoints {
    readonly grafanaUrl: pulumi.Output<string>;
    readonly prometheusUrl: pulumi.Output<string>;
    readonly alertmanagerUrl: pulumi.Output<string>;
    readonly lokiUrl: pulumi.Output<string>;
    readonly natsUrl: pulumi.Output<string>;
    readonly natsMonitoringUrl: pulumi.Output<string>;
    readonly natsExporterUrl: pulumi.Output<string>;
    /** `{ user, password }`, secret. */
    readonly grafanaAdmin: pulumi.Output<{ user: string; password: string }>;
    /** Per NATS user, secret. */
    readonly natsCredentials: pulumi.Output<Record<string, NatsLogin>>;
    /** A short "what to do now" text: how to reach Grafana, how to read the secrets. */
    readonly nextSteps: pulumi.Output<string>;
}

/** The outputs map a stack component registers: exactly the contract's keys. */
export function endpointOutputs(e: StackEndpoints): Record<keyof StackEndpoints, pulumi.Output<unknown>> {
    return {
        grafanaUrl: e.grafanaUrl,
        prometheusUrl: e.prometheusUrl,
        alertmanagerUrl: e.alertmanagerUrl,
        lokiUrl: e.lokiUrl,
        natsUrl: e.natsUrl,
        natsMonitoringUrl: e.natsMonitoringUrl,
        natsExporterUrl: e.natsExporterUrl,
        grafanaAdmin: e.grafanaAdmin,
        natsCredentials: e.natsCredentials,
        nextSteps: e.nextSteps,
    };
}
