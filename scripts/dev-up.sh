#!/usr/bin/env bash
# Brings up the dev stack on local Docker with a local Pulumi backend (no Pulumi Cloud account):
# installs npm dependencies if needed, keeps state and a generated passphrase under .pulumi-local/ (or
# $A4CO_STATE_DIR), selects or creates the `dev` stack, tells the stack about the Docker engine it will talk to, and
# runs `pulumi up`. Extra arguments go to `pulumi up` (e.g. --yes, --diff).
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
pulumi stack select dev --create --secrets-provider passphrase >/dev/null

# Engine facts the stack needs, set once unless the user set them: the socket the log collector mounts (a path on
# the engine's own host: a rootless engine's is its DOCKER_HOST path, the VM-based engines' is the standard one), and
# whether the engine enforces swap limits (without swap accounting it stores memory-swap as -1).
set_engine_fact() {
    local key="$1" value="$2"
    if ! pulumi config get --path "$key" --stack dev >/dev/null 2>&1; then
        pulumi config set --path "$key" "$value" --stack dev
        echo "dev-up: set $key = $value for this engine (pulumi config set --path $key ... to change it)"
    fi
}
if docker info --format '{{json .SecurityOptions}}' 2>/dev/null | grep -q 'rootless'; then
    case "${DOCKER_HOST:-}" in
        unix://*) set_engine_fact docker.socket "${DOCKER_HOST#unix://}" ;;
    esac
fi
if [ "$(docker info --format '{{.SwapLimit}}' 2>/dev/null)" = "false" ]; then
    set_engine_fact docker.swapLimit false
fi

pulumi up --stack dev "$@"
echo
pulumi stack output nextSteps --stack dev
