/**
 * The stack file `npm run dev:up` hands the Pulumi CLI (`--config-file`): a working copy of the tracked
 * `Pulumi.dev.yaml` under the git-ignored state dir. The CLI writes the stack's secrets-provider state
 * (`encryptionsalt:`, tied to this checkout's generated passphrase) into the stack file it is given; in the tracked
 * file that salt breaks every other clone ("incorrect passphrase"), so it only ever lands in the copy. With
 * PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER the CLI takes the salt from the stack's state (pulumi/pulumi
 * v3.248.0:pkg/cmd/pulumi/stack/secrets.go, GetSecretsManager), so the copy starts without one.
 *
 * Usage: ts-node scripts/dev-stack-file.ts <tracked Pulumi.dev.yaml> <working copy>
 */
import * as fs from "fs";

import { isMap, isScalar, parseDocument, visit } from "yaml";

/** The secrets-provider keys of a Pulumi stack file (workspace.ProjectStack). */
const SECRETS_PROVIDER_KEYS = ["encryptionsalt", "encryptedkey", "secretsprovider"] as const;

export interface WorkingStackFile {
    readonly text: string;
    /** The tracked file carried secrets-provider state it does not need (no secure value), which the copy drops. */
    readonly droppedSecretsProvider: boolean;
}

/** Whether any config value is a `secure:` ciphertext, which only the file's own salt can decrypt. */
function hasSecureValue(doc: ReturnType<typeof parseDocument>): boolean {
    let found = false;
    visit(doc.get("config", true) ?? null, {
        Pair(_, pair) {
            if (isScalar(pair.key) && pair.key.value === "secure") {
                found = true;
                return visit.BREAK;
            }
            return undefined;
        },
    });
    return found;
}

/**
 * The working copy of a tracked stack file: the same settings and comments, without secrets-provider state unless a
 * `secure:` value needs it (a secret you set in the tracked file was encrypted with that file's salt).
 */
export function workingStackFile(tracked: string): WorkingStackFile {
    const doc = parseDocument(tracked);
    if (doc.errors.length > 0) throw new Error(`Pulumi.dev.yaml is not valid YAML: ${doc.errors[0].message}`);
    if (!isMap(doc.contents) || hasSecureValue(doc)) return { text: doc.toString(), droppedSecretsProvider: false };
    let dropped = false;
    for (const key of SECRETS_PROVIDER_KEYS) dropped = doc.delete(key) || dropped;
    return { text: doc.toString(), droppedSecretsProvider: dropped };
}

if (require.main === module) {
    const [tracked, working] = process.argv.slice(2);
    if (!tracked || !working) {
        process.stderr.write("usage: dev-stack-file.ts <tracked stack file> <working copy>\n");
        process.exit(2);
    }
    const copy = workingStackFile(fs.readFileSync(tracked, "utf8"));
    fs.writeFileSync(working, copy.text);
    if (copy.droppedSecretsProvider) {
        process.stdout.write(
            `dev-up: ${tracked} carries an encryptionsalt (written by an older dev:up) that no value needs; it is not used. ` +
                `Delete its encryptionsalt line and never commit one: other clones cannot open the stack with it.\n`,
        );
    }
}
