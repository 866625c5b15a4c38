/**
 * A real Kubernetes control plane for the suite: etcd + kube-apiserver at the pinned versions, on loopback, in a temp
 * dir, bounded in time, always stopped. Objects go in with server-side apply and strict field validation (what
 * `kubectl apply --server-side --validate=strict` does) through @kubernetes/client-node. More programs (the
 * controller-manager, the scheduler, kwok: ./simulatedNodes.ts) can join it and are stopped with it.
 */
import { ChildProcess, spawn } from "child_process";
import { generateKeyPairSync, randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { freePort, sleep } from "../live";
import { runTool, ToolRun, toolPath } from "../tools/run";
import { etcdArgs, kubeApiserverArgs } from "./controlPlaneArgs";
import type { K8sObject } from "./helm";

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
    private readonly procs: { name: string; proc: ChildProcess }[] = [];
    private k8s!: ClientNode;
    /** Raw JSON of the object being applied: the typed serializer of client-node drops unknown fields, strict validation must see them. */
    private pendingBody: string | undefined;
    private objects!: InstanceType<ClientNode["KubernetesObjectApi"]>;

    private constructor(readonly dir: string) {}

    /** Starts etcd and kube-apiserver; waits until the API server is ready (at most `timeoutMs`). */
    static async start(log: (line: string) => void, timeoutMs = 120_000): Promise<ApiServer> {
        const server = new ApiServer(fs.mkdtempSync(path.join(os.tmpdir(), "a4co-k8s-")));
        server.startWatchdog();
        try {
            await server.boot(log, timeoutMs);
            return server;
        } catch (e) {
            await server.stop();
            throw e;
        }
    }

    /** Every program started here, one pid a line, for the watchdog. */
    private get pidFile(): string {
        return path.join(this.dir, "pids");
    }

    /**
     * However this process ends (a SIGTERM or SIGKILL skips stop()), a detached shell then kills what it started and
     * removes the temp dir. After a normal stop() the pid file is gone and the watchdog only exits.
     */
    private startWatchdog(): void {
        const script = [
            `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
            `[ -f '${this.pidFile}' ] && kill -9 $(cat '${this.pidFile}') 2>/dev/null`,
            `[ -f '${this.pidFile}' ] && rm -rf '${this.dir}'`,
        ].join("; ");
        spawn("sh", ["-c", script], { detached: true, stdio: "ignore" }).unref();
    }

    /**
     * Starts a program of the control plane, its output in a log file of the temp dir (never a pipe: a blocking Helm
     * call must not stall a program whose pipe filled up). stop() stops it, last started first.
     */
    startProgram(name: string, bin: string, args: string[]): ChildProcess {
        const out = fs.openSync(this.logFile(name), "a");
        try {
            const proc = spawn(bin, args, { stdio: ["ignore", out, out], detached: false });
            this.procs.push({ name, proc });
            if (proc.pid) fs.appendFileSync(this.pidFile, `${proc.pid}\n`);
            return proc;
        } finally {
            fs.closeSync(out);
        }
    }

    /** Where a program's output goes. */
    logFile(name: string): string {
        return path.join(this.dir, `${name}.log`);
    }

    /** The last lines a program logged, for failure messages. */
    tail(name: string, lines = 30): string {
        const file = this.logFile(name);
        return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").slice(-lines).join("\n") : "";
    }

    /** Fails when a program started here has exited (it should run until stop()). */
    assertRunning(): void {
        for (const p of this.procs) {
            if (p.proc.exitCode !== null || p.proc.signalCode !== null)
                throw new Error(`${p.name} exited (${p.proc.exitCode ?? p.proc.signalCode}):\n${this.tail(p.name)}`);
        }
    }

    private async boot(log: (line: string) => void, timeoutMs: number): Promise<void> {
        const [etcdClient, etcdPeer, apiPort] = [await freePort(), await freePort(), await freePort()];
        const etcdUrl = `http://127.0.0.1:${etcdClient}`;
        this.startProgram("etcd", toolPath("etcd"), etcdArgs({ dir: this.dir, etcdUrl, peerPort: etcdPeer }));
        const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
        fs.writeFileSync(path.join(this.dir, "sa.pub"), publicKey.export({ type: "spki", format: "pem" }));
        fs.writeFileSync(path.join(this.dir, "sa.key"), privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
        const token = randomBytes(24).toString("hex");
        fs.writeFileSync(path.join(this.dir, "tokens.csv"), `${token},a4co-admin,a4co-admin,system:masters\n`, { mode: 0o600 });
        this.startProgram("kube-apiserver", toolPath("kube-apiserver"), kubeApiserverArgs({ dir: this.dir, etcdUrl, apiPort }));
        fs.writeFileSync(
            this.kubeconfig,
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

    /** Every object of a kind (in a namespace, or cluster-wide), with the kind and apiVersion a list leaves out. */
    async list(apiVersion: string, kind: string, namespace?: string): Promise<K8sObject[]> {
        return (await this.objects.list<K8sObject>(apiVersion, kind, namespace)).items.map((o) => ({ ...o, apiVersion, kind }));
    }

    /** The kubeconfig of the suite's admin, for the programs that talk to this API server. */
    get kubeconfig(): string {
        return path.join(this.dir, "kubeconfig");
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

    /** Helm's own state in the temp dir: nothing in the user's home. */
    private helmEnv(): NodeJS.ProcessEnv {
        const home = path.join(this.dir, "helm");
        return {
            ...process.env,
            HELM_CACHE_HOME: path.join(home, "cache"),
            HELM_CONFIG_HOME: path.join(home, "config"),
            HELM_DATA_HOME: path.join(home, "data"),
        };
    }

    /** Runs the pinned Helm against this API server, with Helm's own state in the temp dir. */
    helm(args: string[]): ToolRun {
        return runTool("helm", [...args, "--kubeconfig", this.kubeconfig], { env: this.helmEnv(), timeoutMs: 180_000 });
    }

    /**
     * Runs the pinned Helm without blocking (`helm install --wait` takes minutes while the controllers, the scheduler
     * and kwok work); the output is kept whole, the run bounded by `timeoutMs`.
     */
    helmAsync(args: string[], timeoutMs: number): Promise<ToolRun> {
        const env = this.helmEnv();
        return new Promise((resolve, reject) => {
            const proc = spawn(toolPath("helm"), [...args, "--kubeconfig", this.kubeconfig], { env, stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            proc.stdout.on("data", (d) => (stdout += String(d)));
            proc.stderr.on("data", (d) => (stderr += String(d)));
            const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
            proc.once("error", reject);
            proc.once("close", (status, signal) => {
                clearTimeout(timer);
                resolve({ status, stdout, stderr: signal ? `${stderr}\nhelm killed after ${timeoutMs / 1000} s` : stderr });
            });
        });
    }

    /** Stops every program it started, last started first (SIGTERM, then SIGKILL after 10 s), and removes the temp dir. */
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
