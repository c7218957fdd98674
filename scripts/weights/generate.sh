#!/usr/bin/env bash
# Regenerates the runtime's weights by running the benchmarks in the real
# runtime (Wasm) with the node's `benchmark pallet` command: the three qos
# pallets' pallets/*/src/weights.rs and, for pallet_balances, the runtime's
# runtime/src/weights/pallet_balances.rs (the runtime charges transfers by
# this machine's measurement, and the capacity tests compare the qos calls
# with `transfer_keep_alive` measured in the same run).
#   scripts/weights/generate.sh [pallet ...]     (default: all four)
#
# The demo and the tests run a node without benchmarks (the production
# runtime). Weights need a node and a runtime built with `runtime-benchmarks`:
# this script builds them under the `benchmark` profile (target/benchmark/), so
# neither build invalidates the other.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../env.sh"
cd "$QOS_REPO"
cargo build --locked --profile benchmark -p qos-ledger-node --features qos-ledger-node/runtime-benchmarks
bench_node="$CARGO_TARGET_DIR/benchmark/qos-ledger-node"
runtime="$CARGO_TARGET_DIR/benchmark/wbuild/qos-ledger-runtime/qos_ledger_runtime.compact.compressed.wasm"
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_balances pallet_metrics_blocks pallet_sla_verification pallet_escrow_release)
for pallet in "${pallets[@]}"; do
	case "$pallet" in
	pallet_metrics_blocks | pallet_sla_verification | pallet_escrow_release)
		output="pallets/$(echo "${pallet#pallet_}" | tr _ -)/src/weights.rs"
		template=(--template "$here/pallet-weight-template.hbs")
		;;
	pallet_balances)
		output="runtime/src/weights/pallet_balances.rs"
		template=()
		;;
	*)
		# A polkadot-sdk pallet, measured for comparison only.
		output="$CARGO_TARGET_DIR/benchmark/weights-$pallet.rs"
		template=()
		;;
	esac
	echo "== $pallet -> $output"
	mkdir -p "$(dirname "$output")"
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
