/** The files the dev stack uploads into its containers: each secret file says who may read it. */
import { CONTAINER_PATHS } from "../../../platforms/docker/services";
import { DockerStack } from "../../../platforms/docker/stack";
import { unwrapSecret, unwrapSecrets } from "../../support/leaks";
import { allOf, installMocks, only } from "../../support/mocks";
import { recordStack } from "../../support/recordStack";

installMocks({ stack: "dev" });

const CONTAINER = "docker:index/container:Container";

interface Upload {
    file: string;
    content: unknown;
    permissions?: string;
    owner?: string;
    group?: string;
}

/** Every container's uploads (secret contents unwrapped) for one run of the component. */
async function uploadsFor(overrides: Record<string, unknown> = {}): Promise<Record<string, Upload[]>> {
    await recordStack(DockerStack, "docker", "dev", overrides);
    const out: Record<string, Upload[]> = {};
    for (const c of allOf(CONTAINER)) {
        out[c.name] = unwrapSecrets(c.inputs.uploads ?? []) as Upload[];
    }
    return out;
}

describe("uploads", () => {
    it("Grafana's admin password file is readable by Grafana's user (uid 472) alone", async () => {
        await uploadsFor();
        const grafana = unwrapSecret<Upload[]>(only(CONTAINER, "dev-grafana").inputs.uploads);
        const password = grafana.find((u) => u.file === CONTAINER_PATHS.grafanaAdminPassword);
        expect({ permissions: password?.permissions, owner: password?.owner, group: password?.group }).toEqual({
            permissions: "0400",
            owner: "472",
            group: "0",
        });
        // Config files Grafana only reads keep the provider's default mode.
        for (const u of grafana.filter((x) => x.file !== CONTAINER_PATHS.grafanaAdminPassword)) expect(u.permissions).toBeUndefined();
    });
});
