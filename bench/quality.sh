#!/usr/bin/env bash
# Quality under the standard protocol (leave-one-out by time, all items ranked, history
# excluded, option chosen on validation NDCG@10) on the shared public data sets.
# Usage: bench/quality.sh MODEL [--grid key=v1,v2 ...] [--set key=v ...]
# Prints one JSON object per data set, then an aligned table. DATASETS="beauty toys" picks a
# subset; LMREC, LMREC_DATA and TMPDIR locate the binary, the data and the work folder.
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:?usage: bench/quality.sh MODEL [train options]}
shift
data=${LMREC_DATA:-../shared/data}
lmrec=${LMREC:-build/lmrec}
work=${TMPDIR:-/tmp}/lmrec-quality
mkdir -p "$work"
[ -d "$data" ] || { echo "skipped: no data at $data" >&2; exit 0; }

declare -A inputs=(
  [ml-100k]="--format movielens-100k --input $data/ml-100k"
  [ml-latest-small]="--format movielens --input $data/ml-latest-small"
  [beauty]="--format s3rec --input $data/amazon/beauty.txt"
  [toys]="--format s3rec --input $data/amazon/toys.txt"
)
rows=()
for name in ${DATASETS:-ml-100k ml-latest-small beauty toys}; do
  lmd="$work/$name.lmd"
  [ -s "$lmd" ] || $lmrec --quiet import ${inputs[$name]} --out "$lmd" >/dev/null
  start=$(date +%s.%N)
  if ! err=$($lmrec --quiet train --data "$lmd" --model "$model" "$@" --out "$work/$name.$model" 2>&1 >/dev/null); then
    # A model that cannot run on this data (e.g. mf without ratings) is reported, not fatal.
    echo "{\"benchmark\": \"quality\", \"data\": \"$name\", \"model\": \"$model\", \"skipped\": \"${err//\"/\'}\"}" >&2
    continue
  fi
  end=$(date +%s.%N)
  result=$($lmrec --quiet eval --data "$lmd" --model "$work/$name.$model" --json)
  line=$(RESULT="$result" CORES=$(nproc) python3 - "$name" "$model" "$start" "$end" "$work/$name.$model/config.json" "$*" <<'PY'
import json, os, sys
name, model, start, end, cfg, args = sys.argv[1:]
r = json.loads(os.environ["RESULT"])
c = json.load(open(cfg))
print(json.dumps({"benchmark": "quality", "data": name, "model": model, "train_args": args,
                  "options": c["options"], "train_seconds": round(float(end) - float(start), 2),
                  "cores": int(os.environ["CORES"]), "valid_NDCG@10": r["valid"]["NDCG@10"],
                  **{k: r["test"][k] for k in ["HR@5", "NDCG@5", "HR@10", "NDCG@10", "HR@20", "NDCG@20"]}}))
PY
)
  echo "$line"
  rows+=("$line")
done
printf '%s\n' "${rows[@]}" | python3 -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
keys = ["HR@5", "NDCG@5", "HR@10", "NDCG@10", "HR@20", "NDCG@20"]
print("%-16s %-24s" % ("data", "options") + "".join("%9s" % k for k in keys) + "%9s" % "train_s")
for r in rows:
    opts = ",".join("%s=%s" % kv for kv in r["options"].items())
    print("%-16s %-24s" % (r["data"], opts[:24]) + "".join("%9.4f" % r[k] for k in keys) + "%9.1f" % r["train_seconds"])
'
