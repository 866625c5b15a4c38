import type { NatsRole, NatsUserSpec } from "../config/types";
import { logLevelFor } from "./logLevels";

/** The account every application user lives in; JetStream is enabled for it. */
export const NATS_APP_ACCOUNT = "APP";
/** The system account: server events under `$SYS.>`. */
export const NATS_SYSTEM_ACCOUNT = "SYS";

/** Subjects every JetStream client needs besides its application subjects. */
export const NATS_JETSTREAM_CLIENT_SUBJECTS = ["$JS.API.>", "$JS.ACK.>", "_INBOX.>"] as const;

export interface NatsRenderedUser extends NatsUserSpec {
    /** bcrypt hash of the password (never the password). */
    readonly bcryptHash: string;
}

export interface NatsConfigOptions {
    readonly serverName: string;
    /** Interface to listen on; all interfaces inside a container. */
    readonly host?: string;
    readonly clientPort: number;
    readonly monitoringPort: number;
    readonly jetstream: {
        readonly storeDir: string;
        readonly maxMemoryStoreMb: number;
        readonly maxFileStoreMb: number;
    };
    readonly users: readonly NatsRenderedUser[];
    /** Subjects the `service` role may publish and subscribe to, e.g. `events.>`. */
    readonly appSubjects: readonly string[];
    readonly logLevel: "debug" | "info" | "warn" | "error";
}

interface PermissionSet {
    publish: { allow: string[] };
    subscribe: { allow: string[] };
}

/** The account a role belongs to. */
export function natsAccountFor(role: NatsRole): string {
    return role === "system" ? NATS_SYSTEM_ACCOUNT : NATS_APP_ACCOUNT;
}

/** Permissions per role; `admin` has none, i.e. everything inside its account. */
export function natsPermissionsFor(role: NatsRole, appSubjects: readonly string[]): PermissionSet | undefined {
    switch (role) {
        case "admin":
            return undefined;
        case "service": {
            const subjects = [...appSubjects, ...NATS_JETSTREAM_CLIENT_SUBJECTS];
            return { publish: { allow: subjects }, subscribe: { allow: [...subjects] } };
        }
        case "system":
            return { publish: { allow: ["$SYS.>", "_INBOX.>"] }, subscribe: { allow: ["$SYS.>", "_INBOX.>"] } };
    }
}

const MB = 1024 * 1024;

/**
 * The `accounts {}` block and `system_account` shared by the Docker config and the NATS chart's `config.merge`.
 * Users authenticate with bcrypt hashes; there is no `no_auth_user`, so anonymous clients are refused.
 */
export function natsAccounts(
    users: readonly NatsRenderedUser[],
    appSubjects: readonly string[],
): { accounts: Record<string, unknown>; system_account: string } {
    const usersOf = (account: string) =>
        users
            .filter((u) => natsAccountFor(u.role) === account)
            .map((u) => {
                const permissions = natsPermissionsFor(u.role, appSubjects);
                return permissions === undefined ? { user: u.name, password: u.bcryptHash } : { user: u.name, password: u.bcryptHash, permissions };
            });
    return {
        accounts: {
            [NATS_APP_ACCOUNT]: { jetstream: "enabled", users: usersOf(NATS_APP_ACCOUNT) },
            [NATS_SYSTEM_ACCOUNT]: { users: usersOf(NATS_SYSTEM_ACCOUNT) },
        },
        system_account: NATS_SYSTEM_ACCOUNT,
    };
}

/**
 * Renders `nats.conf`. NATS's config format accepts JSON, so the file is JSON: every string is quoted (bcrypt hashes
 * start with `$`, which unquoted would be a variable reference) and sizes are plain byte counts.
 */
export function renderNatsConfig(opts: NatsConfigOptions): string {
    const config = {
        server_name: opts.serverName,
        listen: `${opts.host ?? "0.0.0.0"}:${opts.clientPort}`,
        http: `${opts.host ?? "0.0.0.0"}:${opts.monitoringPort}`,
        ...logLevelFor("nats", opts.logLevel),
        logtime: true,
        jetstream: {
            store_dir: opts.jetstream.storeDir,
            max_memory_store: opts.jetstream.maxMemoryStoreMb * MB,
            max_file_store: opts.jetstream.maxFileStoreMb * MB,
        },
        ...natsAccounts(opts.users, opts.appSubjects),
    };
    return `${JSON.stringify(config, null, 2)}\n`;
}
