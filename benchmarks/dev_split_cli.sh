#!/usr/bin/env bash
# Score a detector on the dev split (the 75 PTC-dev ids) through the CLI only:
#   bash benchmarks/dev_split_cli.sh [hybrid|tagger|baseline] [DATA_ROOT]
# SI on the PTC dev texts; FLC, st3 and TC on the SemEval-2023 texts of the same articles.
set -euo pipefail
detector="${1:-hybrid}"
data="$(cd "${2:-${SPINSCOPE_DATA:-../shared/data}}" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
en="$data/semeval2023/en"
mkdir -p "$work/dev23"
for path in "$data"/ptc/dev-articles/article*.txt; do
    id="$(basename "$path" .txt)"; id="${id#article}"
    ln -s "$en/train-articles-subtask-3/article$id.txt" "$work/dev23/"
    cat "$en/train-labels-subtask-3-spans/article$id-labels-subtask-3.txt" >> "$work/flc.gold"
    cat "$en/train-labels-subtask-3/article$id-labels-subtask-3.txt" >> "$work/st3.gold"
    cat "$en/train-labels-subtask-3/article$id-labels-subtask-3.txt.template" >> "$work/st3.template"
done
run() {  # task articles gold [template]
    local task=$1 articles=$2 gold=$3 extra=()
    [ $# -ge 4 ] && extra=(--template "$4")
    spinscope predict --task "$task" --articles "$articles" --detector "$detector" \
        "${extra[@]}" -o "$work/$task.pred" 2>/dev/null
    printf '%-4s ' "$task"
    spinscope evaluate --task "$task" --gold "$gold" --pred "$work/$task.pred" --json |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(f"{k}={d[k]:.3f}" for k in ("precision","recall","f1","micro_f1","macro_f1") if k in d))'
}
echo "detector: $detector"
run si "$data/ptc/dev-articles" "$data/ptc/dev-task-si.labels"
run flc "$work/dev23" "$work/flc.gold"
run st3 "$work/dev23" "$work/st3.gold" "$work/st3.template"
run tc "$work/dev23" "$work/flc.gold" "$work/flc.gold"
