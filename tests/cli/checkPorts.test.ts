/** dev-up.sh's port check before `pulumi up` (scripts/check-ports.ts): free, or held by the stack's own container. */

import { checkPorts, parseDockerPs, portClaims, portInUse, portProblems, PublishedPort } from "../../scripts/check-ports";
import { CONFIG_DEFAULTS } from "../../config/defaults";
import { configFor, parseStackConfig } from "../../config/stack";
import { freePort, holdPort } from "../../harness/live";

const claims = portClaims({ ports: CONFIG_DEFAULTS.ports });
const grafanaOnLoopback: PublishedPort = { container: "a4co-grafana", hostIp: "127.0.0.1", hostPort: 3000 };

describe("the decision", () => {
    it("refuses a port another process holds, naming the key to change", () => {
        expect(portProblems(claims, "127.0.0.1", new Set([3000]), [])).toEqual([
            "ports.grafana 3000 on 127.0.0.1 is in use by another process: pulumi config set --path ports.grafana <free port> --stack dev (or stop what listens there).",
        ]);
    });

    it("accepts a port the stack's own container publishes there", () => {
        expect(portProblems(claims, "127.0.0.1", new Set([3000]), [grafanaOnLoopback])).toEqual([]);
        expect(portProblems(claims, "127.0.0.1", new Set([3000]), [{ ...grafanaOnLoopback, hostIp: "0.0.0.0" }])).toEqual([]);
        expect(portProblems(claims, "0.0.0.0", new Set([3000]), [grafanaOnLoopback])).toEqual([]);
    });

    it("refuses a port held by a container that is not the stack's, or by the stack's on another address", () => {
        expect(portProblems(claims, "127.0.0.1", new Set([3000]), [{ ...grafanaOnLoopback, container: "my-grafana" }])).toHaveLength(1);
        expect(portProblems(claims, "127.0.0.1", new Set([3000]), [{ ...grafanaOnLoopback, hostIp: "192.168.1.5" }])).toHaveLength(1);
        expect(portProblems(claims, "127.0.0.1", new Set([3000]), [{ ...grafanaOnLoopback, hostPort: 3001 }])).toHaveLength(1);
    });

    it("claims every published port of the stack, by its key", () => {
        expect(claims.map((c) => c.key).sort()).toEqual(
            Object.keys(CONFIG_DEFAULTS.ports)
                .map((f) => `ports.${f}`)
                .sort(),
        );
    });
});

describe("what docker ps reports", () => {
    it("reads IPv4, IPv6 and ranged host ports, and skips ports that are only exposed", () => {
        const ps = [
            "a4co-grafana\t127.0.0.1:3000->3000/tcp",
            "a4co-nats\t127.0.0.1:4222->4222/tcp, 127.0.0.1:8222->8222/tcp",
            "other\t0.0.0.0:9000-9001->9000-9001/tcp, [::]:9000-9001->9000-9001/tcp, :::7000->7000/tcp",
            "quiet\t5000/tcp",
            "",
        ].join("\n");
        expect(parseDockerPs(ps)).toEqual([
            { container: "a4co-grafana", hostIp: "127.0.0.1", hostPort: 3000 },
            { container: "a4co-nats", hostIp: "127.0.0.1", hostPort: 4222 },
            { container: "a4co-nats", hostIp: "127.0.0.1", hostPort: 8222 },
            { container: "other", hostIp: "0.0.0.0", hostPort: 9000 },
            { container: "other", hostIp: "0.0.0.0", hostPort: 9001 },
            { container: "other", hostIp: "::", hostPort: 9000 },
            { container: "other", hostIp: "::", hostPort: 9001 },
            { container: "other", hostIp: "::", hostPort: 7000 },
        ]);
    });
});

describe("the check on this machine", () => {
    let holder: Awaited<ReturnType<typeof holdPort>>;
    let held: number;
    beforeEach(async () => {
        holder = await holdPort();
        held = holder.port;
    });
    afterEach(() => holder.release());

    it("finds a port a listener holds, and a free one free", async () => {
        expect(await portInUse(held, "127.0.0.1")).toBe(true);
        // Docker publishing on every address collides with a listener on loopback too.
        expect(await portInUse(held, "0.0.0.0")).toBe(true);
        expect(await portInUse(await freePort(), "127.0.0.1")).toBe(false);
    });

    it("asks the engine only when a port is taken, and then refuses the held one by its key", async () => {
        const free = await Promise.all(Object.keys(CONFIG_DEFAULTS.ports).map(() => freePort()));
        const ports = Object.fromEntries(Object.keys(CONFIG_DEFAULTS.ports).map((f, i) => [f, free[i]]));
        let asked = 0;
        const lookup = () => (asked++, [] as PublishedPort[]);
        expect(await checkPorts(configFor(parseStackConfig({ platform: "docker", ports }), "docker"), lookup)).toEqual([]);
        expect(asked).toBe(0);
        const problems = await checkPorts(configFor(parseStackConfig({ platform: "docker", ports: { ...ports, loki: held } }), "docker"), lookup);
        expect(asked).toBe(1);
        expect(problems).toEqual([
            expect.stringContaining(`ports.loki ${held} on 127.0.0.1 is in use by another process: pulumi config set --path ports.loki`),
        ]);
        const own = () => [{ container: "a4co-loki", hostIp: "127.0.0.1", hostPort: held }];
        expect(await checkPorts(configFor(parseStackConfig({ platform: "docker", ports: { ...ports, loki: held } }), "docker"), own)).toEqual([]);
    });
});
