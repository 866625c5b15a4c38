/**
 * Switching the log collector (`logCollector: promtail` <-> `alloy`) under the mocks: what the program declares for
 * each value is what the engine compares, so the switch must be a replacement of one resource (stopped before its
 * successor starts) with one positions volume that stays tracked.
 */
import * as pulumi from "@pulumi/pulumi";

import { DockerStack } from "../../../platforms/docker/stack";
import { allOf, installMocks } from "../../support/mocks";
import { recordStack } from "../../support/recordStack";

installMocks({ stack: "dev" });

interface Declared {
    readonly type: string;
    readonly name: string;
    readonly dockerName: unknown;
    readonly opts: pulumi.CustomResourceOptions;
}

async function declaredFor(overrides: Record<string, unknown>): Promise<Declared[]> {
    const { children } = await recordStack(DockerStack, "docker", "dev", overrides);
    const opts = Object.fromEntries(children.map((c) => [c.name, c.opts]));
    return ["docker:index/container:Container", "docker:index/volume:Volume"].flatMap((type) =>
        allOf(type).map((r) => ({ type, name: r.name, dockerName: r.inputs.name, opts: opts[r.name] })),
    );
}

const collectorOf = (declared: Declared[]) => declared.find((d) => d.name === "dev-logCollector");
const positionsOf = (declared: Declared[]) =>
    declared.filter((d) => d.type === "docker:index/volume:Volume" && !String(d.dockerName).endsWith("-data"));

describe("switching the log collector", () => {
    it.each(["promtail", "alloy"])("declares one collector container for %s, replaced by stopping it first", async (collector) => {
        const declared = await declaredFor({ logCollector: collector });
        expect(collectorOf(declared)?.dockerName).toBe(`a4co-${collector}`);
        expect(collectorOf(declared)?.opts.deleteBeforeReplace).toBe(true);
        // Stacks made before named the resource after the collector.
        expect(collectorOf(declared)?.opts.aliases).toEqual(expect.arrayContaining([{ name: "dev-promtail" }, { name: "dev-alloy" }]));
        expect(declared.filter((d) => ["a4co-promtail", "a4co-alloy"].includes(String(d.dockerName)))).toHaveLength(1);
    });

    it("is the same resource for either collector, so the engine replaces it instead of creating the new one beside the old", async () => {
        const promtail = await declaredFor({ logCollector: "promtail" });
        const alloy = await declaredFor({ logCollector: "alloy" });
        expect([collectorOf(promtail)?.name, collectorOf(alloy)?.name]).toEqual(["dev-logCollector", "dev-logCollector"]);
    });

    it.each([true, false])("keeps one positions volume, the same for both collectors, tracked with retainData %s", async (retainData) => {
        const promtail = positionsOf(await declaredFor({ logCollector: "promtail", retainData }));
        const alloy = positionsOf(await declaredFor({ logCollector: "alloy", retainData }));
        expect(promtail.map((v) => [v.name, v.dockerName])).toEqual([["dev-logCollector-positions", "a4co-log-collector-positions"]]);
        expect(alloy.map((v) => [v.name, v.dockerName])).toEqual(promtail.map((v) => [v.name, v.dockerName]));
        for (const v of [...promtail, ...alloy]) expect(v.opts.retainOnDelete).toBe(retainData);
    });
});
