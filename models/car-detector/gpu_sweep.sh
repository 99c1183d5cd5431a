#!/bin/bash
# Trains several car-detector variants at once on one GPU machine (16 CPU cores) and keeps what the README's
# sweep table needs. Usage, from the repository root:
#   models/car-detector/gpu_sweep.sh DATA_DIR OUT_DIR LIMIT_SECONDS "name:--flag value ..." ...
# Each variant runs train.py --device cuda --no-write --checkpoint; OUT_DIR gets logs.tar (every log and
# checkpoint record), the checkpoints (.npz) of the three best variants by validation mAP@0.5, and summary.txt.
set -u
data=$1 out=$2 limit=$3
shift 3
work=$(mktemp -d)
pids=()
for spec in "$@"; do
  name=${spec%%:*} flags=${spec#*:}
  # shellcheck disable=SC2086
  PYTHONUNBUFFERED=1 timeout "$limit" python3 models/car-detector/train.py --device cuda --no-write \
    --data-dir "$data" --checkpoint "$work/$name" $flags > "$work/$name.log" 2>&1 &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p"; done
python3 - "$work" "$out" <<'PY'
import glob, json, os, shutil, sys
work, out = sys.argv[1:]
rows = []
for log in sorted(glob.glob(os.path.join(work, "*.log"))):
    name = os.path.basename(log)[:-4]
    js = os.path.join(work, name + ".json")
    if os.path.exists(js):
        r = json.load(open(js))
        v = r["validation"]
        rows.append((v["mAP50"], name, "mAP50 %.4f  P %.4f  R %.4f  thr %.3f  train %.0fs  %s" % (
            v["mAP50"], v["precision"], v["recall"], v["scoreThreshold"], r["trainSeconds"], r["parameters"])))
    else:
        rows.append((-1, name, "no checkpoint (timed out or failed): " + open(log).read()[-300:]))
rows.sort(reverse=True)
with open(os.path.join(out, "summary.txt"), "w") as f:
    for _, name, text in rows:
        f.write("%-12s %s\n" % (name, text))
for _, name, _ in [r for r in rows if r[0] >= 0][:3]:
    shutil.copy(os.path.join(work, name + ".npz"), out)
print(open(os.path.join(out, "summary.txt")).read())
PY
tar -C "$work" -cf "$out/logs.tar" $(cd "$work" && ls *.log *.json 2>/dev/null)
