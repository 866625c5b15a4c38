/** Whether the stack fits the cluster its Kubernetes settings describe: the budget refusals of the config stage. */
import { kubernetesFitProblems } from "../../config/kubernetes";
import { sizeTier } from "../../config/tiers";

describe("the Kubernetes fit", () => {
    it("accepts the prod tier on 3 nodes and the dev tier on 1", () => {
        expect(kubernetesFitProblems({ nodeCount: 3 }, "prod", sizeTier("prod"))).toEqual([]);
        expect(kubernetesFitProblems({ nodeCount: 1 }, "dev", sizeTier("dev"))).toEqual([]);
    });

    it("refuses PVCs over the tier's disk (no tier of today does; a smaller disk shows the check works)", () => {
        const sizing = sizeTier("prod");
        const tiny = { ...sizing, hardware: { ...sizing.hardware, diskGb: 10 } };
        expect(kubernetesFitProblems({ nodeCount: 3 }, "prod", tiny)).toEqual([
            expect.stringMatching(/^'tier' is 'prod': its PVCs need \d+ MiB but the tier has 10 GiB of disk: choose a larger tier\.$/),
        ]);
    });

    it("finds the largest node count each tier carries, and refuses one more", () => {
        for (const tier of ["dev", "prod"] as const) {
            const sizing = sizeTier(tier);
            const fits = (nodeCount: number) => kubernetesFitProblems({ nodeCount }, tier, sizing).length === 0;
            let largest = tier === "prod" ? 3 : 1;
            while (fits(largest + 1)) largest++;
            expect(largest).toBeGreaterThanOrEqual(tier === "prod" ? 3 : 1);
            expect(kubernetesFitProblems({ nodeCount: largest + 1 }, tier, sizing)).toEqual([
                expect.stringContaining(`'kubernetes.nodeCount' is ${largest + 1}: per-node agents push the stack to`),
            ]);
        }
    });
});
