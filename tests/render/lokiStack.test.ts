import { parse } from "yaml";

import { renderLokiStackConfig } from "../../render/lokiStack";
import { renderLokiConfig } from "../../render/loki";
import { sizeTier } from "../../config/tiers";
import { unknownKeys } from "../allowlists/check";
import { LOKI_2_9_SCHEMA } from "../allowlists/loki29";
import { LOKI_3_7_SCHEMA } from "../allowlists/loki";
import { checkLokiConfig } from "../reference/loki/configCheck";

const limits = sizeTier("prod").loki;
const loki29 = () => parse(renderLokiStackConfig({ retentionPeriod: "744h", logLevel: "info", limits }));

describe("loki-stack's Loki 2.9 config", () => {
    it("has only keys of the Loki 2.9.17 configuration reference", () => {
        expect(unknownKeys(loki29(), LOKI_2_9_SCHEMA)).toEqual([]);
    });

    it("the check rejects a key Loki 2.9 does not know", () => {
        const doc = loki29();
        doc.limits_config.bloom_creation_enabled = true; // a Loki 3 key
        expect(unknownKeys(doc, LOKI_2_9_SCHEMA)).toEqual(["limits_config.bloom_creation_enabled"]);
    });

    it("is a 2.9 config, not the dev 3.7 one: tsdb v12 with shared_store, which 3.7 rejects", () => {
        const doc = loki29();
        expect(doc.schema_config.configs[0]).toMatchObject({ store: "tsdb", schema: "v12", object_store: "filesystem" });
        expect(doc.storage_config.tsdb_shipper.shared_store).toBe("filesystem");
        expect(doc.compactor.shared_store).toBe("filesystem");
        expect(unknownKeys(doc, LOKI_3_7_SCHEMA)).toEqual(expect.arrayContaining(["compactor.shared_store"]));
        // The Loki 3.7.6 checker by reference names each reason 3.7 would refuse it.
        expect(checkLokiConfig(doc, { now: new Date("2026-12-01T00:00:00Z") }).map((p) => [p.rule, p.path])).toEqual([
            ["unknown-key", "storage_config.tsdb_shipper.shared_store"],
            ["unknown-key", "compactor.shared_store"],
            ["structured-metadata-schema", "schema_config.configs[0].schema"],
            ["delete-request-store", "compactor.delete_request_store"],
        ]);
        const dev = parse(renderLokiConfig({ retentionPeriod: "744h", logLevel: "info", limits, alertmanagerUrl: "http://am:9093" }));
        expect(dev.schema_config.configs[0].schema).toBe("v13");
    });

    it("retains by compactor for the same period as dev, on the chart's /data volume", () => {
        const doc = loki29();
        expect(doc.compactor.retention_enabled).toBe(true);
        expect(doc.limits_config.retention_period).toBe("744h");
        for (const dir of [doc.common.path_prefix, doc.compactor.working_directory, doc.storage_config.tsdb_shipper.active_index_directory]) {
            expect(dir.startsWith("/data/loki")).toBe(true);
        }
        expect(doc.limits_config.ingestion_rate_mb).toBe(limits.ingestionRateMb);
    });
});
