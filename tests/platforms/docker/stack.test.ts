import * as pulumi from "@pulumi/pulumi";

import { CONTAINER_PATHS, PROMTAIL_HEALTHCHECK, SERVICE_LABEL } from "../../../platforms/docker/services";
import { DockerStack } from "../../../platforms/docker/stack";
import { STOP_GRACE_SECONDS } from "../../../platforms/docker/containers";
import { sizeTier } from "../../../config/tiers";
import { imageRef } from "../../../config/versions";
import { isSecretInput, plaintextOccurrences, unwrapSecret } from "../../support/leaks";
import { allOf, generatedPasswords, installMocks, only, promiseOf, registered } from "../../support/mocks";
import { recordStack } from "../../support/recordStack";

installMocks({ stack: "dev" });

const CONTAINER = "docker:index/container:Container";
const VOLUME = "docker:index/volume:Volume";

/** One run of the component with Pulumi.dev.yaml plus overrides. */
const build = (overrides: Record<string, unknown> = {}, secrets: Record<string, string> = {}) =>
    recordStack(DockerStack, "docker", "dev", overrides, secrets);

const container = (name: string) => only(CONTAINER, `dev-${name}`).inputs;

describe("DockerStack", () => {
    it("runs every service as a named, pinned, sized container on one private network", async () => {
        await build();
        const sizing = sizeTier("dev");
        const network = only("docker:index/network:Network");
        expect(network.inputs.name).toBe("a4co-observability");
        const expected: [string, string, string, keyof typeof sizing.services][] = [
            ["prometheus", "a4co-prometheus", "prometheus", "prometheus"],
            ["alertmanager", "a4co-alertmanager", "alertmanager", "alertmanager"],
            ["loki", "a4co-loki", "loki", "loki"],
            ["logCollector", "a4co-promtail", "promtail", "logCollector"],
            ["grafana", "a4co-grafana", "grafana", "grafana"],
            ["nats", "a4co-nats", "nats", "nats"],
            ["natsExporter", "a4co-nats-exporter", "nats-exporter", "natsExporter"],
        ];
        expect(allOf(CONTAINER)).toHaveLength(expected.length);
        for (const [key, name, alias, sized] of expected) {
            const c = container(key);
            expect(c.name).toBe(name);
            expect(c.networksAdvanced).toEqual([{ name: "a4co-observability", aliases: [alias] }]);
            expect(c.restart).toBe("unless-stopped");
            expect(c.memory).toBe(sizing.services[sized].memoryMb);
            expect(c.memorySwap).toBe(sizing.services[sized].memoryMb);
            expect(c.cpus).toBe(String(sizing.services[sized].cpus));
            expect(c.logDriver).toBe("json-file");
            expect(c.logOpts).toEqual({ "max-size": "10m", "max-file": "3" });
            expect(c.labels).toEqual([{ label: SERVICE_LABEL, value: alias }]);
            expect(c.hosts).toEqual([{ host: "host.docker.internal", ip: "host-gateway" }]);
            expect(c.wait).toBe(true);
            expect(c.healthcheck.tests.length).toBeGreaterThan(1);
        }
        const images = allOf("docker:index/remoteImage:RemoteImage")
            .map((i) => i.inputs.name)
            .sort();
        expect(images).toEqual(
            [
                imageRef("prometheus"),
                imageRef("alertmanager"),
                imageRef("loki"),
                imageRef("promtail"),
                imageRef("grafana"),
                imageRef("nats"),
                imageRef("natsExporter"),
            ].sort(),
        );
        for (const image of images) expect(image).not.toMatch(/:latest$|^[^:]+$/);
    });

    it("uses a healthcheck that works in each image", async () => {
        await build();
        expect(container("prometheus").healthcheck.tests).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9090/-/ready"]);
        expect(container("alertmanager").healthcheck.tests).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9093/-/ready"]);
        expect(container("grafana").healthcheck.tests).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3000/api/health"]);
        expect(container("nats").healthcheck.tests).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8222/healthz"]);
        expect(container("natsExporter").healthcheck.tests).toEqual(["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:7777/metrics"]);
        expect(container("loki").healthcheck.tests).toEqual(["CMD", "/usr/bin/loki", "-health"]);
        expect(container("logCollector").healthcheck.tests).toEqual(PROMTAIL_HEALTHCHECK);
        expect(imageRef("nats")).toMatch(/-alpine$/);
    });

    it("publishes every port on 127.0.0.1 with the configured numbers", async () => {
        await build({ ports: { grafana: 3300 } });
        const published = allOf(CONTAINER).flatMap((c) => (c.inputs.ports ?? []) as { internal: number; external: number; ip: string }[]);
        expect(published.map((p) => p.ip).every((ip) => ip === "127.0.0.1")).toBe(true);
        expect(published.map((p) => `${p.internal}->${p.external}`).sort()).toEqual(
            ["3000->3300", "9090->9090", "3100->3100", "9093->9093", "4222->4222", "8222->8222", "7777->7777"].sort(),
        );
        expect(container("logCollector").ports ?? []).toEqual([]);
    });

    it("binds to another address only when configured", async () => {
        await build({ bindAddress: "0.0.0.0" });
        expect(container("grafana").ports[0].ip).toBe("0.0.0.0");
    });

    it("keeps data on named volumes that survive destroy unless the user opts out", async () => {
        const { children } = await build();
        const volumes = children.filter((c) => c.type === VOLUME);
        expect(
            allOf(VOLUME)
                .map((v) => v.inputs.name)
                .sort(),
        ).toEqual(
            [
                "a4co-alertmanager-data",
                "a4co-grafana-data",
                "a4co-loki-data",
                "a4co-nats-data",
                "a4co-prometheus-data",
                "a4co-log-collector-positions",
            ].sort(),
        );
        for (const v of volumes) expect(v.opts.retainOnDelete).toBe(true);
        expect(container("prometheus").volumes).toEqual([{ volumeName: "a4co-prometheus-data", containerPath: "/prometheus" }]);
        expect(container("nats").volumes).toEqual([{ volumeName: "a4co-nats-data", containerPath: "/data" }]);

        registered.length = 0;
        const optedOut = await build({ retainData: false });
        for (const v of optedOut.children.filter((c) => c.type === VOLUME)) expect(v.opts.retainOnDelete).toBe(false);
    });

    it("delivers config with uploads; the only host mount is the Docker socket for the log collector", async () => {
        await build();
        for (const c of allOf(CONTAINER)) {
            const hostMounts = ((c.inputs.volumes ?? []) as { hostPath?: string }[]).filter((v) => v.hostPath);
            if (c.name === "dev-logCollector") {
                expect(hostMounts).toEqual([{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }]);
            } else {
                expect(hostMounts).toEqual([]);
            }
        }
        const uploadsOf = (name: string) => unwrapSecret<{ file: string }[]>(container(name).uploads).map((u) => u.file);
        expect(uploadsOf("prometheus")).toEqual(
            expect.arrayContaining([CONTAINER_PATHS.prometheusConfig, `${CONTAINER_PATHS.prometheusRulesDir}/alerts.yml`]),
        );
        expect(uploadsOf("nats")).toEqual([CONTAINER_PATHS.natsConfig]);
        expect(uploadsOf("loki")).toEqual([CONTAINER_PATHS.lokiConfig]);
        expect(uploadsOf("grafana")).toEqual(
            expect.arrayContaining([
                CONTAINER_PATHS.grafanaDatasources,
                CONTAINER_PATHS.grafanaDashboardProvider,
                CONTAINER_PATHS.grafanaAdminPassword,
            ]),
        );
    });

    it("repeats Prometheus's own flags and sets retention from config and tier", async () => {
        await build({ prometheusRetention: "15d" });
        const command = container("prometheus").command as string[];
        expect(command).toEqual(
            expect.arrayContaining([
                "--config.file=/etc/prometheus/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=15d",
                `--storage.tsdb.retention.size=${sizeTier("dev").prometheusRetentionSize}`,
            ]),
        );
    });

    it("starts the exporter with the chart's flags plus -healthz, every flag before the URL", async () => {
        await build();
        const args = container("natsExporter").command as string[];
        expect(args[args.length - 1]).toBe("http://nats:8222");
        expect(args.slice(0, -1).every((a) => a.startsWith("-"))).toBe(true);
        expect(args).toEqual(
            expect.arrayContaining(["-connz", "-routez", "-subz", "-varz", "-prefix=nats", "-use_internal_server_id", "-jsz=all", "-healthz"]),
        );
    });

    it("never puts a generated password in plaintext in any input, config file or output", async () => {
        const { stack } = await build({ alertReceiverKind: "webhook" }, { alertReceiverUrl: "https://hooks.example/very-secret-token" });
        expect(generatedPasswords.size).toBeGreaterThanOrEqual(4);
        const needles = [...generatedPasswords, "very-secret-token"];
        for (const r of registered) {
            expect({ resource: `${r.type}::${r.name}`, leaks: plaintextOccurrences(r.inputs, needles) }).toEqual({
                resource: `${r.type}::${r.name}`,
                leaks: [],
            });
        }
        // Config files hold no plaintext credential; only the two secret files do.
        const secretFiles: string[] = [CONTAINER_PATHS.grafanaAdminPassword, CONTAINER_PATHS.alertmanagerReceiverUrl];
        for (const c of allOf(CONTAINER)) {
            for (const upload of unwrapSecret<{ file: string; content: unknown }[]>(c.inputs.uploads ?? [])) {
                if (secretFiles.includes(upload.file)) continue;
                const text = String(unwrapSecret(upload.content));
                for (const needle of needles)
                    expect({ file: upload.file, leaks: text.includes(needle) }).toEqual({ file: upload.file, leaks: false });
            }
        }
        // Uploads that carry a secret file are secret as a whole in the state.
        expect(isSecretInput(container("grafana").uploads)).toBe(true);
        expect(isSecretInput(container("alertmanager").uploads)).toBe(true);
        const amUploads = unwrapSecret<{ file: string; content: unknown }[]>(container("alertmanager").uploads);
        const urlFile = amUploads.find((u) => u.file === CONTAINER_PATHS.alertmanagerReceiverUrl);
        expect(unwrapSecret(urlFile?.content)).toBe("https://hooks.example/very-secret-token");
        const grafanaUploads = unwrapSecret<{ file: string; content: unknown }[]>(container("grafana").uploads);
        const pwFile = grafanaUploads.find((u) => u.file === CONTAINER_PATHS.grafanaAdminPassword);
        expect(generatedPasswords.has(unwrapSecret<string>(pwFile?.content))).toBe(true);
        // Non-secret outputs hold no password; the credential outputs are secret.
        for (const out of [stack.outputs.grafanaUrl, stack.outputs.prometheusUrl, stack.outputs.natsUrl, stack.outputs.nextSteps]) {
            const text = await promiseOf(out);
            for (const pw of needles) expect(text).not.toContain(pw);
            expect(await pulumi.isSecret(out)).toBe(false);
        }
        expect(await pulumi.isSecret(stack.outputs.grafanaAdmin)).toBe(true);
        expect(await pulumi.isSecret(stack.outputs.natsCredentials)).toBe(true);
    });

    it("configures Grafana from files: password file, no plugin installs, anonymous and sign-up off", async () => {
        await build();
        const envs = container("grafana").envs as string[];
        expect(envs).toEqual(
            expect.arrayContaining([
                `GF_SECURITY_ADMIN_PASSWORD__FILE=${CONTAINER_PATHS.grafanaAdminPassword}`,
                "GF_PLUGINS_PREINSTALL_DISABLED=true",
                "GF_AUTH_ANONYMOUS_ENABLED=false",
                "GF_USERS_ALLOW_SIGN_UP=false",
            ]),
        );
        expect(envs.some((e) => e.startsWith("GF_INSTALL_PLUGINS"))).toBe(false);
        expect(envs.some((e) => e.startsWith("GF_SECURITY_ADMIN_PASSWORD="))).toBe(false);
    });

    it("returns URLs and logins derived from the containers", async () => {
        const { stack } = await build({ ports: { grafana: 3300 } });
        expect(await promiseOf(stack.outputs.grafanaUrl)).toBe("http://127.0.0.1:3300");
        expect(await promiseOf(stack.outputs.natsUrl)).toBe("nats://127.0.0.1:4222");
        expect(await promiseOf(stack.outputs.natsExporterUrl)).toBe("http://127.0.0.1:7777");
        const admin = await promiseOf(stack.outputs.grafanaAdmin);
        expect(admin.user).toBe("admin");
        expect(generatedPasswords.has(admin.password)).toBe(true);
        const logins = await promiseOf(stack.outputs.natsCredentials);
        expect(Object.keys(logins).sort()).toEqual(["admin", "metrics", "microservice"]);
        expect(logins.metrics.account).toBe("SYS");
        expect(logins.microservice.account).toBe("APP");
    });

    it("parents every child to the component and names it after it", async () => {
        const { children } = await build();
        const isStack = (type: string) => type === "a4co:observability:DockerStack";
        const created = registered
            .filter((r) => !isStack(r.type))
            .map((r) => `${r.type}::${r.name}`)
            .sort();
        const underComponent = children
            .filter((c) => !isStack(c.type))
            .map((c) => `${c.type}::${c.name}`)
            .sort();
        expect(underComponent).toEqual(created);
        for (const c of children.filter((c) => c.type !== "a4co:observability:DockerStack")) expect(c.name).toMatch(/^dev-/);
    });

    it("runs Alloy instead of Promtail when configured", async () => {
        await build({ logCollector: "alloy" });
        expect(allOf(CONTAINER).map((c) => c.inputs.name)).toContain("a4co-alloy");
        expect(allOf(CONTAINER).map((c) => c.inputs.name)).not.toContain("a4co-promtail");
        expect(container("logCollector").command).toEqual(expect.arrayContaining(["run", CONTAINER_PATHS.alloyConfig]));
    });

    it("gives every container time to flush on stop, replacement and destroy instead of SIGKILL", async () => {
        await build();
        for (const c of allOf(CONTAINER)) {
            // The collector's resource is named for its role; the default config runs Promtail.
            const service = c.name.replace(/^dev-/, "").replace("logCollector", "promtail") as keyof typeof STOP_GRACE_SECONDS;
            expect({
                service,
                stopTimeout: c.inputs.stopTimeout,
                destroyGraceSeconds: c.inputs.destroyGraceSeconds,
                signal: c.inputs.stopSignal,
            }).toEqual({
                service,
                stopTimeout: STOP_GRACE_SECONDS[service],
                destroyGraceSeconds: STOP_GRACE_SECONDS[service],
                signal: "SIGTERM",
            });
        }
        // What must flush most gets the most: Prometheus's head and Loki's chunks, JetStream, then the rest.
        expect(STOP_GRACE_SECONDS.prometheus).toBeGreaterThanOrEqual(60);
        expect(STOP_GRACE_SECONDS.loki).toBeGreaterThanOrEqual(60);
        expect(STOP_GRACE_SECONDS.nats).toBeGreaterThanOrEqual(30);
        expect(Math.min(...Object.values(STOP_GRACE_SECONDS))).toBeGreaterThanOrEqual(10);
    });

    it("links alerts and notifications to the published URLs, not to container ids", async () => {
        await build({ ports: { prometheus: 19090, alertmanager: 19093 } });
        expect(container("prometheus").command).toContain("--web.external-url=http://127.0.0.1:19090");
        expect(container("alertmanager").command).toContain("--web.external-url=http://127.0.0.1:19093");
        await build({ bindAddress: "0.0.0.0" });
        // 0.0.0.0 is where it listens, not an address a browser opens.
        expect(container("prometheus").command).toContain("--web.external-url=http://localhost:9090");
        expect(container("grafana").envs).toContain("GF_SERVER_ROOT_URL=http://localhost:3000");
        // Shared with others: links in Slack must open this machine, not the reader's own.
        const { stack } = await build({ bindAddress: "0.0.0.0", externalHost: "devbox.example.com" });
        expect(container("alertmanager").command).toContain("--web.external-url=http://devbox.example.com:9093");
        expect(await promiseOf(stack.outputs.grafanaUrl)).toBe("http://devbox.example.com:3000");
    });

    it("mounts the engine's socket the config names (rootless engines have their own)", async () => {
        await build();
        expect(container("logCollector").volumes).toContainEqual({
            hostPath: "/var/run/docker.sock",
            containerPath: CONTAINER_PATHS.dockerSocket,
            readOnly: true,
        });
        await build({ docker: { socket: "/run/user/1000/docker.sock" } });
        expect(container("logCollector").volumes).toContainEqual({
            hostPath: "/run/user/1000/docker.sock",
            containerPath: CONTAINER_PATHS.dockerSocket,
            readOnly: true,
        });
        await build({ logCollector: "alloy", docker: { socket: "/run/user/1000/docker.sock" } });
        expect(container("logCollector").volumes).toContainEqual({
            hostPath: "/run/user/1000/docker.sock",
            containerPath: CONTAINER_PATHS.dockerSocket,
            readOnly: true,
        });
    });

    it("asks for exactly the memory-swap the engine stores, so `up` shows no perpetual diff", async () => {
        const sizing = sizeTier("dev");
        await build({ docker: { swapLimit: false } });
        for (const c of allOf(CONTAINER)) {
            // Docker stores -1 on engines without swap accounting, whatever is asked; -1 is what the plan asks then.
            expect({ name: c.name, memorySwap: c.inputs.memorySwap }).toEqual({ name: c.name, memorySwap: -1 });
        }
        expect(container("prometheus").memory).toBe(sizing.services.prometheus.memoryMb);
    });

    it("creates each container after the ones it needs healthy, as the plan says", async () => {
        const { children } = await build();
        const containers = children.filter((c) => c.type === CONTAINER);
        const waitsFor = async (name: string): Promise<string[]> => {
            const deps = (containers.find((c) => c.name === name)?.opts.dependsOn ?? []) as pulumi.Resource[];
            return (await Promise.all(deps.map((d) => promiseOf(d.urn)))).map((urn) => urn.split("::").pop() as string).sort();
        };
        expect(await waitsFor("dev-natsExporter")).toEqual(["dev-nats"]);
        expect(await waitsFor("dev-prometheus")).toEqual(["dev-alertmanager"]);
        expect(await waitsFor("dev-logCollector")).toEqual(["dev-loki"]);
        expect(await waitsFor("dev-grafana")).toEqual(["dev-alertmanager", "dev-loki", "dev-prometheus"]);
        expect(await waitsFor("dev-nats")).toEqual([]);
        // Registration order follows the plan: nothing is created before what it waits for.
        const order = containers.map((c) => c.name);
        for (const c of containers) for (const dep of await waitsFor(c.name)) expect(order.indexOf(dep)).toBeLessThan(order.indexOf(c.name));
    });
});
