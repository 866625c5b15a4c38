/** The working copy of Pulumi.dev.yaml that dev-up.sh hands the CLI (scripts/dev-stack-file.ts). */
import * as fs from "fs";
import * as path from "path";

import { parse } from "yaml";

import { workingStackFile } from "../../scripts/dev-stack-file";
import { REPO_ROOT } from "../support/stackConfig";

describe("the working copy of Pulumi.dev.yaml", () => {
    const tracked = fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8");

    it("is the committed stack file itself, comments included", () => {
        expect(workingStackFile(tracked)).toEqual({ text: tracked, droppedSecretsProvider: false });
    });

    it("drops a salt an older dev:up wrote into the tracked file, which no value needs (the state has its own)", () => {
        const copy = workingStackFile(`${tracked}encryptionsalt: v1:c2FsdA==:v1:aXY=:Y2lwaGVy\n`);
        expect(copy.droppedSecretsProvider).toBe(true);
        expect(copy.text).toBe(tracked);
    });

    it("keeps the salt of a file that holds a secret, which only that salt decrypts", () => {
        const withSecret = `encryptionsalt: v1:c2FsdA==:v1:aXY=:Y2lwaGVy\nconfig:\n  a4co-observability:alertReceiverUrl:\n    secure: v1:abc\n`;
        const copy = workingStackFile(withSecret);
        expect(copy.droppedSecretsProvider).toBe(false);
        expect(parse(copy.text)).toEqual(parse(withSecret));
    });

    it("refuses a file that is not YAML, naming it", () => {
        expect(() => workingStackFile("config: [")).toThrow("Pulumi.dev.yaml is not valid YAML");
    });
});
