import * as pulumi from "@pulumi/pulumi";

import { installMocks, promiseOf, registered } from "./support/mocks";
import { setStackConfig } from "./support/stackConfig";

installMocks({ stack: "dev" });

const CONTRACT = [
    "alertmanagerUrl",
    "grafanaAdmin",
    "grafanaUrl",
    "lokiUrl",
    "natsCredentials",
    "natsExporterUrl",
    "natsMonitoringUrl",
    "natsUrl",
    "nextSteps",
    "prometheusUrl",
];

/** Runs index.ts on `stack` as the Pulumi CLI would, holds its exports to the contract and waits for every output. */
async function runProgram(stack: string): Promise<Record<string, pulumi.Output<unknown>>> {
    setStackConfig(stack);
    let program: Record<string, pulumi.Output<unknown>> = {};
    jest.isolateModules(() => {
        program = jest.requireActual<Record<string, pulumi.Output<unknown>>>("../index");
    });
    expect(Object.keys(program).sort()).toEqual(CONTRACT);
    for (const key of CONTRACT) await promiseOf(program[key]);
    return program;
}

describe("the program (index.ts) on the dev stack", () => {
    it("exports the outputs contract, with credentials secret and every resource under a component", async () => {
        const program = await runProgram("dev");
        expect(await pulumi.isSecret(program.grafanaAdmin)).toBe(true);
        expect(await pulumi.isSecret(program.natsCredentials)).toBe(true);
        expect(await pulumi.isSecret(program.grafanaUrl)).toBe(false);
        expect(await promiseOf(program.grafanaUrl)).toBe("http://127.0.0.1:3000");

        // A URN's type part is the chain of parent types ("parent$child"): every resource sits under the Docker
        // stack component, the only resource at the root.
        const monitor = pulumi.runtime.getMonitor() as unknown as { getRegisteredResources(): Map<string, unknown> };
        const urns = [...monitor.getRegisteredResources().keys()];
        const typeChains = urns.map((urn) => urn.split("::")[2]);
        const custom = registered.filter((r) => r.custom);
        expect(custom.length).toBeGreaterThan(20);
        for (const chain of typeChains) {
            // The mock monitor writes the immediate parent's type only.
            expect(chain).toMatch(
                /^(a4co:observability:DockerStack(\$docker:[\w/:]+|\$a4co:observability:StackCredentials)?|a4co:observability:StackCredentials\$random:[\w/:]+)$/,
            );
        }
        expect(typeChains.filter((c) => !c.includes("$"))).toEqual(["a4co:observability:DockerStack"]);
    });
});

describe("the program (index.ts) on the prod stack", () => {
    it("exports the same outputs contract from the Kubernetes stack", async () => {
        const program = await runProgram("prod");
        expect(await pulumi.isSecret(program.grafanaAdmin)).toBe(true);
        expect(registered.some((r) => r.type === "kubernetes:helm.sh/v3:Release")).toBe(true);
        expect(registered.some((r) => r.type.startsWith("docker:"))).toBe(false);
    });
});
