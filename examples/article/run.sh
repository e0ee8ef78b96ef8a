#!/usr/bin/env bash
# Runs the article's comparisons (this folder's sweeps) on the embedded stack and pulls their reports
# into examples/article/reports/. About 40-60 minutes on a 2-core machine; see README.md here.
#   examples/article/run.sh                 every sweep
#   examples/article/run.sh seeds qlora     only these comparisons (both data sets)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/examples/article"
DATA="${LORA_TEST_DATA:-$ROOT/../shared/data}"
STORIES="${LORA_STORIES_DIR:-$DATA/models/stories260K}"
ALPACA="$DATA/instruct/alpaca_en_demo.json"
lora() { "$ROOT/lora" "$@"; }

for f in "$STORIES/stories260K.bin" "$STORIES/tok512.bin" "$ALPACA"; do
  [ -f "$f" ] || { echo "missing $f: set LORA_TEST_DATA to the test data folder (see the README's 'Test data')" >&2; exit 2; }
done

lora stack up
export LORA_SKIP_BUILD=1 # built by the first command
lora import --llama2c "$STORIES/stories260K.bin" --tokenizer "$STORIES/tok512.bin" --name stories260K --force
lora upload "$ROOT"/examples/stories-instruct/*.jsonl s3://lora/data/stories-instruct/
lora upload "$ALPACA" s3://lora/data/alpaca/

comparisons=("$@")
[ ${#comparisons[@]} -gt 0 ] || comparisons=(seeds qlora optimizer-schedule epochs targets rank-alpha per-layer-ranks)
ids=()
for c in "${comparisons[@]}"; do
  for set in stories alpaca; do
    ids+=("$(lora sweep submit "$HERE/$c-$set.json")")
  done
done
# the stages take the runs in the order they were published: watch each sweep to its end in that order
for id in "${ids[@]}"; do
  lora sweep watch "$id" --timeout 2h
  lora sweep report "$id" "$HERE/reports/$id"
done
echo "reports in $HERE/reports/ (report.md in each folder)"
