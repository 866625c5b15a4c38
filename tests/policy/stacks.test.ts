/**
 * The policy pack over everything both stacks register under the mocks: no violation, across the configurations a
 * user picks. Each configuration also proves the check saw what it must (containers, releases, volumes, passwords).
 */
import { ALL_INTERFACES } from "../../policy/exposure";
import { generatedSecretValues } from "../../policy/generatedSecrets";
import { DEFAULT_POLICY_SETTINGS, PolicySettings, reveal, TYPES, Violation } from "../../policy/model";
import { RESOURCE_RULES, STACK_RULE } from "../../policy/policies";
import { DATA_HOLDERS } from "../../policy/retention";
import { generatedPasswords, installMocks } from "../support/mocks";
import { captureResourceOptions, ProgramUnderPolicy, runProgram } from "./stackUnderPolicy";

installMocks({ stack: "dev" });
captureResourceOptions();

function allViolations(program: ProgramUnderPolicy, settings: PolicySettings): Violation[] {
    const perResource = program.resources.flatMap((r) => RESOURCE_RULES.flatMap((rule) => rule.check(r, settings)));
    // The inputs with the properties each depends on, as a preview of a new stack can judge them (by flow).
    const flows = STACK_RULE.check(program.resources);
    // As the mocks see it (secrets wrapped), outputs and exports included ...
    const wrapped = STACK_RULE.check([...program.outputs, program.exports]);
    // ... and as the engine hands a stack validation its resources: secrets unwrapped, only sinks may hold them.
    const plain = STACK_RULE.check(
        program.outputs.filter((o) => !o.type.startsWith("a4co:")).map((o) => ({ ...o, props: reveal(o.props) as Record<string, unknown> })),
    );
    return [...perResource, ...flows, ...wrapped, ...plain];
}

const count = (p: ProgramUnderPolicy, type: string) => p.resources.filter((r) => r.type === type).length;

const CASES: {
    title: string;
    stack: "dev" | "prod";
    overrides?: Record<string, unknown>;
    secrets?: Record<string, string>;
    settings?: Partial<PolicySettings>;
}[] = [
    { title: "dev, defaults", stack: "dev" },
    {
        title: "dev, Alloy, a Slack receiver and scrape targets",
        stack: "dev",
        overrides: {
            logCollector: "alloy",
            alertReceiverKind: "slack",
            alertSlackChannel: "#alerts",
            scrapeTargets: [{ service: "orders", address: "host.docker.internal:3001" }],
        },
        secrets: { alertReceiverUrl: "https://hooks.example/T0/B0/secret-token" },
    },
    {
        title: "dev, prod tier on all interfaces without data retention",
        stack: "dev",
        overrides: { tier: "prod", bindAddress: "0.0.0.0", retainData: false },
        settings: { bindAddress: "0.0.0.0", retainData: false },
    },
    { title: "prod, defaults", stack: "prod" },
    {
        title: "prod, webhook receiver, dev tier, storage class",
        stack: "prod",
        overrides: { tier: "dev", alertReceiverKind: "webhook", kubernetes: { namespace: "obs", nodeCount: 1, storageClass: "standard" } },
        secrets: { alertReceiverUrl: "https://hooks.example/prod" },
    },
    { title: "prod without data retention", stack: "prod", overrides: { retainData: false }, settings: { retainData: false } },
];

describe("every policy over every resource both stacks register", () => {
    it.each(CASES)("$title: no violation", async ({ stack, overrides, secrets, settings }) => {
        const program = await runProgram(stack, overrides, secrets);
        const s = { ...DEFAULT_POLICY_SETTINGS, ...settings };

        // The check ran over the real thing, not over nothing.
        if (stack === "dev") {
            expect(count(program, TYPES.dockerContainer)).toBeGreaterThanOrEqual(7);
            expect(count(program, TYPES.dockerImage)).toBeGreaterThanOrEqual(7);
            expect(count(program, TYPES.dockerVolume)).toBeGreaterThanOrEqual(6);
        } else {
            expect(count(program, TYPES.helmRelease)).toBe(4);
            expect(count(program, TYPES.k8sNamespace)).toBe(1);
        }
        const generated = generatedSecretValues(program.outputs);
        expect(generated.size).toBeGreaterThanOrEqual(4);
        expect([...generated].every((g) => generatedPasswords.has(g))).toBe(true);
        // The flows the flow rule judges were captured: the generated passwords reach the resources that carry them.
        const carriers = program.resources.filter((r) =>
            Object.values(r.propertyDependencies ?? {}).some((deps) => deps.some((d) => d.type === TYPES.randomPassword)),
        );
        expect(carriers.map((r) => r.type)).toContain(stack === "dev" ? TYPES.dockerContainer : TYPES.k8sSecret);
        // The option the retention rule needs was captured for every data holder.
        for (const r of program.resources.filter((x) => DATA_HOLDERS.includes(x.type))) expect(r.retainOnDelete).toBe(s.retainData);
        if (ALL_INTERFACES.has(s.bindAddress)) expect(JSON.stringify(program.resources)).toContain('"ip":"0.0.0.0"');

        expect(allViolations(program, s).map((v) => v.message)).toEqual([]);
    });
});
