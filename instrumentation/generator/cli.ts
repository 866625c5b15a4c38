/**
 * `npm run generate-events -- --password-file F --rate 200 --duration 60s --metrics-port 9464`
 * Thin wrapper: flags → runGenerator; Ctrl-C stops publishing and still prints the summary, a second Ctrl-C quits.
 */
import { logDestinations } from "../logger";
import { GENERATOR_USAGE, parseGeneratorFlags } from "./flags";
import { readPassword, runGenerator } from "./run";

async function main(): Promise<number> {
    let opts;
    try {
        const parsed = parseGeneratorFlags(process.argv.slice(2));
        if (parsed === "help") {
            process.stdout.write(GENERATOR_USAGE);
            return 0;
        }
        opts = parsed;
    } catch (err) {
        process.stderr.write(`generate-events: ${(err as Error).message}\n`);
        return 2;
    }
    const abort = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
        if (abort.signal.aborted) process.exit(130);
        process.stderr.write(`\n${signal}: stopping; consumers drain, then the summary follows (again to quit now)\n`);
        abort.abort();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    try {
        const password = readPassword(opts);
        const summary = await runGenerator(opts, {
            password,
            logDestination: logDestinations(opts.logFile),
            progress: process.stderr,
            signal: abort.signal,
        });
        return summary.publishFailed > 0 || summary.unfinished > 0 ? 1 : 0;
    } catch (err) {
        process.stderr.write(`generate-events: ${(err as Error).message}\n`);
        return 1;
    }
}

void main().then((code) => process.exit(code));
