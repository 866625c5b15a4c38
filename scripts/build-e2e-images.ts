/**
 * `npm run e2e:images`: builds the local images the e2e suite runs (harness/docker/images.ts has the table official
 * reference -> local image and the official Dockerfiles each reproduces), programs built from their Go modules at
 * the pins of config/versions.ts. Idempotent: images with the same binaries and recipe are kept.
 */
import { ensureEngine } from "../harness/docker/engine";
import { ensureImages } from "../harness/docker/imageBuild";

async function main(): Promise<void> {
    const started = Date.now();
    await ensureEngine();
    const results = ensureImages((line) => console.log(line));
    console.log("\nsummary:");
    for (const r of results) console.log(`  ${r.action.padEnd(6)} ${r.localRef.padEnd(48)} for ${r.officialRef} (${r.seconds.toFixed(1)} s)`);
    console.log(
        `${results.filter((r) => r.action === "built").length} built, ${results.filter((r) => r.action === "kept").length} kept, in ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
}

main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
});
