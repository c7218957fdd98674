#!/usr/bin/env bash
# The main job: a local qos-ledger chain you can reach from polkadot.js apps
# at ws://127.0.0.1:9944. Ctrl-C stops it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bash "$here/setup.sh"
bash "$here/build.sh"
source "$here/env.sh"
echo "qos-ledger dev chain: ws://127.0.0.1:9944 (polkadot.js apps: https://polkadot.js.org/apps/?rpc=ws://127.0.0.1:9944)"
exec "$QOS_NODE_BIN" --dev --tmp --rpc-cors all
