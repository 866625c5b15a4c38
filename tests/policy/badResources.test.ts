/**
 * Every policy rejects a deliberately bad resource, naming the resource and the rule. The bad resources are real
 * registrations of the dev and prod stacks with one thing changed, so each test also shows the exact difference the
 * rule reacts to.
 */
import type {
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import * as fs from "fs";
import * as path from "path";

import { checkPublicPorts, NO_PUBLIC_PORTS } from "../../policy/exposure";
import { checkGeneratedSecrets, generatedSecretValues, NO_PLAINTEXT_GENERATED_SECRETS } from "../../policy/generatedSecrets";
import { checkHelmRelease, HELM_RELEASE_TIMEOUT_AND_NAME } from "../../policy/helmReleases";
import { DEFAULT_POLICY_SETTINGS, ResourceUnderPolicy, reveal, TYPES, Violation } from "../../policy/model";
import { checkPinnedVersions, PINNED_VERSIONS } from "../../policy/pinnedVersions";
import { buildPolicies, RESOURCE_RULES, STACK_RULE } from "../../policy/policies";
import { checkRetention, DATA_RETAINED_ON_DELETE, RETAIN_MARKER } from "../../policy/retention";
import { checkHealthchecks, checkResourceLimits, CONTAINER_HEALTHCHECKS, RESOURCE_LIMITS } from "../../policy/workloads";
import { installMocks } from "../support/mocks";
import { REPO_ROOT } from "../support/stackConfig";
import { captureResourceOptions, ProgramUnderPolicy, runProgram, variant } from "./stackUnderPolicy";

installMocks({ stack: "dev" });
captureResourceOptions();

let dev: ProgramUnderPolicy;
let prod: ProgramUnderPolicy;
beforeAll(async () => {
    dev = await runProgram("dev");
    prod = await runProgram("prod");
});

const S = DEFAULT_POLICY_SETTINGS;
const find = (p: ProgramUnderPolicy, type: string, name: string): ResourceUnderPolicy => {
    const hit = p.resources.find((r) => r.type === type && r.name === name);
    if (!hit) throw new Error(`no ${type} ${name} among ${p.resources.map((r) => r.name).join(", ")}`);
    return hit;
};
const grafanaContainer = () => find(dev, TYPES.dockerContainer, "a4co-dev-grafana");
const grafanaImage = () => find(dev, TYPES.dockerImage, "a4co-dev-grafana-image");
const dataVolume = () => find(dev, TYPES.dockerVolume, "a4co-dev-prometheus-data");
const release = (name: string) => find(prod, TYPES.helmRelease, `a4co-prod-${name}`);

/** Exactly the violations expected: each names the rule and the resource, and says what is wrong. */
function expectRejected(violations: Violation[], policy: string, resource: string, ...what: (string | RegExp)[]): void {
    expect(violations.length).toBeGreaterThan(0);
    for (const v of violations) {
        expect(v.policy).toBe(policy);
        expect(v.resource).toBe(resource);
        expect(v.message.startsWith(`${policy}: `)).toBe(true);
        expect(v.message).toContain(`"${resource}"`);
    }
    const text = violations.map((v) => v.message).join("\n");
    for (const w of what) expect(text).toMatch(w);
}

describe("the real resources the bad ones derive from pass", () => {
    it("grafana's container and image, a data volume and every release pass every rule", () => {
        for (const r of [grafanaContainer(), grafanaImage(), dataVolume(), ...prod.resources.filter((x) => x.type === TYPES.helmRelease)]) {
            expect(RESOURCE_RULES.flatMap((rule) => rule.check(r, S))).toEqual([]);
        }
    });
});

describe(PINNED_VERSIONS, () => {
    // Deliberately floating references: the inputs the policy must refuse (no program image uses any of them).
    it.each([
        ["grafana/grafana:latest", /uses the tag latest/],
        ["grafana/grafana", /has no tag/],
        ["grafana/grafana:13", /floating tag '13'/],
        ["registry:5000/grafana/grafana", /has no tag/],
    ])("rejects the image %s", (ref, why) => {
        const bad = variant(grafanaImage(), (p) => (p.name = ref));
        expectRejected(checkPinnedVersions(bad), PINNED_VERSIONS, bad.name, why, ref);
    });
    it("accepts a digest", () => {
        expect(checkPinnedVersions(variant(grafanaImage(), (p) => (p.name = `grafana/grafana@sha256:${"a".repeat(64)}`)))).toEqual([]);
    });
    it.each([["^88.5.3"], ["~88.5"], ["88.x"], [">=88.0.0"], [""]])("rejects the chart version '%s'", (version) => {
        const bad = variant(release("kube-prometheus-stack"), (p) => (p.version = version));
        expectRejected(checkPinnedVersions(bad), PINNED_VERSIONS, bad.name, /kube-prometheus-stack has (no chart version|the chart version)/);
    });
    it("rejects an image tag set to latest in the Helm values", () => {
        const bad = variant(release("kube-prometheus-stack"), (p) => {
            p.values = reveal(p.values);
            p.values.prometheus.prometheusSpec.image.tag = "latest";
        });
        expectRejected(checkPinnedVersions(bad), PINNED_VERSIONS, bad.name, "values prometheus.prometheusSpec.image.tag uses the tag latest");
    });
});

describe(RESOURCE_LIMITS, () => {
    it("rejects a container without a memory or CPU limit", () => {
        const bad = variant(grafanaContainer(), (p) => {
            delete p.memory;
            delete p.cpus;
        });
        expectRejected(checkResourceLimits(bad), RESOURCE_LIMITS, bad.name, "has no memory limit", "has no CPU limit");
    });
    it("rejects a chart workload the values size without limits, and a required one that is missing", () => {
        const kps = variant(release("kube-prometheus-stack"), (p) => {
            p.values = reveal(p.values);
            delete p.values.grafana.resources.limits;
        });
        expectRejected(checkResourceLimits(kps), RESOURCE_LIMITS, kps.name, "values grafana.resources has no limits.cpu or limits.memory");
        const nats = variant(release("nats"), (p) => {
            p.values = reveal(p.values);
            delete p.values.container.resources;
        });
        expectRejected(checkResourceLimits(nats), RESOURCE_LIMITS, nats.name, "values container.resources is not set");
    });
    it("rejects a Kubernetes workload whose container has no limits", () => {
        const deployment: ResourceUnderPolicy = {
            type: "kubernetes:apps/v1:Deployment",
            name: "orders",
            props: {
                spec: {
                    template: {
                        spec: {
                            containers: [
                                { name: "orders", image: "a4co/orders:1.0.0", resources: { limits: { memory: "128Mi" } }, readinessProbe: {} },
                            ],
                        },
                    },
                },
            },
        };
        expectRejected(checkResourceLimits(deployment), RESOURCE_LIMITS, "orders", "container orders has no resources.limits.cpu");
    });
});

describe(CONTAINER_HEALTHCHECKS, () => {
    it("rejects a container without a healthcheck, and one that disables the image's", () => {
        const none = variant(grafanaContainer(), (p) => delete p.healthcheck);
        expectRejected(checkHealthchecks(none), CONTAINER_HEALTHCHECKS, none.name, "has no healthcheck");
        const disabled = variant(grafanaContainer(), (p) => (p.healthcheck = { tests: ["NONE"] }), "a4co-dev-grafana-none");
        expectRejected(checkHealthchecks(disabled), CONTAINER_HEALTHCHECKS, disabled.name, "disables the image's healthcheck");
    });
    it("rejects Helm values that switch a chart's probe off", () => {
        const bad = variant(release("nats"), (p) => {
            p.values = reveal(p.values);
            p.values.container.livenessProbe = { enabled: false };
        });
        expectRejected(checkHealthchecks(bad), CONTAINER_HEALTHCHECKS, bad.name, "values container.livenessProbe.enabled is false");
    });
    it("rejects a Kubernetes container without probes", () => {
        const pod: ResourceUnderPolicy = {
            type: "kubernetes:core/v1:Pod",
            name: "debug",
            props: { spec: { containers: [{ name: "shell", image: "busybox:1.37.0" }] } },
        };
        expectRejected(checkHealthchecks(pod), CONTAINER_HEALTHCHECKS, "debug", "container shell has neither a readinessProbe nor a livenessProbe");
    });
});

describe(NO_PUBLIC_PORTS, () => {
    const onAll = (ip?: string) =>
        variant(grafanaContainer(), (p) => {
            p.ports = [{ internal: 3000, external: 3000, ...(ip === undefined ? {} : { ip }) }];
        });
    it("rejects a port published on 0.0.0.0, and one without an address", () => {
        expectRejected(
            checkPublicPorts(onAll("0.0.0.0"), S),
            NO_PUBLIC_PORTS,
            "a4co-dev-grafana-bad",
            "publishes port 3000 as 3000 on 0.0.0.0",
            "bindAddress",
        );
        expectRejected(checkPublicPorts(onAll(), S), NO_PUBLIC_PORTS, "a4co-dev-grafana-bad", "all interfaces (no ip)");
    });
    it("accepts them when bindAddress says 0.0.0.0", () => {
        expect(checkPublicPorts(onAll("0.0.0.0"), { ...S, bindAddress: "0.0.0.0" })).toEqual([]);
    });
    it("rejects a chart service of type LoadBalancer", () => {
        const bad = variant(release("kube-prometheus-stack"), (p) => {
            p.values = reveal(p.values);
            p.values.grafana.service = { type: "LoadBalancer" };
        });
        expectRejected(checkPublicPorts(bad, S), NO_PUBLIC_PORTS, bad.name, "values grafana.service.type is a LoadBalancer service");
    });
});

describe(NO_PLAINTEXT_GENERATED_SECRETS, () => {
    const generated = () => generatedSecretValues(dev.outputs);
    const password = () => [...generated()][0];
    it("rejects a container that gets a generated password in a plain environment variable", () => {
        const bad = variant(grafanaContainer(), (p) => (p.envs = [...(reveal(p.envs) as string[]), `GF_SECURITY_ADMIN_PASSWORD=${password()}`]));
        expectRejected(checkGeneratedSecrets([bad], generated()), NO_PLAINTEXT_GENERATED_SECRETS, bad.name, /plain text at envs\.\d+/);
    });
    it("rejects a generated password uploaded in plain text outside a secrets directory (as the engine sees it)", () => {
        const bad = variant(grafanaContainer(), (p) => {
            p.uploads = [
                ...(reveal(p.uploads) as object[]),
                { file: "/etc/grafana/grafana.ini", content: `[security]\nadmin_password = ${password()}\n` },
            ];
        });
        expectRejected(checkGeneratedSecrets([bad], generated()), NO_PLAINTEXT_GENERATED_SECRETS, bad.name, /uploads\.\d+\.content/);
    });
    it("rejects a non-secret output that carries a generated password", () => {
        const stackOutputs: ResourceUnderPolicy = {
            ...dev.exports,
            props: { ...dev.exports.props, grafanaAdmin: reveal(dev.exports.props.grafanaAdmin) },
        };
        expectRejected(
            checkGeneratedSecrets([stackOutputs], generated()),
            NO_PLAINTEXT_GENERATED_SECRETS,
            stackOutputs.name,
            "grafanaAdmin.password",
        );
    });
    it("rejects a ConfigMap holding a generated password, found through the stack rule itself", () => {
        const configMap: ResourceUnderPolicy = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "grafana-env",
            props: { data: { GF_SECURITY_ADMIN_PASSWORD: [...generatedSecretValues(prod.outputs)][0] } },
        };
        expectRejected(
            STACK_RULE.check([...prod.outputs, configMap]),
            NO_PLAINTEXT_GENERATED_SECRETS,
            "grafana-env",
            "data.GF_SECURITY_ADMIN_PASSWORD",
        );
    });
});

