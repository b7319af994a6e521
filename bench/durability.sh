#!/usr/bin/env bash
# Durability of acknowledged feedback: start `lmrec serve`, stream POST /v1/feedback from
# several clients, SIGKILL the server at a random moment, restart it, and check that every
# acknowledged event is in the store. Repeats RUNS times and prints one JSON object.
# Usage: bench/durability.sh [RUNS]   (LMREC=path/to/lmrec, default build/lmrec)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
lmrec=${LMREC:-build/lmrec}
work=${TMPDIR:-/tmp}/lmrec-durability
rm -rf "$work" && mkdir -p "$work"

# A small store: 200 users over 50 items, popularity model.
python3 -c '
import random
random.seed(1)
for u in range(200):
    print(u, *random.sample(range(1, 51), 8))' >"$work/seq.txt"
$lmrec --quiet import --format s3rec --input "$work/seq.txt" --store "$work/store.db" >/dev/null
$lmrec --quiet train --store "$work/store.db" --model popularity --split none \
  --out "$work/model" >/dev/null

RUNS=$runs LMREC_BIN=$lmrec WORK=$work CORES=$(nproc) python3 - <<'PY'
import http.client, json, os, random, signal, sqlite3, subprocess, threading, time
runs, lmrec, work = int(os.environ["RUNS"]), os.environ["LMREC_BIN"], os.environ["WORK"]
random.seed(42)

def start():
    p = subprocess.Popen([lmrec, "--quiet", "serve", "--store", f"{work}/store.db",
                          "--port", "0", "--http-threads", "8"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    assert line.startswith("listening "), line
    return p, int(line.split()[1])

def stored(user):
    db = sqlite3.connect(f"{work}/store.db")
    rows = db.execute("SELECT e.time FROM events e JOIN users u ON u.id = e.user_id "
                      "WHERE u.name = ?", (user,)).fetchall()
    db.close()
    return {r[0] for r in rows}

total_acked = total_found = total_lost = 0
proc, port = start()
for run in range(runs):
    user, acked, lock, seq = f"durable-{run}", set(), threading.Lock(), iter(range(1, 10**9))
    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while True:
            with lock:
                s = next(seq)
            body = json.dumps({"user": user, "item": str(s % 50 + 1), "time": s})
            try:
                conn.request("POST", "/v1/feedback", body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
            except Exception:
                return  # killed
            if r.status == 200:
                with lock:
                    acked.add(s)
    threads = [threading.Thread(target=client) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(random.uniform(0.2, 1.0))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    for t in threads:
        t.join()
    proc, port = start()  # the restart recovers the write-ahead log
    found = stored(user)
    lost = len(acked - found)
    total_acked += len(acked)
    total_found += len(found & acked)
    total_lost += lost
proc.send_signal(signal.SIGTERM)
proc.wait()
print(json.dumps({"benchmark": "durability", "runs": runs, "kill": "SIGKILL at a random moment",
                  "clients": 8, "acknowledged": total_acked, "found": total_found,
                  "lost": total_lost, "cores": int(os.environ["CORES"])}))
raise SystemExit(1 if total_lost else 0)
PY
