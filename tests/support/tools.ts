// Placeholder API, implemented by the tools work: paths to the real programs built at the pinned versions.
export type ToolName = "nats-server" | "prometheus-nats-exporter" | "promtool" | "amtool";
