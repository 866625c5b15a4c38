import * as pulumi from "@pulumi/pulumi";
import bcrypt from "bcryptjs";

/** Every resource registration the program made, in order. Emptied before each test. */
export const registered: pulumi.runtime.MockResourceArgs[] = [];

/** The password the mocks hand out for a `random:index/randomPassword:RandomPassword` named `name`. */
export function mockPassword(name: string): string {
    // Long and distinctive so a leak search cannot match by accident.
    return `MockPw${Buffer.from(name).toString("hex")}Zq7`;
}

/** Every password the mocks generated so far in this test file, for leak checks. */
export const generatedPasswords = new Set<string>();

const bcryptCache = new Map<string, string>();

function mockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
    switch (args.type) {
        case "random:index/randomPassword:RandomPassword": {
            const result = mockPassword(args.name);
            generatedPasswords.add(result);
            // A real bcrypt hash, so the rendered nats.conf can be checked by nats-server and logins verified.
            let hash = bcryptCache.get(result);
            if (hash === undefined) {
                hash = bcrypt.hashSync(result, 4);
                bcryptCache.set(result, hash);
            }
            return { ...args.inputs, result, bcryptHash: hash };
        }
        case "docker:index/remoteImage:RemoteImage":
            return { ...args.inputs, imageId: `sha256:${Buffer.from(String(args.inputs.name)).toString("hex")}` };
        case "docker:index/network:Network":
        case "docker:index/volume:Volume":
            return { ...args.inputs, name: args.inputs.name ?? args.name };
        default:
            return { ...args.inputs };
    }
}

/**
 * Installs Pulumi mocks for the current test file: records every registration, returns realistic state for the
 * resource types the program uses, and fails on any invoke (`call`) nobody planned for.
 */
export function installMocks(opts: { preview?: boolean; project?: string; stack?: string } = {}): void {
    beforeAll(async () => {
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    registered.push(args);
                    return { id: `${args.name}-id`, state: mockState(args) };
                },
                call(args) {
                    throw new Error(`unexpected invoke in a test: ${args.token}`);
                },
            },
            opts.project ?? "a4co-observability",
            opts.stack ?? "test",
            opts.preview ?? false,
        );
    });
    beforeEach(() => {
        registered.length = 0;
    });
}

/** Resolves an Output (or plain value) so a test can await it. Unknown values during preview resolve to undefined. */
export function promiseOf<T>(value: pulumi.Output<T> | pulumi.Input<T>): Promise<T> {
    return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}

/** The single registration of `type` (and `name`, if given); fails the test otherwise. */
export function only(type: string, name?: string): pulumi.runtime.MockResourceArgs {
    const hits = registered.filter((r) => r.type === type && (name === undefined || r.name === name));
    if (hits.length !== 1) {
        throw new Error(
            `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${hits.length}: ` +
                registered.map((r) => `${r.type}::${r.name}`).join(", "),
        );
    }
    return hits[0];
}

/** All registrations of `type`. */
export function allOf(type: string): pulumi.runtime.MockResourceArgs[] {
    return registered.filter((r) => r.type === type);
}

/** Lets every pending registration and apply settle. */
export async function settle(): Promise<void> {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}
