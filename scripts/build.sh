#!/usr/bin/env bash
# Builds the release binaries: qos-ledger-node (with `benchmark pallet`, so one
# build serves the demo, the tests and weight generation) and qos-monitor.
# Each binary is built in its own cargo invocation so their feature sets never
# mix and an incremental rebuild only touches what changed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$QOS_REPO"
cargo build --locked --release -p qos-ledger-node --features qos-ledger-node/runtime-benchmarks
if [ -f monitor/src/main.rs ] && grep -q '^name = "qos-monitor"' monitor/Cargo.toml; then
	cargo build --locked --release -p qos-monitor
fi
