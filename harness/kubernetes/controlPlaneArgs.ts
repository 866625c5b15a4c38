/**
 * The command lines of the suite's control plane, as data: etcd as a throwaway single-member store and kube-apiserver
 * on loopback with token auth, RBAC and service-account keys from the suite's temp dir (./apiServer.ts writes them).
 */
import * as path from "path";

/** etcd on loopback, its data in `<dir>/etcd`. */
export function etcdArgs(o: { dir: string; etcdUrl: string; peerPort: number }): string[] {
    return [
        "--name",
        "a4co",
        "--data-dir",
        path.join(o.dir, "etcd"),
        "--listen-client-urls",
        o.etcdUrl,
        "--advertise-client-urls",
        o.etcdUrl,
        "--listen-peer-urls",
        `http://127.0.0.1:${o.peerPort}`,
        "--initial-advertise-peer-urls",
        `http://127.0.0.1:${o.peerPort}`,
        "--initial-cluster",
        `a4co=http://127.0.0.1:${o.peerPort}`,
        // A throwaway store: no fsync keeps it fast on a shared disk.
        "--unsafe-no-fsync",
        "--log-level",
        "warn",
    ];
}

/** kube-apiserver on 127.0.0.1:`apiPort`, talking to `etcdUrl`, its keys and tokens in `dir`. */
export function kubeApiserverArgs(o: { dir: string; etcdUrl: string; apiPort: number }): string[] {
    return [
        "--etcd-servers",
        o.etcdUrl,
        "--bind-address",
        "127.0.0.1",
        "--advertise-address",
        "127.0.0.1",
        // The endpoint reconciler refuses a loopback address; nothing here needs the `kubernetes` Service's endpoints.
        "--endpoint-reconciler-type=none",
        "--secure-port",
        String(o.apiPort),
        "--cert-dir",
        path.join(o.dir, "certs"),
        "--service-account-issuer",
        "https://kubernetes.default.svc.cluster.local",
        "--service-account-key-file",
        path.join(o.dir, "sa.pub"),
        "--service-account-signing-key-file",
        path.join(o.dir, "sa.key"),
        "--service-cluster-ip-range",
        "10.96.0.0/16",
        "--token-auth-file",
        path.join(o.dir, "tokens.csv"),
        "--authorization-mode",
        "RBAC",
        // Boolean flags only take a value with `=`.
        "--anonymous-auth=false",
        "--enable-priority-and-fairness=false",
        // Webhooks (the chart's admission webhook) resolve to their Service's ready endpoints, never its cluster
        // IP: no pod runs here, so a call finds no endpoint and fails open without a packet leaving the machine.
        "--enable-aggregator-routing=true",
    ];
}
