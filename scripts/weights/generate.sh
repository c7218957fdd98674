#!/usr/bin/env bash
# Regenerates pallets/*/src/weights.rs by running the benchmarks in the real
# runtime (Wasm) with the node's `benchmark pallet` command.
#   scripts/weights/generate.sh [pallet ...]     (default: the three qos pallets)
#
# The demo and the tests run a node without benchmarks (the production
# runtime). Weights need a node and a runtime built with `runtime-benchmarks`:
# this script builds them under the `benchmark` profile (target/benchmark/), so
# neither build invalidates the other. Add pallet_balances to compare with
# `transfer_keep_alive`.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../env.sh"
cd "$QOS_REPO"
cargo build --locked --profile benchmark -p qos-ledger-node --features qos-ledger-node/runtime-benchmarks
bench_node="$CARGO_TARGET_DIR/benchmark/qos-ledger-node"
runtime="$CARGO_TARGET_DIR/benchmark/wbuild/qos-ledger-runtime/qos_ledger_runtime.compact.compressed.wasm"
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_metrics_blocks pallet_sla_verification pallet_escrow_release)
for pallet in "${pallets[@]}"; do
	case "$pallet" in
	pallet_metrics_blocks | pallet_sla_verification | pallet_escrow_release)
		output="pallets/$(echo "${pallet#pallet_}" | tr _ -)/src/weights.rs"
		template=(--template "$here/pallet-weight-template.hbs")
		;;
	*)
		# A polkadot-sdk pallet, measured for comparison only.
		output="$CARGO_TARGET_DIR/benchmark/weights-$pallet.rs"
		template=()
		;;
	esac
	echo "== $pallet -> $output"
	"$bench_node" benchmark pallet \
		--runtime "$runtime" \
		--genesis-builder runtime --genesis-builder-preset development \
		--pallet "$pallet" --extrinsic '*' \
		--steps 20 --repeat 10 \
		--wasm-execution compiled \
		--heap-pages 4096 \
		"${template[@]}" \
		--header "$here/HEADER.txt" \
		--output "$output"
done
