/**
 * A real Kubernetes control plane for the suite: etcd + kube-apiserver at the pinned versions, on loopback, in a temp
 * dir, bounded in time, always stopped. Objects go in with server-side apply and strict field validation (what
 * `kubectl apply --server-side --validate=strict` does) through @kubernetes/client-node.
 */
import { ChildProcess, spawn } from "child_process";
import { generateKeyPairSync, randomBytes } from "crypto";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";

import { runTool, ToolRun, toolPath } from "../support/tools";
import type { K8sObject } from "./helm";
import { ETCD, HELM, KUBE_APISERVER } from "./programs";

type ClientNode = typeof import("@kubernetes/client-node", { with: { "resolution-mode": "import" } });
type RequestContext = InstanceType<ClientNode["RequestContext"]>;
type ResponseContext = InstanceType<ClientNode["ResponseContext"]>;
/**
 * @kubernetes/client-node 1.x is an ES module; jest's CommonJS loader cannot load it, Node 20's own require can
 * (require(esm), on by default since 20.19). process.getBuiltinModule gives the real `module`, not jest's.
 */
const clientNode = (): ClientNode =>
    (process as unknown as { getBuiltinModule(id: string): typeof import("module") }).getBuiltinModule("module").createRequire(__filename)(
        "@kubernetes/client-node",
    ) as ClientNode;

const FIELD_MANAGER = "a4co-k8s-suite";

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ApplyError extends Error {
    constructor(
        readonly object: string,
        readonly status: number | undefined,
        readonly detail: string,
    ) {
        super(`${object} was refused by the API server (HTTP ${status ?? "?"}): ${detail}`);
    }
}

export class ApiServer {
    private readonly procs: { name: string; proc: ChildProcess; log: string[] }[] = [];
    private k8s!: ClientNode;
    /** Raw JSON of the object being applied: the typed serializer of client-node drops unknown fields, strict validation must see them. */
    private pendingBody: string | undefined;
    private objects!: InstanceType<ClientNode["KubernetesObjectApi"]>;

    private constructor(readonly dir: string) {}

    /** Starts etcd and kube-apiserver; waits until the API server is ready (at most `timeoutMs`). */
    static async start(log: (line: string) => void, timeoutMs = 120_000): Promise<ApiServer> {
        const server = new ApiServer(fs.mkdtempSync(path.join(os.tmpdir(), "a4co-k8s-")));
        try {
            await server.boot(log, timeoutMs);
            return server;
        } catch (e) {
            await server.stop();
            throw e;
        }
    }

