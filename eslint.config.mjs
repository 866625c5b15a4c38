// ESLint flat config: typescript-eslint with type information (the promise rules need it) and Pulumi's own rules
// (an Output in a plain template literal renders as a warning string instead of its value).
import eslint from "@eslint/js";
import pulumi from "@pulumi/eslint-plugin";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
    {
        ignores: ["node_modules/", "bin/", "out/", ".cache/", ".pulumi-local/", "coverage/", "**/*.d.ts"],
    },
    eslint.configs.recommended,
    tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            parserOptions: {
                // The tsconfig.json of the repository: every linted .ts file must be in its `include`.
                projectService: true,
                tsconfigRootDir: import.meta.dirname,
            },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            // A promise nobody awaits hides its failure: a resource that never registers, a test that passes early.
            "@typescript-eslint/no-floating-promises": "error",
            // An async function where a void callback is expected (apply, event handlers, forEach) is never awaited.
            "@typescript-eslint/no-misused-promises": "error",
            "@typescript-eslint/await-thenable": "error",
            "@typescript-eslint/require-await": "error",
            "@typescript-eslint/return-await": ["error", "in-try-catch"],
            "@typescript-eslint/no-unnecessary-type-assertion": "error",
            "@typescript-eslint/no-for-in-array": "error",
            "@typescript-eslint/switch-exhaustiveness-check": "error",
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        // Tests, fixtures and the harness parse YAML/JSON (rendered manifests) into loosely typed objects on purpose.
        files: ["tests/**/*.ts", "harness/**/*.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        files: ["**/*.js", "**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly", __dirname: "readonly", process: "readonly" } },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
