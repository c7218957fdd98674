#!/usr/bin/env bash
# The main job: builds what is missing, then runs a local three-validator
# qos-ledger chain with real workloads and qos-monitors, an owner, a client
# and an agreement settled period by period (scripts/demo.mjs). Ctrl-C stops
# everything it started.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/setup.sh"
bash "$here/build.sh"
source "$here/env.sh"
exec node "$here/demo.mjs"
