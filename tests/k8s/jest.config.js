// The k8s suite (npm run test:k8s) has its own config, so plain `jest` (which matches *.test.ts) never runs it.
module.exports = {
    rootDir: "../..",
    preset: "ts-jest",
    testEnvironment: "node",
    roots: ["<rootDir>/tests/k8s"],
    testMatch: ["**/*.k8s.ts"],
    // Builds Helm and resolves every pinned chart (mirror, cache or pull) before the suites start the control plane.
    globalSetup: "<rootDir>/harness/kubernetes/globalSetup.ts",
};
