#!/usr/bin/env bash
# The test command: sets up, builds, then runs every test suite.
#   1. Rust unit and property tests of primitives, pallets (with their
#      benchmark tests), the monitor and the build's wasm-opt stand-in;
#   2. tests on the real binaries (node's test runner): dev chain, local
#      testnet, restart, polkadot.js compatibility, end to end, the
#      dashboard in headless Chromium;
#   3. zombienet fault tests: four validators, one killed and restarted.
# Before them the formatting (cargo fmt, Biome) is checked, after them clippy
# and rustdoc, each with warnings denied (broken intra-doc links included).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/setup.sh" --browser
bash "$here/build.sh"
source "$here/env.sh"
cd "$QOS_REPO"

echo "== Format"
cargo fmt --all -- --check
(cd scripts && npm run --silent lint)

echo "== Rust tests"
# The runtime's tests (what a block holds by the benchmarked weights) need
# its native code only, not its Wasm blob. With `runtime-benchmarks` on the
# runtime too, one feature set serves every crate of this invocation.
SKIP_WASM_BUILD=1 cargo test --locked -p qos-primitives -p qos-accounting-keystore -p pallet-metrics-blocks -p pallet-sla-verification -p pallet-escrow-release -p qos-ledger-runtime -p wasm-opt \
	--features pallet-metrics-blocks/runtime-benchmarks,pallet-sla-verification/runtime-benchmarks,pallet-escrow-release/runtime-benchmarks,qos-ledger-runtime/runtime-benchmarks
cargo test --locked -p qos-monitor

echo "== Tests on the real binaries"
cd scripts
node --test --test-concurrency=1 test/

echo "== Zombienet fault tests"
npm run --silent test:zombienet

echo "== Lints and docs"
cd "$QOS_REPO"
# The runtime's Wasm blob is not needed to check the code. The runtime's
# `runtime-benchmarks` feature turns on the pallets' (so their benchmarks
# are linted), and the runtime is checked with it: the pallets' Config
# asks for a benchmark helper then.
SKIP_WASM_BUILD=1 cargo clippy --locked --workspace --all-targets --features qos-ledger-runtime/runtime-benchmarks -- -D warnings
# The monitor's benchmark-only seeding tool (`bench` feature) is linted too.
SKIP_WASM_BUILD=1 cargo clippy --locked -p qos-monitor --all-targets --features bench -- -D warnings
SKIP_WASM_BUILD=1 RUSTDOCFLAGS="-D warnings" \
	cargo doc --locked --workspace --no-deps
