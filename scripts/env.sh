# Sourced by the scripts: one place for the build location and flags.
# The target directory lives outside the clone so every clone (and CI on the
# same machine) reuses one build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/qos-ledger/target}"
QOS_REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export QOS_REPO
export QOS_NODE_BIN="${QOS_NODE_BIN:-$CARGO_TARGET_DIR/release/qos-ledger-node}"
export QOS_MONITOR_BIN="${QOS_MONITOR_BIN:-$CARGO_TARGET_DIR/release/qos-monitor}"
