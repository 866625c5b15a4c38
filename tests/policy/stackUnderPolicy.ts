/**
 * Runs the program (index.ts) under the project's Pulumi mocks and returns what the policy pack would see: every
 * registered resource with its inputs and its `retainOnDelete` option, the outputs each resource registered, and the
 * program's exports.
 *
 * `MockResourceArgs` carries no resource options and no dependencies, so the mock monitor's `registerResource` is
 * wrapped to read `retainOnDelete` and the property dependencies from the registration request itself, the same
 * message the engine receives.
 */
import * as pulumi from "@pulumi/pulumi";

import type { ResourceWithDependencies } from "../../policy/generatedSecrets";
import type { ResourceUnderPolicy } from "../../policy/model";
import { promiseOf, registered, settle } from "../support/mocks";
import { setStackConfig } from "../support/stackConfig";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };

interface RegisterRequest {
    getType(): string;
    getName(): string;
    hasRetainondelete?(): boolean;
    getRetainondelete(): boolean | undefined;
    getPropertydependenciesMap(): { entries(): Iterable<[string, { getUrnsList(): string[] }]> };
}
type MonitorWithRegistry = {
    registerResource(req: RegisterRequest, callback: unknown): unknown;
    getRegisteredResources(): Map<string, { urn: string; state: unknown }>;
};

/** `retainOnDelete` of each registration, by `type::name`; `undefined` when the option was not set. */
const retainOptions = new Map<string, boolean | undefined>();
/** The URNs each input property of a registration depends on, by `type::name`. */
const propertyDependencies = new Map<string, Record<string, string[]>>();

/** Call once per test file, after installMocks(): wraps the mock monitor to record resource options. */
export function captureResourceOptions(): void {
    beforeAll(() => {
        const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegistry;
        const original = monitor.registerResource.bind(monitor);
        monitor.registerResource = (req, callback) => {
            const set = req.hasRetainondelete ? req.hasRetainondelete() : req.getRetainondelete() !== undefined;
            retainOptions.set(`${req.getType()}::${req.getName()}`, set ? req.getRetainondelete() : undefined);
            const deps = Object.fromEntries([...req.getPropertydependenciesMap().entries()].map(([prop, d]) => [prop, d.getUrnsList()]));
            propertyDependencies.set(`${req.getType()}::${req.getName()}`, deps);
            return original(req, callback);
        };
    });
    beforeEach(() => {
        retainOptions.clear();
        propertyDependencies.clear();
    });
}

export interface ProgramUnderPolicy {
    /** Every resource with its inputs (secrets in wire form), its retainOnDelete option and its property dependencies. */
    readonly resources: ResourceWithDependencies[];
    /** Every resource's registered outputs/state, as a stack validation sees them (secrets in wire form). */
    readonly outputs: ResourceUnderPolicy[];
    /** The program's exports, secret ones wrapped like the engine stores them. */
    readonly exports: ResourceUnderPolicy;
}

const typeOfUrn = (urn: string) => urn.split("::")[2].split("$").pop() as string;
const nameOfUrn = (urn: string) => urn.split("::").slice(3).join("::");

/** Runs index.ts for `stack` with config overrides (and secret config), and collects what the policies see. */
export async function runProgram(
    stack: "dev" | "prod",
    overrides: Record<string, unknown> = {},
    secrets: Record<string, string> = {},
): Promise<ProgramUnderPolicy> {
    registered.length = 0;
    setStackConfig(stack, overrides, secrets);
    let program: Record<string, pulumi.Output<unknown>> = {};
    // A fresh module registry: index.ts runs again with this config (requireActual honours the isolation).
    jest.isolateModules(() => {
        program = jest.requireActual<Record<string, pulumi.Output<unknown>>>("../../index");
    });
    const exported: Record<string, unknown> = {};
    for (const [key, output] of Object.entries(program)) {
        const value = await promiseOf(output);
        exported[key] = (await pulumi.isSecret(output)) ? { ...SECRET, value } : value;
    }
    await settle();

    const resources: ResourceWithDependencies[] = registered.map((r) => ({
        type: r.type,
        name: r.name,
        props: r.inputs as Record<string, unknown>,
        retainOnDelete: retainOptions.get(`${r.type}::${r.name}`),
        propertyDependencies: Object.fromEntries(
            Object.entries(propertyDependencies.get(`${r.type}::${r.name}`) ?? {}).map(([prop, urns]) => [
                prop,
                urns.map((u) => ({ type: typeOfUrn(u), name: nameOfUrn(u) })),
            ]),
        ),
    }));
    const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegistry;
    const outputs: ResourceUnderPolicy[] = [...monitor.getRegisteredResources().values()]
        .filter((r) => registered.some((x) => x.name === nameOfUrn(r.urn)))
        .map((r) => {
            // Components' registerOutputs are stored as a protobuf Struct; custom resources' state as plain objects.
            const state = r.state as { toJavaScript?: () => Record<string, unknown> } | Record<string, unknown>;
            const props =
                typeof state.toJavaScript === "function"
                    ? (state.toJavaScript as () => Record<string, unknown>)()
                    : (state as Record<string, unknown>);
            return { type: typeOfUrn(r.urn), name: `${nameOfUrn(r.urn)} (outputs)`, props };
        });
    return { resources, outputs, exports: { type: "pulumi:pulumi:Stack", name: `${stack} (stack outputs)`, props: exported } };
}

/** A deep copy of `r` with `change` applied to its props: a deliberately bad variant of a real resource. */
export function variant(r: ResourceUnderPolicy, change: (props: Record<string, any>) => void, name = `${r.name}-bad`): ResourceUnderPolicy {
    const props = structuredClone(r.props) as Record<string, any>;
    change(props);
    return { ...r, name, props };
}
