/**
 * The policy pack as the Pulumi engine runs it: `policy/index.ts` started by @pulumi/pulumi's policy-pack runner
 * (ts-node, type-checked), called over the analyzer gRPC protocol. Each test file that uses it starts one process
 * in beforeAll and stops it in afterAll.
 */
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import {
    AnalyzeRequest,
    AnalyzeResponse,
    AnalyzerPropertyDependencies,
    AnalyzerResource,
    AnalyzerResourceOptions,
    AnalyzeStackRequest,
} from "@pulumi/pulumi/proto/analyzer_pb";
import { ChildProcess, spawn } from "child_process";
import * as empty from "google-protobuf/google/protobuf/empty_pb";
import * as struct from "google-protobuf/google/protobuf/struct_pb";
import * as path from "path";

import { REPO_ROOT } from "../support/stackConfig";

/** EnforcementLevel.MANDATORY in pulumirpc. */
export const MANDATORY = 1;

export interface Diagnosis {
    readonly policy: string;
    readonly message: string;
    readonly mandatory: boolean;
}

/** One resource of a stack as the engine hands it to a stack policy: props, and the resources each prop depends on. */
export interface StackResource {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    /** Property name -> names of the stack's resources it depends on. */
    readonly propertyDependencies?: Record<string, string[]>;
}

export interface PolicyPackProcess {
    /** The policies the pack announces, with their enforcement levels. */
    info(): Promise<{ name: string; level: number }[]>;
    /** Analyze one resource the way the engine does (props may hold wire-form secrets and unknown sentinels). */
    analyze(type: string, name: string, props: Record<string, unknown>): Promise<Diagnosis[]>;
    /** Analyze a whole stack the way the engine does after a preview or an update (the stack policies). */
    analyzeStack(resources: readonly StackResource[]): Promise<Diagnosis[]>;
    stop(): void;
}

/** Starts the pack from policy/ and connects to the port it prints. */
export async function startPolicyPack(): Promise<PolicyPackProcess> {
    const pack: ChildProcess = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:1", "."], {
        cwd: path.join(REPO_ROOT, "policy"),
        stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    pack.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
        pack.stdout?.once("data", (d: Buffer) => resolve(d.toString().trim()));
        pack.once("exit", (code) => reject(new Error(`the policy pack exited with ${code} before serving:\n${stderr}`)));
    });
    if (!/^\d+$/.test(port)) throw new Error(`the policy pack printed '${port}' instead of its port:\n${stderr}`);
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const urnOf = (type: string, name: string) => `urn:pulumi:test::a4co-observability::${type}::${name}`;
    // JSON round trip: drops undefined, which a protobuf Struct cannot carry.
    const structOf = (props: Record<string, unknown>) =>
        struct.Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Record<string, struct.JavaScriptValue>);
    const diagnoses = (res: AnalyzeResponse): Diagnosis[] =>
        res
            .getDiagnosticsList()
            .map((d) => ({ policy: d.getPolicyname(), message: d.getMessage(), mandatory: d.getEnforcementlevel() === MANDATORY }));
    return {
        info: () =>
            new Promise((resolve, reject) =>
                client.getAnalyzerInfo(new empty.Empty(), (err, res) =>
                    err ? reject(err) : resolve(res.getPoliciesList().map((p) => ({ name: p.getName(), level: p.getEnforcementlevel() }))),
                ),
            ),
        analyze: (type, name, props) => {
            const req = new AnalyzeRequest();
            req.setType(type);
            req.setName(name);
            req.setUrn(`urn:pulumi:test::a4co-observability::${type}::${name}`);
            // JSON round trip: drops undefined, which a protobuf Struct cannot carry.
            req.setProperties(struct.Struct.fromJavaScript(JSON.parse(JSON.stringify(props)) as Record<string, struct.JavaScriptValue>));
            req.setOptions(new AnalyzerResourceOptions());
            return new Promise((resolve, reject) =>
                client.analyze(req, (err, res) =>
                    err
                        ? reject(err)
                        : resolve(
                              res.getDiagnosticsList().map((d) => ({
                                  policy: d.getPolicyname(),
                                  message: d.getMessage(),
                                  mandatory: d.getEnforcementlevel() === MANDATORY,
                              })),
                          ),
                ),
            );
        },
        analyzeStack: (resources) => {
            const req = new AnalyzeStackRequest();
            const typeOf = new Map(resources.map((r) => [r.name, r.type]));
            for (const r of resources) {
                const res = new AnalyzerResource();
                res.setType(r.type);
                res.setName(r.name);
                res.setUrn(urnOf(r.type, r.name));
                res.setProperties(structOf(r.props));
                res.setOptions(new AnalyzerResourceOptions());
                for (const [prop, names] of Object.entries(r.propertyDependencies ?? {})) {
                    const deps = new AnalyzerPropertyDependencies();
                    deps.setUrnsList(names.map((n) => urnOf(typeOf.get(n) ?? "", n)));
                    res.getPropertydependenciesMap().set(prop, deps);
                }
                res.setDependenciesList([...new Set(Object.values(r.propertyDependencies ?? {}).flat())].map((n) => urnOf(typeOf.get(n) ?? "", n)));
                req.addResources(res);
            }
            return new Promise((resolve, reject) => client.analyzeStack(req, (err, res) => (err ? reject(err) : resolve(diagnoses(res)))));
        },
        stop: () => {
            client.close();
            pack.kill();
        },
    };
}
