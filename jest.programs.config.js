/**
 * The programs suite (`npm run test:programs`): `*.programs.ts`, the tests that run the pinned programs (nats-server,
 * the exporter, promtool, amtool, the Pulumi CLI, actionlint, Helm) on what the project renders. Its globalSetup
 * builds them from their Go modules once (harness/tools), cached outside the clone.
 * @type {import('jest').Config}
 */
module.exports = {
    preset: "ts-jest",
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    testMatch: ["**/*.programs.ts"],
    globalSetup: "<rootDir>/harness/tools/globalSetup.ts",
    testTimeout: 60000,
};
