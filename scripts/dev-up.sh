#!/usr/bin/env bash
# Brings up the dev stack on local Docker with a local Pulumi backend (no Pulumi Cloud account):
# installs npm dependencies if needed, keeps state, a generated passphrase and the stack file the CLI uses under
# .pulumi-local/ (or $A4CO_STATE_DIR), selects or creates the `dev` stack, tells the stack about the Docker engine it
# will talk to, and runs `pulumi up`. Extra arguments go to `pulumi up` (e.g. --yes, --diff). It never writes a
# tracked file.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in pulumi docker node npm; do
    command -v "$tool" >/dev/null || { echo "dev-up: '$tool' is not installed; see README 'Prerequisites'." >&2; exit 1; }
done

# The Docker provider does not read the docker CLI's contexts: it uses DOCKER_HOST or /var/run/docker.sock. Colima,
# OrbStack, Rancher Desktop and rootless Docker live behind a context, so hand the current context's endpoint over.
if [ -z "${DOCKER_HOST:-}" ]; then
    endpoint="$(docker context inspect --format '{{.Endpoints.docker.Host}}' 2>/dev/null || true)"
    if [ -n "$endpoint" ]; then
        export DOCKER_HOST="$endpoint"
    fi
fi
docker info >/dev/null 2>&1 || {
    echo "dev-up: the Docker engine is not reachable at ${DOCKER_HOST:-unix:///var/run/docker.sock}; start Docker and retry." >&2
    exit 1
}
echo "dev-up: Docker engine at ${DOCKER_HOST:-unix:///var/run/docker.sock}"

bash scripts/ensure-deps.sh

state_dir="${A4CO_STATE_DIR:-$PWD/.pulumi-local}"
mkdir -p "$state_dir/state"
export PULUMI_BACKEND_URL="file://$state_dir/state"
# One random passphrase per checkout, kept out of git: it encrypts this stack's secrets in the local state.
if [ ! -s "$state_dir/passphrase" ]; then
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' >"$state_dir/passphrase")
fi
export PULUMI_CONFIG_PASSPHRASE_FILE="$state_dir/passphrase"
unset PULUMI_CONFIG_PASSPHRASE

pulumi login "$PULUMI_BACKEND_URL" >/dev/null

# The CLI writes the stack's secrets-provider state (encryptionsalt, tied to this checkout's passphrase) into the stack
# file it uses. In the tracked Pulumi.dev.yaml that salt breaks every other clone ("incorrect passphrase"), so the CLI
# gets a working copy under $state_dir (--config-file), made from Pulumi.dev.yaml on every run (your settings live
# there), and takes the salt from the stack's own state.
stack_file="$state_dir/Pulumi.dev.yaml"
export PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER=true
ts_node() { node_modules/.bin/ts-node --transpile-only "$@"; }
if ! pulumi stack select dev >/dev/null 2>&1; then
    # `stack init` has no --config-file: create the stack from a scratch project (a copy of Pulumi.yaml), where its
    # salt lands in a throwaway stack file; the stack's state keeps it.
    scratch="$state_dir/new-stack"
    rm -rf "$scratch" && mkdir -p "$scratch" && cp Pulumi.yaml "$scratch/"
    (cd "$scratch" && pulumi stack init dev --secrets-provider passphrase --no-select >/dev/null)
    rm -rf "$scratch"
    pulumi stack select dev >/dev/null
fi
ts_node scripts/dev-stack-file.ts Pulumi.dev.yaml "$stack_file"
cfg() { pulumi config "$@" --stack dev --config-file "$stack_file"; }

# Engine facts the stack needs: the socket the log collector mounts (a path on the engine's own host: a rootless
# engine's is its DOCKER_HOST path; the VM-based engines' is the standard one) and whether the engine enforces swap
# limits (without swap accounting it stores memory-swap as -1). They go into the working copy on every run, so they
# follow the engine; a value you set yourself in Pulumi.dev.yaml is left alone.
follow_engine() {
    local key="$1" detected="$2" default="$3" current
    current="$(cfg get --path "$key" 2>/dev/null || true)"
    if [ -n "$current" ]; then
        echo "dev-up: $key = $current (set by you; this engine suggests $detected)"
        return
    fi
    [ "$detected" = "$default" ] || cfg set --path "$key" "$detected"
    echo "dev-up: $key = $detected (detected from the engine)"
}
socket=/var/run/docker.sock
security="$(docker info --format '{{json .SecurityOptions}}' 2>/dev/null || true)"
case "$security" in
    *rootless*)
        case "${DOCKER_HOST:-}" in
            unix://*) socket="${DOCKER_HOST#unix://}" ;;
        esac
        ;;
esac
follow_engine docker.socket "$socket" /var/run/docker.sock
swap_limit="$(docker info --format '{{.SwapLimit}}' 2>/dev/null || echo true)"
follow_engine docker.swapLimit "$swap_limit" true

# Every published port must be free (or held by the stack's own container): Docker would refuse a taken one only
# when it starts the container, after `pulumi up` has deleted the old one.
cfg --json | ts_node scripts/check-ports.ts

# --refresh: `pulumi up` alone compares the program with the last recorded state, not with the engine, so a container
# that was stopped, or never started after a failed up, is reported unchanged; the refresh reads each container's
# real state first and the update starts it again.
pulumi up --refresh --stack dev --config-file "$stack_file" "$@"
echo
pulumi stack output nextSteps --stack dev
