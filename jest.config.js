/**
 * The unit suite (`npm run test:unit`, or `npx jest [path]`): `*.test.ts`, which need no real program. Nothing is
 * built or spawned from Go here; the tests that run the pinned programs end in `.programs.ts` and have their own
 * config (jest.programs.config.js), as the live suites do (`.e2e.ts`, `.k8s.ts`).
 * @type {import('jest').Config}
 */
module.exports = {
    preset: "ts-jest",
    testEnvironment: "node",
    roots: ["<rootDir>/tests"],
    testMatch: ["**/*.test.ts"],
    testTimeout: 60000,
    // Every core (jest's default leaves one idle): the files are CPU-bound and the main process has little to do; on a
    // two-core machine this is the difference between about 50 s and 70 s.
    maxWorkers: "100%",
};
