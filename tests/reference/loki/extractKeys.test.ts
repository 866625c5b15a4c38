/** The reference extractor on a small reference of our own in the generated format (the real one is not committed). */
import { extractLokiReference, goFieldTypes } from "../../../scripts/extract-loki-config-keys";

const fence = (body: string) => "```yaml\n" + body + "\n```\n";
const REFERENCE = [
    "### Supported contents and default values of `loki.yaml`\n",
    fence("[server: <server>]\n\nlimits:\n  # a comment\n  [retention: <duration> | default = 1w]\n[configs: <list of period_configs>]"),
    "### period_config\n",
    fence("[from: <daytime>]\nindex:\n  [tags: <map of string to string>]"),
    "### server\n\nExample:\n",
    fence("server:\n  example_only: 1"),
    fence('[log_level: <string> | default = "info"]\n[<tls_config>]'),
    "### tls_config\n",
    fence('[tls_cert_path: <string> | default = ""]'),
    "## Runtime Configuration file\n",
    fence("[ignored: <int>]"),
].join("\n");

describe("extract-loki-config-keys", () => {
    const { keys, types } = extractLokiReference(REFERENCE);

    it("expands named blocks, inline blocks, inlined blocks and lists of blocks, skipping examples", () => {
        expect(keys).toEqual({
            server: { log_level: true, tls_cert_path: true },
            limits: { retention: true },
            configs: { __list__: { from: true, index: { tags: "__map__" } } },
        });
    });

    it("records each scalar's placeholder type and default by path", () => {
        expect(types).toEqual({
            "server.log_level": { type: "string", default: '"info"' },
            "server.tls_cert_path": { type: "string", default: '""' },
            "limits.retention": { type: "duration", default: "1w" },
            "configs[].from": { type: "daytime" },
            "configs[].index.tags": { type: "map of string to string" },
        });
    });

    it("reads the Go type behind yaml-tagged fields of one struct", () => {
        const go =
            'type Limits struct {\n\tA model.Duration `yaml:"a"`\n\tB flagext.ByteSize `yaml:"b"`\n\tC int `yaml:"c"`\n}\ntype Other struct {\n\tD time.Duration `yaml:"d"`\n}\n';
        expect(goFieldTypes(go, "Limits")).toEqual({ a: "model.Duration", b: "flagext.ByteSize" });
    });

    it("refuses a file that is not the reference", () => {
        expect(() => extractLokiReference("# README")).toThrow(/not a Loki configuration reference/);
    });
});
