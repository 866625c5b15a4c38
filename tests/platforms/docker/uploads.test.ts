/** The files the dev stack uploads into its containers: each secret file says who may read it. */
import { CONTAINER_PATHS, DockerStack } from "../../../platforms/docker/stack";
import { buildMonitoringContent } from "../../../monitoring/content";
import { configFor, loadStackConfig } from "../../../config/stack";
import { sizeTier } from "../../../config/tiers";
import { unwrapSecret } from "../../support/leaks";
import { allOf, installMocks, only, promiseOf, registered } from "../../support/mocks";
import { setStackConfig } from "../../support/stackConfig";

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
    registered.length = 0;
    setStackConfig("dev", overrides);
    const config = configFor(loadStackConfig(), "docker");
    const stack = new DockerStack("dev", { config, sizing: sizeTier(config.tier), content: buildMonitoringContent(config) });
    await promiseOf(stack.nextSteps);
    await promiseOf(stack.natsCredentials);
    const out: Record<string, Upload[]> = {};
    for (const c of allOf(CONTAINER)) {
        out[c.name] = unwrapSecret<Upload[]>(c.inputs.uploads ?? []).map((u) => ({ ...u, content: unwrapSecret(u.content) }));
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