describe(DATA_RETAINED_ON_DELETE, () => {
    it("rejects a data volume deleted on destroy; one it cannot see (a real preview, no marker) passes", () => {
        const deleted = { ...dataVolume(), retainOnDelete: false };
        expectRejected(checkRetention(deleted, S), DATA_RETAINED_ON_DELETE, deleted.name, "is deleted by pulumi destroy");
        const unknown = { ...dataVolume(), retainOnDelete: undefined };
        expect(checkRetention(unknown, S)).toEqual([]);
    });
    it("reads the retention marker where the engine gives no option", () => {
        const marked = variant(
            { ...dataVolume(), retainOnDelete: undefined },
            (p) => (p.labels = [...p.labels, { label: RETAIN_MARKER, value: "true" }]),
        );
        expect(checkRetention(marked, S)).toEqual([]);
    });
    it("rejects the namespace deleted on destroy (it takes every PVC with it)", () => {
        const ns = { ...find(prod, TYPES.k8sNamespace, "a4co-prod-namespace"), retainOnDelete: false };
        expectRejected(checkRetention(ns, S), DATA_RETAINED_ON_DELETE, ns.name, "is deleted by pulumi destroy");
    });
    it("rejects Grafana's chart PVC without the keep annotation, and a StatefulSet PVC retention policy of Delete", () => {
        const bad = variant(release("kube-prometheus-stack"), (p) => {
            p.values = reveal(p.values);
            delete p.values.grafana.persistence.annotations;
            p.values.prometheus.prometheusSpec.persistentVolumeClaimRetentionPolicy = { whenDeleted: "Delete", whenScaled: "Retain" };
        });
        expectRejected(
            checkRetention(bad, S),
            DATA_RETAINED_ON_DELETE,
            bad.name,
            "values grafana.persistence creates a PVC",
            "persistentVolumeClaimRetentionPolicy.whenDeleted is Delete",
        );
    });
    it("accepts all of that when retainData is false", () => {
        expect(checkRetention({ ...dataVolume(), retainOnDelete: false }, { ...S, retainData: false })).toEqual([]);
    });
});

