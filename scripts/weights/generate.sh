#!/usr/bin/env bash
# Regenerates pallets/*/src/weights.rs by running the benchmarks in the real
# runtime (Wasm) with the node's `benchmark pallet` command.
#   scripts/weights/generate.sh [pallet ...]     (default: all three pallets)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../env.sh"
cd "$QOS_REPO"
[ -x "$QOS_NODE_BIN" ] || bash scripts/build.sh
pallets=("$@")
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_metrics_blocks pallet_sla_verification pallet_escrow_release)
for pallet in "${pallets[@]}"; do
	dir="pallets/$(echo "${pallet#pallet_}" | tr _ -)"
	echo "== $pallet -> $dir/src/weights.rs"
	"$QOS_NODE_BIN" benchmark pallet \
		--runtime "$CARGO_TARGET_DIR/release/wbuild/qos-ledger-runtime/qos_ledger_runtime.compact.compressed.wasm" \
		--genesis-builder runtime --genesis-builder-preset development \
		--pallet "$pallet" --extrinsic '*' \
		--steps 20 --repeat 10 \
		--wasm-execution compiled \
		--heap-pages 4096 \
		--template "$here/pallet-weight-template.hbs" \
		--header "$here/HEADER.txt" \
		--output "$dir/src/weights.rs"
done
