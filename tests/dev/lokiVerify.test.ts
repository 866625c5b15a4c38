/**
 * Every Loki config the dev stack can render is accepted by the real Loki 3.7.6 (`loki -verify-config`), built from
 * its Go module at the pin (tests/e2e/programs.ts), and Loki itself rejects the design document's broken keys. The
 * key allow-list (tests/allowlists/loki.ts) stays for Loki 2.9 and the programs that cannot be built here.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";

import { renderDockerConfigFiles } from "../../components/dockerServices";
import { buildMonitoringContent } from "../../components/monitoringContent";
import { loadStackConfig } from "../../config/stack";
import { sizeTier } from "../../config/tiers";
import { LOG_LEVELS, TIER_NAMES } from "../../config/types";
import { lokiSpec } from "../e2e/programs";
import { installMocks } from "../support/mocks";
import { setStackConfig } from "../support/stackConfig";
import { ensureTools, runTool, ToolSpec } from "../support/tools";

// The stack config is read through Pulumi's config API, which needs the project the mocks set.
installMocks({ stack: "dev" });

let loki: ToolSpec;
const work = fs.mkdtempSync(path.join(os.tmpdir(), "a4co-loki-verify-"));

beforeAll(() => {
    loki = lokiSpec();
    // The biggest Go build of the project: minutes the first time, cached afterwards.
    ensureTools((line) => process.stdout.write(`${line}\n`), [loki]);
}, 3_600_000);

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** The Loki config the dev stack renders for these stack settings. */
function renderedLokiConfig(overrides: Record<string, unknown>): string {
    setStackConfig("dev", overrides);
    const config = loadStackConfig();
    const sizing = sizeTier(config.tier);
    return renderDockerConfigFiles(config, sizing, buildMonitoringContent(config)).loki;
}

function verify(name: string, yaml: string) {
    const file = path.join(work, `${name}.yaml`);
    fs.writeFileSync(file, yaml);
    const r = runTool(loki, [`-config.file=${file}`, "-verify-config"], { timeoutMs: 60_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const CASES = TIER_NAMES.flatMap((tier) =>
    LOG_LEVELS.flatMap((logLevel) => ["24h", "744h", "2160h"].map((lokiRetention) => ({ tier, logLevel, lokiRetention }))),
);

describe("loki -verify-config (Loki 3.7.6 built from its module)", () => {
    it("reports the pinned version", () => {
        const r = runTool(loki, ["-version"]);
        expect(r.stdout + r.stderr).toContain(`version ${loki.reportedVersion}`);
    });

    it.each(CASES)("accepts the dev stack's config for tier $tier, logLevel $logLevel, retention $lokiRetention", (c) => {
        const r = verify(`${c.tier}-${c.logLevel}-${c.lokiRetention}`, renderedLokiConfig(c));
        // Loki logs "config is valid" at info level, so only the exit status speaks for configs at warn or error.
        expect({ status: r.status, errors: r.output.split("\n").filter((l) => /level=error|failed parsing/.test(l)) }).toEqual({
            status: 0,
            errors: [],
        });
        if (c.logLevel === "info" || c.logLevel === "debug") expect(r.output).toContain("config is valid");
    });

    it.each([
        ["limits_config.enforce_metric_name", "enforce_metric_name", (d: Record<string, any>) => (d.limits_config.enforce_metric_name = false)],
        [
            "storage_config.tsdb_shipper.shared_store",
            "shared_store",
            (d: Record<string, any>) =>
                (d.storage_config = { ...d.storage_config, tsdb_shipper: { ...d.storage_config?.tsdb_shipper, shared_store: "filesystem" } }),
        ],
        ["compactor.shared_store", "shared_store", (d: Record<string, any>) => (d.compactor.shared_store = "filesystem")],
        [
            "chunk_store_config.max_look_back_period",
            "max_look_back_period",
            (d: Record<string, any>) => (d.chunk_store_config = { max_look_back_period: "0s" }),
        ],
    ])("rejects the design document's removed key %s", (_path, field, mutate) => {
        const doc = parse(renderedLokiConfig({})) as Record<string, any>;
        mutate(doc);
        const r = verify(`broken-${field}`, stringify(doc));
        expect(r.status).not.toBe(0);
        expect(r.output).toContain(`field ${field} not found`);
    });
});
