#!/usr/bin/env bash
# Idempotent set-up of everything qos-ledger needs beyond the Rust toolchain.
# Safe to run again: each step checks before it installs.
#   --browser   also Chromium, for the dashboard's browser tests (scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[setup] %s\n' "$*"; }

# Rust (rust-toolchain.toml names the same): the runtime is compiled to Wasm
# (wasm32v1-none) and needs rust-src; the tests check formatting and lints.
if ! rustup target list --installed | grep -qx wasm32v1-none; then
	log "adding Rust target wasm32v1-none"
	rustup target add wasm32v1-none
fi
for component in rust-src rustfmt clippy; do
	if ! rustup component list --installed | grep -q "^$component"; then
		log "adding Rust component $component"
		rustup component add "$component"
	fi
done

# Debian packages: protoc for libp2p/litep2p protobufs, OpenSSL headers for
# litep2p's WebRTC transport. No clang/libclang: RocksDB is not compiled
# (ParityDB is the database).
need_apt=()
command -v protoc >/dev/null 2>&1 || need_apt+=(protobuf-compiler)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
pkg-config --exists openssl 2>/dev/null || need_apt+=(libssl-dev)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
# The dashboard's tests drive Debian's Chromium (npm packages' browser
# downloads are not used).
if [ "${1:-}" = "--browser" ] && [ ! -x /usr/bin/chromium ]; then need_apt+=(chromium); fi
if [ ${#need_apt[@]} -gt 0 ]; then
	log "installing Debian packages: ${need_apt[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# npm packages for scripts/ (exact versions from the lockfile).
if [ -f scripts/package-lock.json ]; then
	if [ ! -d scripts/node_modules ] || [ scripts/package-lock.json -nt scripts/node_modules/.package-lock.json ]; then
		log "installing npm packages for scripts/"
		(cd scripts && npm ci --no-audit --no-fund --loglevel=error)
	fi
fi
log "ok"
