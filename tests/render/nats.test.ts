/** nats.conf as rendered: hashes only, the accounts of the security model, JetStream sizes. nats.programs.ts runs it. */
import * as os from "os";
import * as path from "path";

import { natsAccounts } from "../../render/nats";
import { PASSWORDS, renderTestNatsConfig, users } from "./natsFixture";

// Rendered only, never written: the store folder is never created.
const render = () => renderTestNatsConfig(path.join(os.tmpdir(), "a4co-nats-unrendered", "js"));

describe("nats.conf", () => {
    it("holds bcrypt hashes only, never a password", () => {
        const text = render();
        for (const pw of Object.values(PASSWORDS)) expect(text).not.toContain(pw);
        for (const u of users) expect(text).toContain(JSON.stringify(u.bcryptHash));
    });

    it("puts admin and microservice in APP with JetStream, metrics in SYS as the system account", () => {
        const { accounts, system_account } = natsAccounts(users, ["events.>"]) as {
            accounts: Record<string, { jetstream?: string; users: { user: string }[] }>;
            system_account: string;
        };
        expect(system_account).toBe("SYS");
        expect(accounts.APP.jetstream).toBe("enabled");
        expect(accounts.APP.users.map((u) => u.user)).toEqual(["admin", "microservice"]);
        expect(accounts.SYS.users.map((u) => u.user)).toEqual(["metrics"]);
        expect(accounts.SYS.jetstream).toBeUndefined();
    });

    it("sizes JetStream in bytes from the tier numbers", () => {
        const js = JSON.parse(render()).jetstream;
        expect(js.max_memory_store).toBe(64 * 1024 * 1024);
        expect(js.max_file_store).toBe(256 * 1024 * 1024);
    });
});
