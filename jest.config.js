/** @type {import('jest').Config} */
module.exports = {
    preset: "ts-jest",
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    testMatch: ["**/*.test.ts"],
    // Builds nats-server, prometheus-nats-exporter, promtool and amtool at the pinned versions (cached).
    globalSetup: "<rootDir>/tests/support/globalSetup.ts",
    testTimeout: 60000,
};
