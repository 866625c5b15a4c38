/** The NATS users and config the nats.conf tests render: three roles with bcrypt hashes of known passwords. */
import bcrypt from "bcryptjs";

import { NatsRenderedUser, renderNatsConfig } from "../../render/nats";
import type { NatsRole } from "../../config/types";

export const PASSWORDS: Record<string, string> = { admin: "AdminPw7q", microservice: "ServicePw7q", metrics: "MetricsPw7q" };
const ROLES: Record<string, NatsRole> = { admin: "admin", microservice: "service", metrics: "system" };
export const users: NatsRenderedUser[] = Object.keys(PASSWORDS).map((name) => ({
    name,
    role: ROLES[name],
    bcryptHash: bcrypt.hashSync(PASSWORDS[name], 4),
}));

/** nats.conf for {@link users}, with JetStream stored under `storeDir`. */
export function renderTestNatsConfig(storeDir: string, clientPort = 4222, monitoringPort = 8222, host?: string): string {
    return renderNatsConfig({
        serverName: "a4co-nats",
        host,
        clientPort,
        monitoringPort,
        jetstream: { storeDir, maxMemoryStoreMb: 64, maxFileStoreMb: 256 },
        users,
        appSubjects: ["events.>", "commands.>"],
        logLevel: "info",
    });
}
