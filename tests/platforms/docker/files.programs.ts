import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { parse, stringify } from "yaml";

import { CONTAINER_PATHS } from "../../../platforms/docker/services";
import { DockerStack } from "../../../platforms/docker/stack";
import { unwrapSecrets } from "../../support/leaks";
import { allOf, installMocks } from "../../support/mocks";
import { recordStack } from "../../support/recordStack";
import { runTool } from "../../../harness/tools/run";

installMocks({ stack: "dev" });

/**
 * The files the dev stack really uploads into its containers (taken from the registered container inputs, with the
 * mocks' real bcrypt hashes), checked by the real programs at the pinned versions.
 */
describe("files uploaded by the dev stack, checked by the real programs", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-devfiles-"));
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    // installMocks empties the registry before each test: keep the containers registered in beforeAll.
    const containers = new Map<string, Record<string, unknown>>();

    function uploads(service: string): Record<string, string> {
        const inputs = containers.get(`dev-${service}`);
        if (inputs === undefined) throw new Error(`no container dev-${service}`);
        const list = unwrapSecrets(inputs.uploads) as { file: string; content: string }[];
        return Object.fromEntries(list.map((u) => [u.file, u.content]));
    }

    beforeAll(async () => {
        await recordStack(
            DockerStack,
            "docker",
            "dev",
            { alertReceiverKind: "slack", alertSlackChannel: "#alerts" },
            { alertReceiverUrl: "https://hooks.example/x" },
        );
        for (const r of allOf("docker:index/container:Container")) containers.set(r.name, r.inputs);
    });

    it("nats.conf passes nats-server -t", () => {
        const conf = uploads("nats")[CONTAINER_PATHS.natsConfig];
        const doc = JSON.parse(conf);
        // The JetStream directory lives on the container's volume; point it at a scratch directory here.
        doc.jetstream.store_dir = path.join(tmp, "js");
        const file = path.join(tmp, "nats.conf");
        fs.writeFileSync(file, JSON.stringify(doc));
        const r = runTool("nats-server", ["-t", "-c", file]);
        expect(r.stdout + r.stderr).toContain("is valid");
        expect(r.status).toBe(0);
        expect(conf).toMatch(/"password": "\$2[aby]\$/);
    });

    it("prometheus.yml and its rule files pass promtool check config", () => {
        const files = uploads("prometheus");
        const rulesDir = path.join(tmp, "rules");
        fs.mkdirSync(rulesDir, { recursive: true });
        for (const [file, content] of Object.entries(files)) {
            if (file.startsWith(`${CONTAINER_PATHS.prometheusRulesDir}/`)) fs.writeFileSync(path.join(rulesDir, path.basename(file)), content);
        }
        const doc = parse(files[CONTAINER_PATHS.prometheusConfig]);
        expect(doc.rule_files).toEqual([`${CONTAINER_PATHS.prometheusRulesDir}/*.yml`]);
        doc.rule_files = [`${rulesDir}/*.yml`];
        const file = path.join(tmp, "prometheus.yml");
        fs.writeFileSync(file, stringify(doc));
        const r = runTool("promtool", ["check", "config", file]);
        const out = r.stdout + r.stderr;
        expect(out).toContain("SUCCESS: 2 rule files found");
        expect(r.status).toBe(0);
    });

    it("alertmanager.yml with the Slack receiver passes amtool check-config", () => {
        const files = uploads("alertmanager");
        const file = path.join(tmp, "alertmanager.yml");
        fs.writeFileSync(file, files[CONTAINER_PATHS.alertmanagerConfig]);
        const r = runTool("amtool", ["check-config", file]);
        expect(r.stdout + r.stderr).toContain("SUCCESS");
        expect(r.status).toBe(0);
        expect(files[CONTAINER_PATHS.alertmanagerConfig]).toContain(`api_url_file: ${CONTAINER_PATHS.alertmanagerReceiverUrl}`);
    });
});
