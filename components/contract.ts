import * as pulumi from "@pulumi/pulumi";

/** A NATS login as handed to users: plaintext only inside a Pulumi secret output. */
export interface NatsLogin {
    readonly user: string;
    readonly password: string;
    readonly account: string;
}

/**
 * The outputs contract: what both platform stacks return and `index.ts` exports, each derived from the resources the
 * stack describes. This is the one place the keys are written; the platforms are held to it by the type checker, and
 * `tests/program.test.ts` holds the program to it.
 */
export interface StackOutputs {
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

/**
 * A platform's stack component. The subclass creates its resources, then hands its outputs to {@link publish}
 * once: they become the component's registered outputs and {@link outputs}, which `index.ts` exports as they are.
 */
export abstract class PlatformStack extends pulumi.ComponentResource {
    #outputs: StackOutputs | undefined;

    /** The stack's outputs; set by the subclass's constructor. */
    get outputs(): StackOutputs {
        if (this.#outputs === undefined) throw new pulumi.ResourceError("the stack read its outputs before publishing them", this);
        return this.#outputs;
    }

    protected publish(outputs: StackOutputs): void {
        this.#outputs = outputs;
        this.registerOutputs({ ...outputs });
    }
}
