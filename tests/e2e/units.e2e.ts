/** The pure parts of the e2e suite (no engine needed): engine decision, translation, queries, images and their selection, Grafana results. */
import { decideEngine, osReleaseIds } from "../../harness/docker/engine";
import { valuesInFrames } from "./grafanaChecks";
import { chooseImage, imagePolicyFrom, shouldPull } from "../../harness/docker/imageSource";
import { e2eImages, NO_LOCAL_BUILD, imageIsCurrent, BINARY_SHA_LABEL, RECIPE_SHA_LABEL } from "../../harness/docker/images";
import { dataSides, grafanaToPlain, vectorSelectors } from "./queries";
import { durationNs, tarOf, translateContainer, translateNetwork, translateUpload } from "../../harness/docker/translate";

describe("engine decision", () => {
    const base = { engineAnswers: false, dockerdInstalled: false, isRoot: true, osIds: ["debian"] };
    it("uses a running engine, starts an installed dockerd, installs docker.io as root on Debian/Ubuntu", () => {
        expect(decideEngine({ ...base, engineAnswers: true }).action).toBe("use");
        expect(decideEngine({ ...base, dockerdInstalled: true }).action).toBe("start-dockerd");
        expect(decideEngine(base).action).toBe("install-and-start");
        expect(decideEngine({ ...base, osIds: ["ubuntu", "debian"] }).action).toBe("install-and-start");
    });
    it("fails naming what to install otherwise", () => {
        expect(decideEngine({ ...base, isRoot: false })).toEqual({ action: "fail", reason: expect.stringContaining("apt-get install docker.io") });
        expect(decideEngine({ ...base, osIds: ["fedora"] })).toEqual({ action: "fail", reason: expect.stringContaining("install Docker Engine") });
    });
    it("reads ID and ID_LIKE of os-release", () => {
        expect(osReleaseIds('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n')).toEqual(["ubuntu", "debian"]);
    });
});

describe("translation of the program's declarations", () => {
    const ctx = { runId: "r", imageFor: () => "img:1", networkName: (n: string) => `e2e-${n}`, volumeName: (n: string) => `e2e-${n}` };
    it("refuses a field it does not translate, naming it", () => {
        expect(() => translateContainer({ name: "c", image: "x", privileged: true }, ctx)).toThrow(/'privileged'.*does not translate/);
        expect(() => translateNetwork({ name: "n", ipamConfigs: [] }, "r")).toThrow(/'ipamConfigs'/);
    });
    it("turns limits, ports, mounts and healthcheck into Engine API units", () => {
        const r = translateContainer(
            {
                name: "c",
                image: "x",
                memory: 256,
                memorySwap: 256,
                cpus: "0.5",
                ports: [{ internal: 9090, external: 19090, ip: "127.0.0.1" }],
                volumes: [
                    { volumeName: "v", containerPath: "/data" },
                    { hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true },
                ],
                healthcheck: { tests: ["CMD", "true"], interval: "15s", timeout: "5s", retries: 5, startPeriod: "30s" },
                networksAdvanced: [{ name: "net", aliases: ["c"] }],
                hosts: [{ host: "host.docker.internal", ip: "host-gateway" }],
                wait: true,
                waitTimeout: 180,
            },
            ctx,
        );
        expect(r.options.HostConfig).toMatchObject({
            Memory: 256 * 2 ** 20,
            MemorySwap: 256 * 2 ** 20,
            NanoCpus: 5e8,
            PortBindings: { "9090/tcp": [{ HostIp: "127.0.0.1", HostPort: "19090" }] },
            Binds: ["e2e-v:/data", "/var/run/docker.sock:/var/run/docker.sock:ro"],
            ExtraHosts: ["host.docker.internal:host-gateway"],
        });
        expect(r.options.Healthcheck).toEqual({ Test: ["CMD", "true"], Interval: 15e9, Timeout: 5e9, StartPeriod: 30e9, Retries: 5 });
        expect(r.options.NetworkingConfig).toEqual({ EndpointsConfig: { "e2e-net": { Aliases: ["c"] } } });
        expect(r.waitHealthySeconds).toBe(180);
    });
    it("parses Go durations and rejects others", () => {
        expect(durationNs("1m30s", "interval")).toBe(90e9);
        expect(() => durationNs("15 sec", "interval")).toThrow(/healthcheck.interval/);
    });
    it("archives uploads as ustar with their paths, modes and owners", () => {
        const tar = tarOf([{ file: "/etc/x/y.yml", content: "a: 1\n", mode: 0o400, uid: 472, gid: 0 }]);
        expect(tar.subarray(0, 12).toString()).toBe("etc/x/y.yml\0");
        expect([100, 108, 116].map((at) => parseInt(tar.subarray(at, at + 7).toString(), 8))).toEqual([0o400, 472, 0]);
        expect(tar.subarray(257, 262).toString()).toBe("ustar");
        expect(tar.subarray(512, 517).toString()).toBe("a: 1\n");
        expect(tar.length % 512).toBe(0);
    });
    it("translates an upload's permissions, owner and group as the provider takes them, and refuses what it cannot", () => {
        expect(translateUpload("c", { file: "/f", content: "x" })).toEqual({ file: "/f", content: "x", mode: 0o644, uid: 0, gid: 0 });
        expect(translateUpload("c", { file: "/f", content: "x", executable: true }).mode).toBe(0o755);
        expect(translateUpload("c", { file: "/f", content: "x", permissions: "0400", owner: "472", group: "0" })).toEqual({
            file: "/f",
            content: "x",
            mode: 0o400,
            uid: 472,
            gid: 0,
        });
        expect(() => translateUpload("c", { file: "/f", content: "x", permissions: "rw" })).toThrow(/permissions 'rw'/);
        expect(() => translateUpload("c", { file: "/f", content: "x", owner: "grafana" })).toThrow(
            /owner 'grafana'; the runner translates numeric ids only/,
        );
    });
});

