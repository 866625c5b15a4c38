#!/usr/bin/env bash
# Brings up the dev stack on local Docker with a local Pulumi backend (no Pulumi Cloud account):
# installs npm dependencies if needed, keeps state and a generated passphrase under .pulumi-local/, selects or
# creates the `dev` stack, and runs `pulumi up`. Extra arguments go to `pulumi up` (e.g. --yes, --diff).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in pulumi docker node npm; do
    command -v "$tool" >/dev/null || { echo "dev-up: '$tool' is not installed; see README 'Prerequisites'." >&2; exit 1; }
done
docker info >/dev/null 2>&1 || { echo "dev-up: the Docker engine is not reachable; start Docker and retry." >&2; exit 1; }

bash scripts/ensure-deps.sh

state_dir="$PWD/.pulumi-local"
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
pulumi up --stack dev "$@"
echo
pulumi stack output nextSteps --stack dev
