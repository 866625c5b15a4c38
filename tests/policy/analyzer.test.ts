/**
 * The policy pack as the Pulumi engine runs it (tests/policy/policyPackProcess.ts), over the resources both stacks
 * register. The Pulumi CLI cannot run a preview here (its providers are downloaded from the network), so this is the
 * closest real check: the same process and protocol `pulumi preview --policy-pack policy` uses.
 */
import { ResourceUnderPolicy, TYPES } from "../../policy/model";
import { installMocks } from "../support/mocks";
import { captureResourceOptions, runProgram } from "./stackUnderPolicy";
import { MANDATORY, PolicyPackProcess, startPolicyPack } from "./policyPackProcess";

installMocks({ stack: "dev" });
captureResourceOptions();

let pack: PolicyPackProcess;
beforeAll(async () => {
    pack = await startPolicyPack();
}, 180_000);
afterAll(() => pack?.stop());

/** The Pulumi wire sentinel of an unknown value, as the engine sends it during a preview. */
const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const analyze = (type: string, name: string, props: Record<string, unknown>) => pack.analyze(type, name, props);

describe("the policy pack served by Pulumi's policy-pack runner", () => {
    it("announces every policy as mandatory", async () => {
        const info = await pack.info();
        expect(info.map((p) => p.name)).toEqual([
            "pinned-versions",
            "resource-limits",
            "container-healthchecks",
            "no-public-ports",
            "data-retained-on-delete",
            "helm-release-timeout-and-name",
            "no-plaintext-generated-secrets",
        ]);
        expect(info.every((p) => p.level === MANDATORY)).toBe(true);
    });

    it("rejects a bad container with its name and each broken rule", async () => {
        const found = await analyze(TYPES.dockerContainer, "a4co-dev-grafana", {
            // Deliberately unpinned: the input pinned-versions must refuse (no program image uses it).
            image: "grafana/grafana:latest",
            memory: 512,
            cpus: "0.5",
            ports: [{ internal: 3000, external: 3000, ip: "0.0.0.0" }],
        });
        expect(found.map((d) => d.policy).sort()).toEqual(["container-healthchecks", "no-public-ports", "pinned-versions"]);
        for (const d of found) {
            expect(d.mandatory).toBe(true);
            expect(d.message).toContain(`${d.policy}: ${TYPES.dockerContainer} "a4co-dev-grafana"`);
        }
    });

    it.each(["dev", "prod"] as const)("passes every resource of the %s stack", async (stack) => {
        const program = await runProgram(stack);
        for (const r of program.resources) {
            const found = await analyze(r.type, r.name, r.props);
            expect({ resource: r.name, found: found.map((d) => d.message) }).toEqual({ resource: r.name, found: [] });
        }
        expect(program.resources.length).toBeGreaterThan(10);
    });

    it.each(["dev", "prod"] as const)(
        "%s: still checks in a first preview, where inputs computed from other resources are unknown",
        async (stack) => {
            const program = await runProgram(stack);
            // What a fresh stack's preview sends: image ids, uploads holding passwords or hashes, values built from
            // bcrypt hashes and secrets' data are computed by other resources, so unknown.
            const preview = (r: ResourceUnderPolicy): Record<string, unknown> => {
                const props = { ...r.props };
                if (r.type === TYPES.dockerContainer) Object.assign(props, { image: UNKNOWN_STRING, uploads: UNKNOWN_STRING });
                if (r.type === TYPES.helmRelease && r.name.endsWith("-nats")) props.values = UNKNOWN_STRING;
                if (r.type === TYPES.k8sSecret) props.stringData = UNKNOWN_STRING;
                return props;
            };
            let unknownInputs = 0;
            for (const r of program.resources) {
                const props = preview(r);
                unknownInputs += Object.values(props).filter((v) => v === UNKNOWN_STRING).length;
                const found = await analyze(r.type, r.name, props);
                expect(found.filter((d) => d.message.includes("during preview")).map((d) => d.message)).toEqual([]);
                expect(found.map((d) => d.message)).toEqual([]);
            }
            expect(unknownInputs).toBeGreaterThan(0);

            // A broken container is rejected even when its image is not known yet.
            const grafana = program.resources.find((r) => r.type === TYPES.dockerContainer);
            if (grafana) {
                const found = await analyze(TYPES.dockerContainer, grafana.name, {
                    ...preview(grafana),
                    ports: [{ internal: 1, external: 1, ip: "0.0.0.0" }],
                    healthcheck: undefined,
                });
                expect(found.map((d) => `${d.policy} ${d.mandatory}`).sort()).toEqual(["container-healthchecks true", "no-public-ports true"]);
            }
        },
    );
});
