#!/usr/bin/env bash
# Generation speed of `decoder4j sample` (with and without the key/value cache) against Hugging Face
# generate on the same model directory: NUM samples of NEW new tokens, start-up subtracted (a run
# of one token is timed and taken off). Usage, from the repository root:
#   tools/bench/generation_speed.sh MODEL_DIR [NUM] [NEW]
#   TORCH=V/bin/python (a python with torch and transformers; skipped if it has none)
set -euo pipefail
MODEL=$1
NUM=${2:-20}
NEW=${3:-63}
JAR=${JAR:-target/decoder4j-cli.jar}
TORCH=${TORCH:-V/bin/python}
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >/dev/null 2>&1; t1=$(date +%s.%N); awk -v a="$t0" -v b="$t1" 'BEGIN {print b - a}'; }
for cache in "" "--no-cache"; do
  base=$(seconds java -jar "$JAR" sample --model "$MODEL" --num-samples 1 --max-new-tokens 1 $cache)
  full=$(seconds java -jar "$JAR" sample --model "$MODEL" --num-samples "$NUM" --max-new-tokens "$NEW" $cache)
  echo "decoder4j sample ${cache:-(cache)}: $(awk -v n=$((NUM * NEW)) -v f="$full" -v b="$base" \
      'BEGIN {printf "%.0f tokens/s (%.2f s for %d tokens, start-up %.2f s)", n / (f - b), f - b, n, b}')"
done
if [ -x "$TORCH" ] && "$TORCH" -c 'import transformers' 2>/dev/null; then
  "$TORCH" tools/bench/hf_generate.py "$MODEL" "$NUM" "$NEW" | tail -1 | sed 's/^/hugging face generate: /'
fi
