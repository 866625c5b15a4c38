/**
 * The e2e suite (`npm run test:e2e`): the dev stack on a real Docker engine. Its files end in `.e2e.ts`, which the
 * main jest.config.js (`*.test.ts`) never matches, so plain `npm test` does not run it.
 * @type {import('jest').Config}
 */
module.exports = {
    preset: "ts-jest",
    testEnvironment: "node",
    rootDir: "../..",
    roots: ["<rootDir>/tests/e2e"],
    testMatch: ["**/*.e2e.ts"],
    // One stack at a time; the whole run is bounded by the per-test timeouts.
    maxWorkers: 1,
    testTimeout: 300000,
    // dockerode keeps HTTP agents alive; the suite removes what it made in afterAll, then jest may exit.
    forceExit: true,
};
