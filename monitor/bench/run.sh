#!/usr/bin/env bash
# Benchmark of qos-monitor (not a test). The release binary samples at 1 s
# against a local `python3 -m http.server` workload, on a store seeded with
# 25 hours of samples, in two phases:
#   1. sampling only, for DURATION seconds (default 120): CPU share of one
#      core, and bytes written to disk (/proc/PID/io write_bytes) per day;
#   2. still sampling, 200 reports of a one-hour window and 200 of a 24-hour
#      window, interleaved: p50/p99 latency of each, peak RSS (VmHWM) with
#      the reports served.
# Goals (issue 13): <= 0.5 % of one core, <= 15 MiB peak RSS, 1-hour p99
# <= 10 ms, 24-hour p99 <= 100 ms, <= 50 MiB written per day.
#
#   monitor/bench/run.sh [DURATION] [--baseline OLD_BINARY]
#
# --baseline benches an older qos-monitor (tiny_http, one listener, the
# hidden seed-synthetic command) the same way first, for a comparison in the
# same run.
set -euo pipefail

DURATION=120
BASELINE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) BASELINE="$2"; shift 2 ;;
    *) DURATION="$1"; shift ;;
  esac
done
CALLS=200
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/qos-ledger/target}
cargo build --release -q -p qos-monitor --manifest-path "$ROOT/Cargo.toml"
# The seeding tool is a separate binary of the `bench` feature: the monitor
# itself carries no way to write invented samples.
cargo build --release -q -p qos-monitor --features bench --bin qos-monitor-seed --bin qos-monitor-sign --manifest-path "$ROOT/Cargo.toml"
BIN=$CARGO_TARGET_DIR/release/qos-monitor
SEED=$CARGO_TARGET_DIR/release/qos-monitor-seed
# The benchmark's accounting node: its authorized-keys file and signed requests.
SIGN=$CARGO_TARGET_DIR/release/qos-monitor-sign

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
WORKLOAD_PORT=$(free_port)
mkdir -p "$WORK/www" && echo ok > "$WORK/www/index.html"
python3 -m http.server "$WORKLOAD_PORT" --bind 127.0.0.1 --directory "$WORK/www" >/dev/null 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do
  curl -fs -o /dev/null "http://127.0.0.1:$WORKLOAD_PORT/" && break
  sleep 0.1
done
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$WORK/key.hex"
chmod 600 "$WORK/key.hex"

