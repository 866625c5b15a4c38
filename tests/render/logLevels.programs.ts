/**
 * The real programs accept what the log-level table gives them, where a program can check it here: nats-server -t
 * parses the rendered nats.conf, and the exporter's flag parser takes its flags (it exits on an unknown one). The
 * Prometheus and Alertmanager servers are not built here (promtool and amtool do not parse server flags).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { LOG_LEVELS } from "../../config/types";
import { VERSIONS } from "../../config/versions";
import { NATS_CHART_EXPORTER_FLAGS, natsExporterArgs } from "../../render/exporter";
import { renderNatsConfig } from "../../render/nats";
import { runTool } from "../../harness/tools/run";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-loglevel-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const natsConf = (level: (typeof LOG_LEVELS)[number]) =>
    renderNatsConfig({
        serverName: "a4co-nats",
        clientPort: 4222,
        monitoringPort: 8222,
        jetstream: { storeDir: path.join(tmp, "js"), maxMemoryStoreMb: 64, maxFileStoreMb: 256 },
        users: [{ name: "admin", role: "admin", bcryptHash: "$2a$04$2WwlbQ6M.fZ3wWuX0jI0TO5dM9M4DPK0d3q.bbvCq3sG5cFJ7dKLu" }],
        appSubjects: ["events.>"],
        logLevel: level,
    });

describe("log levels the real programs accept", () => {
    it.each(LOG_LEVELS)("nats-server -t accepts nats.conf at logLevel %s", (level) => {
        const file = path.join(tmp, `${level}.conf`);
        fs.writeFileSync(file, natsConf(level));
        const r = runTool("nats-server", ["-t", "-c", file]);
        expect({ status: r.status, output: r.stdout + r.stderr }).toEqual({ status: 0, output: expect.stringContaining("is valid") });
    });

    it("nats-server -t refuses a debug setting that is not a boolean (the check can fail)", () => {
        const file = path.join(tmp, "bad.conf");
        fs.writeFileSync(file, JSON.stringify({ ...JSON.parse(natsConf("debug")), debug: { level: "debug" } }));
        expect(runTool("nats-server", ["-t", "-c", file]).status).not.toBe(0);
    });

    it.each(LOG_LEVELS)("prometheus-nats-exporter parses its flags at logLevel %s", (level) => {
        const flags = natsExporterArgs("http://127.0.0.1:8222", 7777, { logLevel: level }).filter((a) => a.startsWith("-"));
        const r = runTool("prometheus-nats-exporter", [...flags, "-version"]);
        expect({ status: r.status, stdout: r.stdout }).toEqual({
            status: 0,
            stdout: expect.stringContaining(`version ${VERSIONS.natsExporter.tag.replace(/^v/, "")}`),
        });
    });

    it("the exporter refuses a level flag it does not have (the check can fail)", () => {
        const r = runTool("prometheus-nats-exporter", [...NATS_CHART_EXPORTER_FLAGS, "-loglevel=warn", "-version"]);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain("flag provided but not defined: -loglevel");
    });
});
