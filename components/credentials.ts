import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

import { natsAccountFor, NatsRenderedUser } from "../render/nats";
import type { NatsUserSpec } from "../config/types";
import type { NatsLogin } from "./contract";

export const GRAFANA_ADMIN_USER = "admin";

/** Random password settings: alphanumeric, so it survives every config format and env var unquoted. */
const PASSWORD_ARGS: random.RandomPasswordArgs = { length: 32, special: false };

export interface GeneratedNatsUser {
    readonly spec: NatsUserSpec;
    /** Plaintext, secret. */
    readonly password: pulumi.Output<string>;
    /** The provider's bcrypt hash: stable across runs (a hash computed here would get a new salt every `up`). */
    readonly bcryptHash: pulumi.Output<string>;
}

export interface StackCredentialsArgs {
    readonly natsUsers: readonly NatsUserSpec[];
}

/** Generates every credential of the stack: the Grafana admin password and one password per NATS user. */
export class StackCredentials extends pulumi.ComponentResource {
    /** Secret. */
    public readonly grafanaAdminPassword: pulumi.Output<string>;
    public readonly natsUsers: readonly GeneratedNatsUser[];
    /** The NATS users as the NATS config renders them: each spec with its bcrypt hash (no plaintext). */
    public readonly hashedNatsUsers: pulumi.Output<NatsRenderedUser[]>;
    /** Secret map of NATS logins, as exported by the stacks. */
    public readonly natsLogins: pulumi.Output<Record<string, NatsLogin>>;

    constructor(name: string, args: StackCredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("a4co:observability:StackCredentials", name, {}, opts);

        const grafana = new random.RandomPassword(`${name}-grafana-admin`, PASSWORD_ARGS, { parent: this });
        this.grafanaAdminPassword = pulumi.secret(grafana.result);

        this.natsUsers = args.natsUsers.map((spec) => {
            const pw = new random.RandomPassword(`${name}-nats-${spec.name}`, PASSWORD_ARGS, { parent: this });
            return { spec, password: pulumi.secret(pw.result), bcryptHash: pw.bcryptHash };
        });

        this.hashedNatsUsers = pulumi
            .all(this.natsUsers.map((u) => u.bcryptHash))
            .apply((hashes) => this.natsUsers.map((u, i) => ({ ...u.spec, bcryptHash: hashes[i] })));

        this.natsLogins = pulumi.secret(
            pulumi
                .all(this.natsUsers.map((u) => u.password))
                .apply((passwords) =>
                    Object.fromEntries(
                        this.natsUsers.map((u, i) => [
                            u.spec.name,
                            { user: u.spec.name, password: passwords[i], account: natsAccountFor(u.spec.role) },
                        ]),
                    ),
                ),
        );

        this.registerOutputs({ grafanaAdminPassword: this.grafanaAdminPassword, natsLogins: this.natsLogins });
    }
}
