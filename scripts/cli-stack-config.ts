/**
 * The stack config as the program sees it, from what the Pulumi CLI prints with `pulumi config --json`: the CLI
 * hands the language host the same values (stack file plus Pulumi.yaml's defaults), and the program's own loader
 * validates them. dev-up.sh's checks and the CLI tests read the config this way.
 */
import * as pulumi from "@pulumi/pulumi";

import { loadStackConfig } from "../config/stack";
import type { StackConfig } from "../config/types";

/** Secrets stay `[secret]` without `--show-secrets`; the loader only wraps them in a secret Output. */
export function stackConfigFromCli(json: string, project: string, stack: string): StackConfig {
    const entries = JSON.parse(json) as Record<string, { value?: string; objectValue?: unknown; secret?: boolean }>;
    const all: Record<string, string> = {};
    const secrets: string[] = [];
    for (const [key, entry] of Object.entries(entries)) {
        all[key] = entry.objectValue !== undefined && typeof entry.objectValue !== "string" ? JSON.stringify(entry.objectValue) : String(entry.value);
        if (entry.secret) secrets.push(key);
    }
    pulumi.runtime.setAllConfig(all, secrets);
    return loadStackConfig(new pulumi.Config(project), stack);
}
