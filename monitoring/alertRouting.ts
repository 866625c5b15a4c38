import type { AlertRoutingData } from "../render/alertmanager";

/**
 * How Alertmanager routes the stack's alerts, as data shared by both platforms: Watchdog (always firing, proves the
 * pipeline works) goes to the `null` receiver; a critical alert silences the warnings of the same alert and job.
 */
export const ALERT_ROUTING: AlertRoutingData = {
    groupBy: ["alertname", "job", "service"],
    groupWait: "30s",
    groupInterval: "5m",
    repeatInterval: "4h",
    nullRouteMatchers: [['alertname = "Watchdog"']],
    inhibitRules: [
        {
            sourceMatchers: ['severity = "critical"'],
            targetMatchers: ['severity = "warning"'],
            equal: ["alertname", "job"],
        },
    ],
};