describe(HELM_RELEASE_TIMEOUT_AND_NAME, () => {
    it("rejects a release without a timeout, and one without a fixed name", () => {
        const noTimeout = variant(release("nats"), (p) => delete p.timeout);
        expectRejected(checkHelmRelease(noTimeout), HELM_RELEASE_TIMEOUT_AND_NAME, noTimeout.name, "has no timeout");
        const noName = variant(release("nats"), (p) => delete p.name, "a4co-prod-nats-unnamed");
        expectRejected(checkHelmRelease(noName), HELM_RELEASE_TIMEOUT_AND_NAME, noName.name, "has no fixed `name`");
    });
});

describe("the policy pack's @pulumi/policy wiring", () => {
    const policies = buildPolicies();
    const reports = (run: (report: ReportViolation) => void) => {
        const messages: string[] = [];
        run((message) => messages.push(message));
        return messages;
    };
    const args = (r: ResourceUnderPolicy, config: object = {}, opts: object = {}) =>
        ({
            type: r.type,
            name: r.name,
            urn: `urn:pulumi:dev::a4co-observability::${r.type}::${r.name}`,
            props: reveal(r.props),
            opts,
            getConfig: () => config,
        }) as unknown as ResourceValidationArgs;

    it("has one mandatory policy per rule, with the names the tests use", () => {
        expect(policies.map((p) => p.name)).toEqual([
            PINNED_VERSIONS,
            RESOURCE_LIMITS,
            CONTAINER_HEALTHCHECKS,
            NO_PUBLIC_PORTS,
            DATA_RETAINED_ON_DELETE,
            HELM_RELEASE_TIMEOUT_AND_NAME,
            NO_PLAINTEXT_GENERATED_SECRETS,
        ]);
        for (const p of policies) expect(p.enforcementLevel).toBe("mandatory");
    });
    it("reports through validateResource, with the pack's config as the settings", () => {
        const ports = policies.find((p) => p.name === NO_PUBLIC_PORTS) as ResourceValidationPolicy;
        const validate = ports.validateResource as (a: ResourceValidationArgs, r: ReportViolation) => void;
        const bad = variant(grafanaContainer(), (p) => (p.ports = [{ internal: 3000, external: 3000, ip: "0.0.0.0" }]));
        expect(reports((r) => validate(args(bad), r))).toEqual([
            expect.stringContaining(`${NO_PUBLIC_PORTS}: docker:index/container:Container "a4co-dev-grafana-bad"`),
        ]);
        expect(reports((r) => validate(args(bad, { bindAddress: "0.0.0.0" }), r))).toEqual([]);
    });
    it("uses retainOnDelete from the options when an engine passes it, and the marker otherwise", () => {
        const retention = policies.find((p) => p.name === DATA_RETAINED_ON_DELETE) as ResourceValidationPolicy;
        const validate = retention.validateResource as (a: ResourceValidationArgs, r: ReportViolation) => void;
        const volume = { ...dataVolume(), retainOnDelete: undefined };
        expect(reports((r) => validate(args(volume, {}, { retainOnDelete: true }), r))).toEqual([]);
        expect(reports((r) => validate(args(volume, {}, {}), r))).toEqual([]);
        expect(reports((r) => validate(args(volume, {}, { retainOnDelete: false }), r))).toEqual([
            expect.stringContaining("is deleted by pulumi destroy"),
        ]);
    });
    it("reports a plaintext generated password through validateStack, at the offending resource's URN", () => {
        const stack = policies.find((p) => p.name === NO_PLAINTEXT_GENERATED_SECRETS) as StackValidationPolicy;
        const password = [...generatedSecretValues(dev.outputs)][0];
        const resources = [
            ...dev.outputs.filter((o) => o.type === TYPES.randomPassword),
            { type: TYPES.dockerContainer, name: "leaky", props: { envs: [`PASSWORD=${password}`] } },
        ].map((r) => ({ type: r.type, name: r.name, urn: `urn:${r.name}`, props: reveal(r.props) }) as unknown as PolicyResource);
        const seen: [string, string | undefined][] = [];
        void stack.validateStack({ resources, getConfig: () => ({}) } as unknown as StackValidationArgs, (message, urn) => seen.push([message, urn]));
        expect(seen).toEqual([[expect.stringContaining(`${NO_PLAINTEXT_GENERATED_SECRETS}: docker:index/container:Container "leaky"`), "urn:leaky"]]);
    });
    it("declares the same dependency versions as the repository, whose node_modules it runs from", () => {
        const root = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
        const pack = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "policy", "package.json"), "utf8"));
        const rootDeps = { ...root.dependencies, ...root.devDependencies };
        for (const [name, version] of Object.entries(pack.dependencies))
            expect(`${name}@${String(version)}`).toBe(`${name}@${String(rootDeps[name])}`);
        expect(fs.readFileSync(path.join(REPO_ROOT, "policy", "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
    });
});
