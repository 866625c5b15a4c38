import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";

export const PROJECT = "a4co-observability";
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The `config:` map of `Pulumi.<stack>.yaml`, as the Pulumi CLI would hand it to the program (objects as JSON). */
export function stackFileConfig(stack: string): Record<string, string> {
    const doc = parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
        config?: Record<string, unknown>;
    };
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        out[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return out;
}

/**
 * Feeds the runtime config like the CLI does: the stack file plus overrides (unprefixed keys get the project
 * prefix; a value of `undefined` removes the key). `secrets` are keys whose values are marked secret.
 */
export function setStackConfig(stack: string, overrides: Record<string, unknown> = {}, secrets: Record<string, string> = {}): void {
    const config: Record<string, string> = stackFileConfig(stack);
    const full = (key: string) => (key.includes(":") ? key : `${PROJECT}:${key}`);
    for (const [key, value] of Object.entries(overrides)) {
        if (value === undefined) delete config[full(key)];
        else config[full(key)] = typeof value === "string" ? value : JSON.stringify(value);
    }
    for (const [key, value] of Object.entries(secrets)) config[full(key)] = value;
    pulumi.runtime.setAllConfig(config, Object.keys(secrets).map(full));
}
