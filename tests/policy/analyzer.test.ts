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

describe("the secrets policy in a preview of a new stack (what the PR preview runs)", () => {
    // Nothing is generated yet: the password's result is the engine's unknown, and so is every input computed from it.
    const password = {
        type: TYPES.randomPassword,
        name: "dev-grafana-admin",
        props: { length: 32, special: false, result: UNKNOWN_STRING, bcryptHash: UNKNOWN_STRING },
    };
    const grafana = (props: Record<string, unknown> = {}, deps: Record<string, string[]> = {}) => ({
        type: TYPES.dockerContainer,
        name: "dev-grafana",
        props: {
            image: UNKNOWN_STRING,
            envs: ["GF_SECURITY_ADMIN_PASSWORD__FILE=/run/secrets/grafana-admin-password"],
            uploads: [{ file: "/run/secrets/grafana-admin-password", content: UNKNOWN_STRING }],
            ...props,
        },
        propertyDependencies: { uploads: ["dev-grafana-admin"], ...deps },
    });

    it("runs, instead of the advisory 'can't run ... during preview', and passes the program's own flow", async () => {
        expect(await pack.analyzeStack([password, grafana()])).toEqual([]);
    });

    it("fails a plain input computed from a generated password, before its value is known", async () => {
        const diagnoses = await pack.analyzeStack([password, grafana({ envs: [UNKNOWN_STRING] }, { envs: ["dev-grafana-admin"] })]);
        expect(diagnoses).toEqual([
            {
                policy: "no-plaintext-generated-secrets",
                mandatory: true,
                message: expect.stringContaining(`"dev-grafana": its input 'envs' is computed from the generated password "dev-grafana-admin"`),
            },
        ]);
    });

    it("still finds the password by value once it is known (an update, or a preview of an existing stack)", async () => {
        const known = { ...password, props: { ...password.props, result: "KnownGeneratedPw123", bcryptHash: "$2a$10$x" } };
        const diagnoses = await pack.analyzeStack([known, grafana({ command: ["grafana", "--password=KnownGeneratedPw123"] })]);
        expect(diagnoses.map((d) => [d.policy, d.mandatory, /plain text at command\.1/.test(d.message)])).toEqual([
            ["no-plaintext-generated-secrets", true, true],
        ]);
    });
});