# bench_one LABEL BINARY LEGACY(0|1)
bench_one() {
  local label=$1 bin=$2 legacy=$3
  local dir="$WORK/$label" api ops
  mkdir -p "$dir"
  api=$(free_port)
  ops=$(free_port)
  {
    echo "listen = \"127.0.0.1:$api\""
    [ "$legacy" = 1 ] || echo "operations_listen = \"127.0.0.1:$ops\""
    echo "agreement = 1"
    echo "instance = 0"
    echo "key_file = \"$WORK/key.hex\""
    # A monitor that authenticates its callers (older ones do not know the field).
    if "$bin" --help | grep -q -- --authorized-keys; then
      "$SIGN" authorized-keys --agreement 1 > "$dir/authorized-keys.json"
      echo "authorized_keys = \"$dir/authorized-keys.json\""
    fi
    echo "data_dir = \"$dir/data\""
    echo "sampling_interval_ms = 1000"
    echo "retention_hours = 168"
    echo "[probe]"
    echo "target = \"http://127.0.0.1:$WORKLOAD_PORT/\""
    echo "timeout_ms = 800"
  } > "$dir/monitor.toml"
  [ "$legacy" = 1 ] && ops=$api

  # 25 hours of samples, ending two minutes ago; windows end a minute before that.
  local seeded_to=$(( ($(now_ms) - 120000) / 1000 * 1000 ))
  local to=$(( seeded_to - 60000 ))
  if [ "$legacy" = 1 ]; then
    "$bin" --config "$dir/monitor.toml" seed-synthetic --from-ms $(( seeded_to - 90000000 )) --to-ms "$seeded_to" 2>/dev/null
  else
    "$SEED" --config "$dir/monitor.toml" --from-ms $(( seeded_to - 90000000 )) --to-ms "$seeded_to" 2>/dev/null
  fi

  "$bin" --config "$dir/monitor.toml" 2>"$dir/agent.log" &
  local agent=$!
  PIDS+=($agent)
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$ops/healthz" >/dev/null && break
    sleep 0.1
  done

  ticks() { awk '{print $14 + $15}' "/proc/$agent/stat"; }
  written() { awk '/^write_bytes/ {print $2}' "/proc/$agent/io"; }
  local t0 c0 w0 t1 c1 w1
  t0=$(now_ms); c0=$(ticks); w0=$(written)
  sleep "$DURATION"
  t1=$(now_ms); c1=$(ticks); w1=$(written)

  local hour="http://127.0.0.1:$api/v1/report?agreement=1&period=0&from_ms=$(( to - 3600000 ))&to_ms=$to"
  local day="http://127.0.0.1:$api/v1/report?agreement=1&period=0&from_ms=$(( to - 86400000 ))&to_ms=$to"
  # Signed once per window: a signature holds for 30 s, longer than the calls take.
  "$SIGN" headers --agreement 1 --instance 0 --period 0 --from-ms $(( to - 3600000 )) --to-ms "$to" > "$dir/hour.headers"
  "$SIGN" headers --agreement 1 --instance 0 --period 0 --from-ms $(( to - 86400000 )) --to-ms "$to" > "$dir/day.headers"
  curl -fs -H @"$dir/day.headers" "$day" > "$dir/day.json"
  for _ in $(seq "$CALLS"); do
    curl -fs -H @"$dir/hour.headers" -o /dev/null -w 'hour %{time_total}\n' "$hour"
    curl -fs -H @"$dir/day.headers" -o /dev/null -w 'day %{time_total}\n' "$day"
  done > "$dir/latency.txt"
  local hwm
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$agent/status")
  kill "$agent"
  wait "$agent" 2>/dev/null || true

  python3 - "$label" "$dir/latency.txt" "$dir/day.json" "$t0" "$t1" "$c0" "$c1" "$w0" "$w1" "$hwm" "$(getconf CLK_TCK)" <<'PY'
import json, sys
label, lat_file, day_file = sys.argv[1:4]
t0, t1, c0, c1, w0, w1, hwm, hz = map(int, sys.argv[4:12])
lat = {"hour": [], "day": []}
for line in open(lat_file):
    kind, seconds = line.split()
    lat[kind].append(float(seconds) * 1000)
def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
elapsed = (t1 - t0) / 1000
day = json.load(open(day_file))["report"]
result = {
    "binary": label,
    "cpu_percent_of_one_core": round((c1 - c0) / hz / elapsed * 100, 3),
    "written_mib_per_day": round((w1 - w0) / elapsed * 86400 / 2**20, 1),
    "peak_rss_mib": round(hwm / 1024, 1),
    "hour_report_ms": {"p50": round(pct(lat["hour"], 50), 2), "p99": round(pct(lat["hour"], 99), 2), "calls": len(lat["hour"])},
    "day_report_ms": {"p50": round(pct(lat["day"], 50), 2), "p99": round(pct(lat["day"], 99), 2), "calls": len(lat["day"])},
    "day_report_samples": day["samples"],
    "sampling_seconds": round(elapsed, 1),
}
print(f"{label:>9}: cpu {result['cpu_percent_of_one_core']:.3f} % of one core over {elapsed:.0f} s, "
      f"written {result['written_mib_per_day']} MiB/day, peak RSS {result['peak_rss_mib']} MiB, "
      f"1-h report p50/p99 {result['hour_report_ms']['p50']}/{result['hour_report_ms']['p99']} ms, "
      f"24-h report p50/p99 {result['day_report_ms']['p50']}/{result['day_report_ms']['p99']} ms "
      f"({len(lat['hour'])} + {len(lat['day'])} calls; 24-h report of {day['samples']} samples)")
print("json " + json.dumps(result))
PY
}

if [ -n "$BASELINE" ]; then bench_one baseline "$BASELINE" 1; fi
bench_one current "$BIN" 0
