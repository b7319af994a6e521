#!/usr/bin/env bash
# Serving speed: wrk against GET /v1/recommend?k=10 (users drawn round-robin from the data)
# next to a bare cpp-httplib endpoint returning fixed JSON (bench_bare_http), in the same run
# and under the same wrk settings; then freshness, the time from POST /v1/feedback to a changed
# /v1/recommend answer, and POST /v1/feedback throughput (every answer after a durable commit).
# Models are trained on ml-latest-small imported into a store.
# Usage: bench/serve_load.sh [MODEL[:key=v,...] ...]   (default: ease:lambda=500 ials)
# Env: LMREC (build/lmrec), BARE (build/bench_bare_http), DURATION (10s), CONNECTIONS (8),
# CACHE_TTL_MS (the server's result cache; 0 measures every request scored from scratch).
set -euo pipefail
cd "$(dirname "$0")/.."
lmrec=${LMREC:-build/lmrec}
bare=${BARE:-$(dirname "$lmrec")/bench_bare_http}
data=${LMREC_DATA:-../shared/data}/ml-latest-small
duration=${DURATION:-10s}
conns=${CONNECTIONS:-8}
cache_ttl=${CACHE_TTL_MS:-2000}
work=${TMPDIR:-/tmp}/lmrec-serve-load
mkdir -p "$work"
[ -d "$data" ] || { echo "skipped: no data at $data" >&2; exit 0; }
command -v wrk >/dev/null || { echo "wrk is not installed (scripts/setup)" >&2; exit 1; }
models=("$@")
[ ${#models[@]} -gt 0 ] || models=("ease:lambda=500" "ials")

store="$work/ml.db"
[ -s "$store" ] || $lmrec --quiet import --format movielens --input "$data" --store "$store" >/dev/null
users=$(sqlite3 "$store" "SELECT COUNT(*) FROM users")
cat >"$work/users.lua" <<LUA
n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/v1/recommend?k=10&user=" .. ((n * 7919) % $users + 1))
end
LUA
cat >"$work/feedback.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
n = 0
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"user": "load-' .. (n % 997) .. '", "item": "1"}')
end
LUA

# Prints requests/s, p50 and p99 (ms) of one wrk run as JSON.
run_wrk() {
  wrk -t1 -c"$conns" -d"$duration" --latency "$@" 2>&1 | python3 -c '
import json, re, sys
text = sys.stdin.read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(\w+)", v).groups()
    return round(float(n) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit], 3)
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(json.dumps({"qps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
                  "p50_ms": ms(lat["50"]), "p99_ms": ms(lat["99"]),
                  "non_2xx": int(errors.group(1)) if errors else 0}))'
}

wait_port() { # prints the port from a server's "listening PORT" line
  local log=$1
  for _ in $(seq 200); do
    grep -q '^listening' "$log" 2>/dev/null && { awk '/^listening/{print $2}' "$log"; return; }
    sleep 0.1
  done
  echo "server did not start: $(cat "$log")" >&2; exit 1
}

for spec in "${models[@]}"; do
  name=${spec%%:*}
  sets=()
  if [ "$spec" != "$name" ]; then
    IFS=, read -ra kvs <<<"${spec#*:}"
    for kv in "${kvs[@]}"; do sets+=(--set "$kv"); done
  fi
  model="$work/model-${spec//[:,=]/_}"
  start=$(date +%s)
  [ -s "$model/config.json" ] ||
    $lmrec --quiet train --store "$store" --model "$name" "${sets[@]}" --out "$model" >/dev/null
  train_s=$(( $(date +%s) - start ))

  $bare --port 0 --threads 16 >"$work/bare.log" 2>&1 &
  bare_pid=$!
  bare_port=$(wait_port "$work/bare.log")
  cp "$store" "$work/serve.db"  # feedback from the freshness probe stays out of the data
  $lmrec --quiet serve --store "$work/serve.db" --model "$model" --port 0 --http-threads 16 \
    --cache-ttl-ms "$cache_ttl" >"$work/serve.log" 2>"$work/serve.err" &
  serve_pid=$!
  serve_port=$(wait_port "$work/serve.log")

  curl -sf "http://127.0.0.1:$serve_port/v1/recommend?user=1&k=10" >/dev/null
  bare_result=$(run_wrk "http://127.0.0.1:$bare_port/")
  rec_result=$(run_wrk -s "$work/users.lua" "http://127.0.0.1:$serve_port")
  feedback_result=$(run_wrk -s "$work/feedback.lua" "http://127.0.0.1:$serve_port/v1/feedback")
  fresh=$(PORT=$serve_port python3 -c '
import http.client, json, os, statistics, time
c = http.client.HTTPConnection("127.0.0.1", int(os.environ["PORT"]))
def call(method, path, body=None):
    c.request(method, path, body, {"Content-Type": "application/json"})
    r = c.getresponse()
    return r.status, r.read()
times = []
for k in range(50):
    user = "fresh-%d-%d" % (os.getpid(), k)
    _, before = call("GET", "/v1/recommend?k=10&user=" + user)
    t0 = time.perf_counter()
    status, _ = call("POST", "/v1/feedback", json.dumps({"user": user, "item": str([1, 260, 2571, 318, 593][k % 5])}))
    assert status == 200
    while call("GET", "/v1/recommend?k=10&user=" + user)[1] == before:
        pass
    times.append((time.perf_counter() - t0) * 1e3)
print(json.dumps({"median_ms": round(statistics.median(times), 3), "max_ms": round(max(times), 3), "n": len(times)}))')
  kill -TERM "$serve_pid" "$bare_pid"
  wait "$serve_pid" "$bare_pid" 2>/dev/null || true

  RESULT_BARE=$bare_result RESULT_REC=$rec_result FRESH=$fresh FEEDBACK=$feedback_result python3 -c '
import json, os, sys
b, r, f = (json.loads(os.environ[k]) for k in ("RESULT_BARE", "RESULT_REC", "FRESH"))
print(json.dumps({"benchmark": "serve_load", "data": "ml-latest-small", "model": sys.argv[1],
                  "train_seconds": int(sys.argv[2]), "wrk": "-t1 -c%s -d%s" % (sys.argv[3], sys.argv[4]), "cache_ttl_ms": int(sys.argv[5]),
                  "recommend_k10": r, "bare_http": b, "qps_ratio": round(r["qps"] / b["qps"], 3),
                  "feedback_post": json.loads(os.environ["FEEDBACK"]), "freshness": f, "cores": os.cpu_count(), "load": open("/proc/loadavg").read().split()[:3]}))' \
    "$spec" "$train_s" "$conns" "$duration" "$cache_ttl"
done
