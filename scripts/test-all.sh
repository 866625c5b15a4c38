#!/usr/bin/env bash
# `npm test`: every suite, in the order a failure is cheapest to find, each bounded, with one summary at the end.
#   engine      a Docker engine that answers (installed and started as root on Debian/Ubuntu), for dev-up and e2e
#   typecheck   tsc --noEmit (ts-jest does not type-check)
#   lint        ESLint (type-aware) and Prettier
#   unit        jest (*.test.ts): mocks, pure checks, LogQL and Loki config by reference, policies, workflows; no Go
#   programs    jest (*.programs.ts): generated files checked by the real programs, instrumentation against
#               nats-server, the Pulumi CLI on the project and stack files, actionlint, Helm (builds them once)
#   e2e         the dev stack on a real Docker engine (installs and starts one when root on Debian/Ubuntu)
#   k8s         the prod charts rendered by Helm and applied to a real kube-apiserver
# A suite that fails does not stop the others; the exit status is non-zero if any failed.
# Run one suite alone with npm run test:unit | test:programs | lint | test:e2e | test:k8s.
set -uo pipefail
cd "$(dirname "$0")/.."

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
declare -a rows=()
failed_suites=0
passed=0
failed=0

suite() {
    local name="$1"
    shift
    echo
    echo "=== ${name}: $* ==="
    local started=$SECONDS
    "$@" 2>&1 | tee "$logs/${name}.log"
    local status=${PIPESTATUS[0]}
    local took=$((SECONDS - started))
    # jest's own summary line, e.g. "Tests:       2 failed, 310 passed, 312 total".
    local tests
    tests="$(grep -E '^Tests:' "$logs/${name}.log" | tail -n 1 | sed -E 's/^Tests:[[:space:]]+//')"
    rows+=("$(printf '%-10s %-6s %6ss  %s' "$name" "$([ "$status" -eq 0 ] && echo ok || echo FAILED)" "$took" "${tests:--}")")
    local p f
    p="$(grep -oE '[0-9]+ passed' <<<"$tests" | grep -oE '[0-9]+' || true)"
    f="$(grep -oE '[0-9]+ failed' <<<"$tests" | grep -oE '[0-9]+' || true)"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    if [ "$status" -ne 0 ]; then
        failed_suites=$((failed_suites + 1))
        # A suite that failed before jest counted a failure (type errors, lint, a crash) counts as one.
        [ "${f:-0}" -gt 0 ] || failed=$((failed + 1))
    fi
}

suite engine npx ts-node --transpile-only scripts/ensure-engine.ts
suite typecheck npx tsc --noEmit
suite lint npm run --silent lint
suite unit npm run --silent test:unit
suite programs npm run --silent test:programs
suite e2e npm run --silent test:e2e
suite k8s npm run --silent test:k8s

echo
echo "=== summary ==="
printf '%s\n' "${rows[@]}"
echo "${passed} passed, ${failed} failed"
[ "$failed_suites" -eq 0 ]
