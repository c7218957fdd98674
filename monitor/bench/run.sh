#!/usr/bin/env bash
# Benchmark of qos-monitor (not a test): the release binary samples at 1 s for
# DURATION seconds (default 65) against a local `python3 -m http.server`
# workload; prints its CPU share of one core, its peak RSS (VmHWM), and the
# latency of a report for a one-hour window (seeded with an hour of samples).
#
#   monitor/bench/run.sh [DURATION]
set -euo pipefail

DURATION=${1:-65}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/qos-ledger/target}
cargo build --release -q -p qos-monitor --manifest-path "$ROOT/Cargo.toml"
BIN=$CARGO_TARGET_DIR/release/qos-monitor

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORKLOAD_PORT=$(free_port)
API_PORT=$(free_port)
OPS_PORT=$(free_port)
mkdir -p "$WORK/www" && echo ok > "$WORK/www/index.html"
python3 -m http.server "$WORKLOAD_PORT" --bind 127.0.0.1 --directory "$WORK/www" >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  curl -fs -o /dev/null "http://127.0.0.1:$WORKLOAD_PORT/" && break
  sleep 0.1
done

head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$WORK/key.hex"
chmod 600 "$WORK/key.hex"
cat > "$WORK/monitor.toml" <<TOML
listen = "127.0.0.1:$API_PORT"
operations_listen = "127.0.0.1:$OPS_PORT"
agreement = 1
instance = 0
key_file = "$WORK/key.hex"
data_dir = "$WORK/data"
sampling_interval_ms = 1000
retention_hours = 168

[probe]
target = "http://127.0.0.1:$WORKLOAD_PORT/"
timeout_ms = 2000
TOML

now_ms() { date +%s%3N; }
# One hour of samples, ending two minutes ago.
HOUR_TO=$(( ($(now_ms) - 120000) / 1000 * 1000 ))
HOUR_FROM=$(( HOUR_TO - 3600000 ))
"$BIN" --config "$WORK/monitor.toml" seed-synthetic --from-ms "$HOUR_FROM" --to-ms "$HOUR_TO" 2>/dev/null

"$BIN" --config "$WORK/monitor.toml" 2>"$WORK/agent.log" &
AGENT=$!
PIDS+=($AGENT)
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$OPS_PORT/healthz" >/dev/null && break
  sleep 0.1
done

ticks() { awk '{print $14 + $15}' "/proc/$AGENT/stat"; }
HZ=$(getconf CLK_TCK)
T0=$(now_ms); C0=$(ticks)
sleep "$DURATION"
T1=$(now_ms); C1=$(ticks)
HWM=$(awk '/VmHWM/ {print $2}' "/proc/$AGENT/status")
RSS=$(awk '/VmRSS/ {print $2}' "/proc/$AGENT/status")
SAMPLES=$(curl -fs "http://127.0.0.1:$OPS_PORT/metrics" | awk '/^qos_monitor_samples_taken_total/ {print $2}')
FAILS=$(curl -fs "http://127.0.0.1:$OPS_PORT/metrics" | awk '/^qos_monitor_probe_failures_total/ {print $2}')

URL="http://127.0.0.1:$API_PORT/v1/report?agreement=1&period=0&from_ms=$HOUR_FROM&to_ms=$HOUR_TO"
curl -fs "$URL" > "$WORK/report.json"
for _ in $(seq 30); do curl -fs -o /dev/null -w '%{time_total}\n' "$URL"; done | sort -n > "$WORK/lat.txt"

python3 - "$WORK/report.json" "$WORK/lat.txt" <<PY
import json, sys
r = json.load(open(sys.argv[1]))
lat = [float(x) * 1000 for x in open(sys.argv[2])]
cpu = ($C1 - $C0) / $HZ / (($T1 - $T0) / 1000) * 100
print(f"sampling:      {$SAMPLES} samples in {($T1 - $T0) / 1000:.1f} s at 1 s, {$FAILS} probe failures")
print(f"cpu:           {cpu:.3f} % of one core ({$C1 - $C0} ticks at {$HZ} Hz)")
print(f"memory:        peak RSS (VmHWM) {$HWM} KiB, RSS now {$RSS} KiB")
print(f"1-hour report: samples={r['report']['samples']} expected={r['report']['expected_samples']} "
      f"p95={r['report']['latency_p95_ms']} ms, scale {len(r['scale']) // 2 - 1} bytes")
print(f"report latency over {len(lat)} calls: min {lat[0]:.1f} ms, median {lat[len(lat) // 2]:.1f} ms, max {lat[-1]:.1f} ms")
PY
