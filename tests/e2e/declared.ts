/**
 * What the program declares for the dev stack: `index.ts` run under the project's Pulumi mocks with the dev stack
 * file plus overrides, and the order/dependencies of its containers from the same pure plan the DockerStack
 * component uses (platforms/docker/containers.ts). Call inside a jest file that ran installMocks({ stack: "dev" }).
 */
import type * as pulumi from "@pulumi/pulumi";

import { dockerContainerPlan } from "../../platforms/docker/containers";
import { DOCKER_SERVICES, renderDockerConfigFiles } from "../../platforms/docker/services";
import { buildMonitoringContent } from "../../monitoring/content";
import { configFor, loadStackConfig } from "../../config/stack";
import { sizeTier } from "../../config/tiers";
import { imageRef } from "../../config/versions";
import { promiseOf, registered, settle } from "../support/mocks";
import { setStackConfig } from "../support/stackConfig";
import type { DeclaredStack } from "../../harness/docker/stackRunner";

/** Runs index.ts under the mocks and collects the Docker registrations. */
export async function declaredDevStack(overrides: Record<string, unknown>): Promise<DeclaredStack> {
    setStackConfig("dev", overrides);
    registered.length = 0;
    let program: Record<string, pulumi.Output<unknown>> = {};
    jest.isolateModules(() => {
        program = jest.requireActual<Record<string, pulumi.Output<unknown>>>("../../index");
    });
    const outputs: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(program)) outputs[k] = await promiseOf(v);
    await settle();

    // Creation order and dependencies: the component's own plan, computed again from the same config.
    const config = configFor(loadStackConfig(), "docker");
    const sizing = sizeTier(config.tier);
    const content = buildMonitoringContent(config);
    const plan = dockerContainerPlan({
        config,
        sizing,
        files: renderDockerConfigFiles(config, sizing, content),
        natsConfig: "",
        grafanaAdminPassword: "",
        volumes: { prometheus: "", alertmanager: "", loki: "", grafana: "", nats: "", logCollector: "" },
        homeDashboardFile: content.homeDashboardFileName,
    });

    const images = new Map<string, string>();
    for (const r of registered.filter((r) => r.type === "docker:index/remoteImage:RemoteImage")) {
        images.set(`sha256:${Buffer.from(String(r.inputs.name)).toString("hex")}`, String(r.inputs.name));
    }
    const containerRegs = registered.filter((r) => r.type === "docker:index/container:Container");
    const containers = plan.map((p) => {
        const reg = containerRegs.find((r) => r.inputs.name === p.args.name);
        if (!reg)
            throw new Error(
                `the plan has ${p.service} (${String(p.args.name)}) but the program registered no such container: ${containerRegs.map((r) => r.inputs.name).join(", ")}`,
            );
        const officialRef = images.get(String(reg.inputs.image));
        if (officialRef !== imageRef(DOCKER_SERVICES[p.service].image))
            throw new Error(`${p.service}: image ${String(reg.inputs.image)} is not the pinned ${imageRef(DOCKER_SERVICES[p.service].image)}`);
        return { service: p.service, dependsOn: p.dependsOn, inputs: reg.inputs, officialRef };
    });
    if (containers.length !== containerRegs.length)
        throw new Error(`the program registered ${containerRegs.length} containers, the plan has ${containers.length}`);
    const others = registered.filter(
        (r) =>
            r.type.startsWith("docker:") &&
            ![
                "docker:index/remoteImage:RemoteImage",
                "docker:index/container:Container",
                "docker:index/network:Network",
                "docker:index/volume:Volume",
            ].includes(r.type),
    );
    if (others.length > 0)
        throw new Error(`the program registers Docker resources the runner does not create: ${others.map((r) => r.type).join(", ")}`);
    return {
        networks: registered.filter((r) => r.type === "docker:index/network:Network").map((r) => r.inputs),
        volumes: registered.filter((r) => r.type === "docker:index/volume:Volume").map((r) => r.inputs),
        containers,
        outputs,
    };
}
