/**
 * A cluster for `helm install --wait` on the suite's API server: kube-controller-manager (Deployments, StatefulSets,
 * DaemonSets, Jobs, volume binding, garbage collection), kube-scheduler (placement, for real) and kwok, which plays
 * the kubelets of simulated nodes (pods reported running, Job pods completed; no container runs, no pod gets an IP).
 * The nodes split the tier's hardware between them; each claim the charts make gets a volume bound to it up front,
 * as a static provisioner would.
 */
import * as path from "path";

import type { TierSizing } from "../../config/tiers";
import { toolPath } from "../tools/run";
import { ApiServer } from "./apiServer";
import type { K8sObject } from "./helm";

/** The StorageClass the suite makes default: no provisioner, the volumes are made up front and bound to their claims. */
export const SUITE_STORAGE_CLASS = "a4co-suite-local";

/**
 * Only the controllers a `helm install --wait` of these charts needs. The node lifecycle controller lifts the
 * not-ready taint the API server puts on every new node, once the node is Ready and renews its lease (kwok does).
 */
const CONTROLLERS = [
    "node-lifecycle-controller",
    "deployment-controller",
    "replicaset-controller",
    "statefulset-controller",
    "daemonset-controller",
    "job-controller",
    "garbage-collector-controller",
    "serviceaccount-controller",
    "namespace-controller",
    "endpointslice-controller",
    "persistentvolume-binder-controller",
    "persistentvolumeclaim-protection-controller",
    "persistentvolume-protection-controller",
] as const;

/** `count` nodes that split the tier's CPU, memory and disk evenly, as the program's budget assumes. Pure. */
export function simulatedNodes(sizing: TierSizing, count: number): K8sObject[] {
    const cpuMilli = Math.floor((sizing.hardware.cpus * 1000) / count);
    const memoryMi = Math.floor(sizing.hardware.memoryMb / count);
    const diskGi = Math.floor(sizing.hardware.diskGb / count);
    return Array.from({ length: count }, (_, i) => {
        const name = `a4co-node-${i + 1}`;
        const resources = { cpu: `${cpuMilli}m`, memory: `${memoryMi}Mi`, "ephemeral-storage": `${diskGi}Gi`, pods: "110" };
        return {
            apiVersion: "v1",
            kind: "Node",
            metadata: {
                name,
                labels: { "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64", type: "kwok" },
                annotations: { "kwok.x-k8s.io/node": "fake" },
            },
            spec: {},
            // Loopback addresses: nothing here would dial a node, and if it did it would stay on this machine.
            status: {
                capacity: resources,
                allocatable: resources,
                addresses: [
                    { type: "InternalIP", address: `127.0.1.${i + 1}` },
                    { type: "Hostname", address: name },
                ],
                nodeInfo: { kubeletVersion: "kwok", operatingSystem: "linux", architecture: "amd64" },
            },
        };
    });
}

export interface Claim {
    readonly namespace: string;
    readonly name: string;
    readonly storage: string;
    readonly accessModes: readonly string[];
    readonly storageClassName?: string;
}

/** Every claim the rendered objects make: their PVCs, and each StatefulSet's claim templates for each replica. Pure. */
export function claimsOf(objects: readonly K8sObject[]): Claim[] {
    const claims: Claim[] = [];
    const claim = (namespace: string, name: string, spec: any): Claim => ({
        namespace,
        name,
        storage: spec.resources.requests.storage,
        accessModes: spec.accessModes ?? ["ReadWriteOnce"],
        storageClassName: spec.storageClassName,
    });
    for (const o of objects) {
        if (o.kind === "PersistentVolumeClaim") claims.push(claim(o.metadata.namespace!, o.metadata.name, o.spec));
        if (o.kind === "StatefulSet")
            for (const t of o.spec.volumeClaimTemplates ?? [])
                for (let i = 0; i < (o.spec.replicas ?? 1); i++)
                    claims.push(claim(o.metadata.namespace!, `${t.metadata.name}-${o.metadata.name}-${i}`, t.spec));
    }
    return claims;
}

/** The default StorageClass and one volume bound to each claim (by claimRef), the size it asks for. Pure. */
export function storageFor(claims: readonly Claim[]): K8sObject[] {
    const storageClass: K8sObject = {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: SUITE_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "kubernetes.io/no-provisioner",
        volumeBindingMode: "Immediate",
        reclaimPolicy: "Retain",
    };
    const volumes = claims.map((c, i) => ({
        apiVersion: "v1",
        kind: "PersistentVolume",
        metadata: { name: `a4co-pv-${i + 1}` },
        spec: {
            capacity: { storage: c.storage },
            accessModes: [...c.accessModes],
            storageClassName: c.storageClassName ?? SUITE_STORAGE_CLASS,
            persistentVolumeReclaimPolicy: "Retain",
            // Never mounted: no kubelet runs.
            hostPath: { path: `/var/lib/a4co-suite/${c.namespace}/${c.name}` },
            claimRef: { namespace: c.namespace, name: c.name },
        },
    }));
    return [storageClass, ...volumes];
}

/** Starts the controller-manager, the scheduler and kwok against the API server; stopped with it. */
export function startSimulatedCluster(api: ApiServer, log: (line: string) => void): void {
    const common = ["--kubeconfig", api.kubeconfig, "--leader-elect=false", "--secure-port=0"];
    api.startProgram("kube-controller-manager", toolPath("kube-controller-manager"), [
        ...common,
        `--controllers=${CONTROLLERS.join(",")}`,
        "--use-service-account-credentials=false",
    ]);
    api.startProgram("kube-scheduler", toolPath("kube-scheduler"), common);
    api.startProgram("kwok", toolPath("kwok"), [
        "--kubeconfig",
        api.kubeconfig,
        "--manage-all-nodes=true",
        // Lease heartbeats, as a kubelet's, so the node lifecycle controller sees the nodes alive.
        "--node-lease-duration-seconds=40",
        "--config",
        path.join(__dirname, "kwok-stages.yaml"),
        "--node-ip",
        "127.0.1.1",
        "--cidr",
        "127.2.0.0/16",
    ]);
    log("kube-controller-manager, kube-scheduler and kwok started");
}
