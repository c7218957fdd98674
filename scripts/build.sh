#!/usr/bin/env bash
# Builds the release binaries the demo and the tests run: qos-ledger-node and
# qos-monitor, in one cargo invocation so cargo overlaps them on both cores.
# The node is built without `runtime-benchmarks`: its runtime is the
# production one. Weight generation builds its own benchmarking node
# (scripts/weights/generate.sh). Then the dashboard's production bundle
# (scripts/dashboard/dist, served by `qos serve`), a second or two.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$QOS_REPO"
cargo build --locked --release -p qos-ledger-node -p qos-monitor "$@"
if [ ! -d "$QOS_REPO/scripts/node_modules" ]; then
	echo "build.sh: scripts/node_modules is missing: run scripts/setup.sh first" >&2
	exit 1
fi
(cd "$QOS_REPO/scripts" && npm run --silent build:dashboard)