describe("queries", () => {
    it("replaces Grafana variables so the query runs as is", () => {
        expect(grafanaToPlain('sum(rate(x{service=~"$service", t="${type}"}[$__rate_interval]))')).toBe('sum(rate(x{service=~".+", t=~".+"}[1m]))');
    });
    it("finds vector selectors with the Prometheus grammar and the data sides of comparisons and set operations", () => {
        expect(vectorSelectors('sum(rate(a{job="x"}[5m])) / sum(b)')).toEqual(['a{job="x"}', "b"]);
        expect(dataSides("sum(rate(a[5m])) > 0.05")).toEqual(["sum(rate(a[5m]))"]);
        expect(dataSides("up == 0")).toEqual(["up"]);
        expect(dataSides("a < 0.9 * b")).toEqual(["a", "0.9 * b"]);
        expect(dataSides("(max(h) > 0) or (absent(h) and on () (max(up) == 1))")).toEqual(["max(h)", "absent(h)", "max(up)"]);
        expect(dataSides("a / b")).toEqual(["a / b"]);
        expect(() => vectorSelectors("sum(")).toThrow(/does not parse/);
    });
});

describe("local images", () => {
    const images = e2eImages();
    it("map every official reference to its own a4co-e2e name, never to the official one", () => {
        for (const i of images) {
            expect(i.localRef).toMatch(/^a4co-e2e\/[a-z-]+:[\w.-]+$/);
            expect(i.localRef.split(":")[1]).toBe(i.officialRef.split(":")[1]);
        }
        expect(images.map((i) => i.officialRef).sort()).toEqual([
            "nats:2.14.9-alpine",
            "natsio/prometheus-nats-exporter:0.20.1",
            "prom/alertmanager:v0.34.0",
            "prom/prometheus:v3.14.0",
        ]);
    });
    it("are current only with the same binaries and recipe", () => {
        expect(imageIsCurrent({ [BINARY_SHA_LABEL]: "a", [RECIPE_SHA_LABEL]: "b" }, "a", "b")).toBe(true);
        expect(imageIsCurrent({ [BINARY_SHA_LABEL]: "a", [RECIPE_SHA_LABEL]: "b" }, "c", "b")).toBe(false);
        expect(imageIsCurrent(undefined, "a", "b")).toBe(false);
    });
});

describe("image selection", () => {
    const local = e2eImages().find((i) => i.service === "prometheus")!;
    const ref = local.officialRef;
    it("takes the official image the engine holds or pulls, in auto and official policies", () => {
        for (const policy of ["auto", "official"] as const) {
            expect(chooseImage("prometheus", ref, policy, { present: true }, local)).toMatchObject({ origin: "official", ref });
            expect(chooseImage("prometheus", ref, policy, { present: false, pull: { ok: true, detail: "" } }, local)).toMatchObject({
                origin: "official",
                ref,
            });
        }
    });
    it("pulls only what the engine lacks, and never under the local policy", () => {
        expect([shouldPull("auto", { present: false }), shouldPull("auto", { present: true }), shouldPull("local", { present: false })]).toEqual([
            true,
            false,
            false,
        ]);
        expect(chooseImage("prometheus", ref, "local", { present: true }, local)).toMatchObject({ origin: "local build", ref: local.localRef });
    });
    it("falls back to the local build, else does not run the service, with the reason", () => {
        const failed = { present: false, pull: { ok: false, detail: "no such host" } };
        expect(chooseImage("prometheus", ref, "auto", failed, local)).toEqual({
            service: "prometheus",
            officialRef: ref,
            origin: "local build",
            ref: local.localRef,
            reason: `official image cannot be pulled: no such host; built ${local.localRef}`,
        });
        const grafana = chooseImage("grafana", "grafana/grafana:13.2.0", "auto", failed, undefined);
        expect([grafana.origin, grafana.ref]).toEqual(["not run", undefined]);
        expect(grafana.reason).toBe(`official image cannot be pulled: no such host; no local build: ${NO_LOCAL_BUILD.grafana}`);
    });
    it("refuses a missing official image under the official policy, naming the image and the fix", () => {
        expect(() =>
            chooseImage("loki", "grafana/loki:3.7.6", "official", { present: false, pull: { ok: false, detail: "denied" } }, undefined),
        ).toThrow(
            "A4CO_E2E_IMAGES=official, but grafana/loki:3.7.6 (loki) cannot be pulled: denied: let the engine reach its registry, or unset A4CO_E2E_IMAGES to fall back to local builds",
        );
    });
    it("reads the policy from A4CO_E2E_IMAGES, refusing an unknown one", () => {
        expect([imagePolicyFrom({}), imagePolicyFrom({ A4CO_E2E_IMAGES: "official" }), imagePolicyFrom({ A4CO_E2E_IMAGES: "local" })]).toEqual([
            "auto",
            "official",
            "local",
        ]);
        expect(() => imagePolicyFrom({ A4CO_E2E_IMAGES: "pull" })).toThrow(
            "A4CO_E2E_IMAGES=pull is not an image policy: use one of auto, official, local",
        );
    });
});

describe("Grafana query results", () => {
    it("count the values of the longest field of each frame", () => {
        expect(
            valuesInFrames([
                {
                    data: {
                        values: [
                            [1, 2, 3],
                            ["a", "b", "c"],
                        ],
                    },
                },
                { data: { values: [[1]] } },
            ]),
        ).toBe(4);
        expect([valuesInFrames(undefined), valuesInFrames([{}]), valuesInFrames([{ data: { values: [[], []] } }])]).toEqual([0, 0, 0]);
    });
});