    private spawnLogged(name: string, bin: string, args: string[]): ChildProcess {
        const proc = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], detached: false });
        const log: string[] = [];
        const keep = (b: Buffer) => {
            log.push(...b.toString().split("\n"));
            if (log.length > 200) log.splice(0, log.length - 200);
        };
        proc.stdout?.on("data", keep);
        proc.stderr?.on("data", keep);
        this.procs.push({ name, proc, log });
        return proc;
    }

    /** The last lines a program logged, for failure messages. */
    tail(name: string, lines = 30): string {
        return (
            this.procs
                .find((p) => p.name === name)
                ?.log.slice(-lines)
                .join("\n") ?? ""
        );
    }

    private async boot(log: (line: string) => void, timeoutMs: number): Promise<void> {
        const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
        const etcdUrl = `http://127.0.0.1:${etcdClient}`;
        this.spawnLogged("etcd", toolPath(ETCD), [
            "--name",
            "a4co",
            "--data-dir",
            path.join(this.dir, "etcd"),
            "--listen-client-urls",
            etcdUrl,
            "--advertise-client-urls",
            etcdUrl,
            "--listen-peer-urls",
            `http://127.0.0.1:${etcdPeer}`,
            "--initial-advertise-peer-urls",
            `http://127.0.0.1:${etcdPeer}`,
            "--initial-cluster",
            `a4co=http://127.0.0.1:${etcdPeer}`,
            // A throwaway store: no fsync keeps it fast on a shared disk.
            "--unsafe-no-fsync",
            "--log-level",
            "warn",
        ]);
        const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
        fs.writeFileSync(path.join(this.dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
        fs.writeFileSync(path.join(this.dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
        const token = randomBytes(24).toString("hex");
        fs.writeFileSync(path.join(this.dir, "tokens.csv"), `${token},a4co-admin,a4co-admin,system:masters\n`, { mode: 0o600 });
        this.spawnLogged("kube-apiserver", toolPath(KUBE_APISERVER), [
            "--etcd-servers",
            etcdUrl,
            "--bind-address",
            "127.0.0.1",
            "--advertise-address",
            "127.0.0.1",
            // The endpoint reconciler refuses a loopback address; nothing here needs the `kubernetes` Service's endpoints.
            "--endpoint-reconciler-type=none",
            "--secure-port",
            String(apiPort),
            "--cert-dir",
            path.join(this.dir, "certs"),
            "--service-account-issuer",
            "https://kubernetes.default.svc.cluster.local",
            "--service-account-key-file",
            path.join(this.dir, "sa.pub"),
            "--service-account-signing-key-file",
            path.join(this.dir, "sa.key"),
            "--service-cluster-ip-range",
            "10.96.0.0/16",
            "--token-auth-file",
            path.join(this.dir, "tokens.csv"),
            "--authorization-mode",
            "RBAC",
            // Boolean flags only take a value with `=`.
            "--anonymous-auth=false",
            "--enable-priority-and-fairness=false",
        ]);
        fs.writeFileSync(
            path.join(this.dir, "kubeconfig"),
            JSON.stringify({
                apiVersion: "v1",
                kind: "Config",
                clusters: [{ name: "suite", cluster: { server: `https://127.0.0.1:${apiPort}`, "insecure-skip-tls-verify": true } }],
                users: [{ name: "admin", user: { token } }],
                contexts: [{ name: "suite", context: { cluster: "suite", user: "admin" } }],
                "current-context": "suite",
            }),
            { mode: 0o600 },
        );
        this.k8s = clientNode();
        const kc = new this.k8s.KubeConfig();
        kc.loadFromOptions({
            clusters: [{ name: "suite", server: `https://127.0.0.1:${apiPort}`, skipTLSVerify: true }],
            users: [{ name: "admin", token }],
            contexts: [{ name: "suite", cluster: "suite", user: "admin" }],
            currentContext: "suite",
        });
        const strict = {
            pre: (ctx: RequestContext) => {
                if (ctx.getHttpMethod() === "PATCH" && this.pendingBody !== undefined) {
                    ctx.setQueryParam("fieldValidation", "Strict");
                    ctx.setBody(this.pendingBody);
                }
                return Promise.resolve(ctx);
            },
            post: (rsp: ResponseContext) => Promise.resolve(rsp),
        };
        const cluster = kc.getCurrentCluster()!;
        this.objects = new this.k8s.KubernetesObjectApi(
            this.k8s.createConfiguration({
                baseServer: new this.k8s.ServerConfiguration(cluster.server, {}),
                authMethods: { default: kc },
                promiseMiddleware: [strict],
            }),
        );
        const started = Date.now();
        const version = kc.makeApiClient(this.k8s.VersionApi);
        for (;;) {
            for (const p of this.procs) {
                if (p.proc.exitCode !== null) throw new Error(`${p.name} exited with ${p.proc.exitCode} while starting:\n${this.tail(p.name)}`);
            }
            try {
                const ns = kc.makeApiClient(this.k8s.CoreV1Api);
                await ns.readNamespace({ name: "default" });
                const v = await version.getCode();
                log(
                    `kube-apiserver ${v.gitVersion} ready on 127.0.0.1:${apiPort} (etcd on ${etcdClient}) after ${((Date.now() - started) / 1000).toFixed(1)} s`,
                );
                return;
            } catch {
                if (Date.now() - started > timeoutMs)
                    throw new Error(`kube-apiserver not ready after ${timeoutMs / 1000} s:\n${this.tail("kube-apiserver")}`);
                await sleep(500);
            }
        }
    }

    /** Server-side apply with strict field validation; an unknown or misplaced field throws ApplyError naming it. */
    async apply(obj: K8sObject): Promise<K8sObject> {
        this.pendingBody = JSON.stringify(obj);
        try {
            return await this.objects.patch<K8sObject>(obj, undefined, undefined, FIELD_MANAGER, true, this.k8s.PatchStrategy.ServerSideApply);
        } catch (e) {
            const err = e as { code?: number; body?: unknown; message?: string };
            let detail = err.message ?? String(e);
            try {
                const body = typeof err.body === "string" ? JSON.parse(err.body) : err.body;
                if (body && typeof body === "object" && "message" in body) detail = String((body as { message: unknown }).message);
            } catch {
                // keep the client's message
            }
            throw new ApplyError(`${obj.kind}/${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata.name}`, err.code, detail);
        } finally {
            this.pendingBody = undefined;
        }
    }

    async read(obj: Pick<K8sObject, "apiVersion" | "kind" | "metadata">): Promise<K8sObject> {
        return this.objects.read<K8sObject>(obj);
    }

    /** Waits until every CRD named is Established, so custom resources of its kinds can be applied. */
    async waitEstablished(names: readonly string[], timeoutMs = 60_000): Promise<void> {
        const started = Date.now();
        for (const name of names) {
            for (;;) {
                const crd = await this.read({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name } });
                const ok = (crd.status?.conditions ?? []).some(
                    (c: { type: string; status: string }) => c.type === "Established" && c.status === "True",
                );
                if (ok) break;
                if (Date.now() - started > timeoutMs) throw new Error(`CRD ${name} not Established after ${timeoutMs / 1000} s`);
                await sleep(200);
            }
        }
    }

    /** Writes a file into the server's temp dir (removed on stop) and returns its path. */
    writeFile(name: string, content: string): string {
        const file = path.join(this.dir, name);
        fs.writeFileSync(file, content, { mode: 0o600 });
        return file;
    }

    /** Runs the pinned Helm against this API server, with Helm's own state in the temp dir. */
    helm(args: string[]): ToolRun {
        const home = path.join(this.dir, "helm");
        const env = {
            ...process.env,
            HELM_CACHE_HOME: path.join(home, "cache"),
            HELM_CONFIG_HOME: path.join(home, "config"),
            HELM_DATA_HOME: path.join(home, "data"),
        };
        return runTool(HELM, [...args, "--kubeconfig", path.join(this.dir, "kubeconfig")], { env, timeoutMs: 180_000 });
    }

    /** Stops kube-apiserver then etcd (SIGTERM, then SIGKILL after 10 s) and removes the temp dir. */
    async stop(): Promise<void> {
        for (const p of [...this.procs].reverse()) {
            if (p.proc.exitCode !== null || p.proc.signalCode !== null) continue;
            const exited = new Promise<void>((r) => p.proc.once("exit", () => r()));
            p.proc.kill("SIGTERM");
            const timer = setTimeout(() => p.proc.kill("SIGKILL"), 10_000);
            await exited;
            clearTimeout(timer);
        }
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}
