#!/usr/bin/env bash
# Training-step time and peak memory, decoder4j against PyTorch, side by side: each round runs every
# PyTorch found and decoder4j one after the other, in each precision; prints every median, then the
# median over rounds, the ratios decoder4j / PyTorch and the peak resident memory of each.
#
# Usage, from the repository root, after `mvn -q package -DskipTests`:
#   tools/bench/compare_step_time.sh [ROUNDS] [STEPS]
#   RECIPE=gpt2small tools/bench/compare_step_time.sh 2 6    # 12 layers, 12 heads, 768 channels,
#                                                            # context 256, batch 4, vocabulary 65
# Settings (environment):
#   PRECISIONS  "fp32 bf16" (default) or one of them; bf16 is torch.autocast on PyTorch's side
#   TORCH       a python with PyTorch 2.x, e.g. a venv made with
#               python3 -m venv V && V/bin/pip install torch==2.13.0 numpy   (default: V/bin/python)
#   TORCH_OLD   Debian's PyTorch 1.13 (default /usr/bin/python3), fp32 only; skipped if absent
#   JAR         the command line to measure (default target/decoder4j-cli.jar)
#   DATA        Tiny Shakespeare for PyTorch's vocabulary (default ../shared/data/tinyshakespeare.txt)
#   WARMUP      steps each side runs before the STEPS it times (default 100 for the Shakespeare recipe,
#               6 for gpt2small): the JVM compiles the step's code during its first tens of steps
#               (about 50 of the recipe's, 5 of gpt2small's), and steps until then are up to half
#               again as slow; PyTorch leaves the same number out of its median
# PyTorch runs with its own defaults (2 threads here); decoder4j with its defaults. OPENBLAS_CORETYPE
# is set to the same value for both (SkylakeX unless CORETYPE says otherwise): Debian's PyTorch uses
# OpenBLAS, and decoder4j's float64 and fallback products do.
set -euo pipefail
ROUNDS=${1:-2}
STEPS=${2:-100}
RECIPE=${RECIPE:-shakespeare}
PRECISIONS=${PRECISIONS:-fp32 bf16}
TORCH=${TORCH:-V/bin/python}
TORCH_OLD=${TORCH_OLD:-/usr/bin/python3}
JAR=${JAR:-target/decoder4j-cli.jar}
DATA=${DATA:-../shared/data/tinyshakespeare.txt}
CORETYPE=${CORETYPE:-SkylakeX}
case "$RECIPE" in
  shakespeare) TORCH_SHAPE=(); OUR_SHAPE=(); WARMUP=${WARMUP:-100} ;;
  gpt2small)
    TORCH_SHAPE=(--n-layer 12 --n-head 12 --n-embd 768 --context 256 --batch 4)
    OUR_SHAPE=(--layers 12 --heads 12 --embd 768 --context 256 --batch-size 4)
    WARMUP=${WARMUP:-6} ;;
  *) echo "unknown RECIPE $RECIPE: shakespeare or gpt2small" >&2; exit 2 ;;
esac
if [ ! -f "$JAR" ]; then
  echo "$JAR not found: build it with mvn -q package -DskipTests (or set JAR)" >&2
  exit 2
fi
torches=()
for py in "$TORCH" "$TORCH_OLD"; do
  if [ -x "$py" ] && "$py" -c 'import torch' 2>/dev/null; then
    torches+=("$py")
  fi
done
if [ "${#torches[@]}" -eq 0 ]; then
  echo "no PyTorch found at $TORCH or $TORCH_OLD (see the usage at the top of this script)" >&2
  exit 2
fi
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; recipe $RECIPE, $STEPS steps timed after $WARMUP"
echo "decoder4j: $(java -jar "$JAR" bench --layers 1 --heads 1 --embd 8 --context 4 --batch-size 1 --steps 1 \
    --warmup 0 2>/dev/null | sed -n 's/^engine: //p')"
for py in "${torches[@]}"; do
  echo "pytorch: $py, torch $("$py" -c 'import torch; print(torch.__version__)')"
done
for round in $(seq 1 "$ROUNDS"); do
  for precision in $PRECISIONS; do
    for py in "${torches[@]}"; do
      version=$("$py" -c 'import torch; print(torch.__version__.split("+")[0])')
      if [ "$precision" = bf16 ] && [ "${version%%.*}" = 1 ]; then
        continue                                         # CPU autocast in 1.13 is not worth timing
      fi
      line=$(env OPENBLAS_CORETYPE="$CORETYPE" "$py" tools/bench/torch_train.py --data "$DATA" "${TORCH_SHAPE[@]}" \
          --steps $((STEPS + WARMUP)) --untimed "$WARMUP" --no-eval --log-interval 100000 --precision "$precision" \
          2>&1 | tail -1)
      ms=$(sed -n 's/^median step \([0-9.]*\) ms.*/\1/p' <<<"$line")
      rss=$(sed -n 's/.*peak RSS \([0-9]*\) MB.*/\1/p' <<<"$line")
      echo "round $round $precision: pytorch $version ${ms} ms/step, peak ${rss} MB"
      echo "pytorch-$version $precision $ms $rss" >>"$RESULTS"
    done
    json=$(OPENBLAS_CORETYPE=$CORETYPE java -jar "$JAR" bench "${OUR_SHAPE[@]}" --steps "$STEPS" --warmup "$WARMUP" \
        --precision "$precision" --json 2>/dev/null | tail -1)
    ms=$(sed -n 's/.*"median_step_ms":\([0-9.]*\).*/\1/p' <<<"$json" | awk '{printf "%.1f", $1}')
    rss=$(sed -n 's/.*"peak_rss_mb":\([0-9]*\).*/\1/p' <<<"$json")
    echo "round $round $precision: decoder4j ${ms} ms/step, peak ${rss} MB"
    echo "decoder4j $precision $ms $rss" >>"$RESULTS"
  done
done
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
echo "medians over $ROUNDS rounds (ms/step, peak MB; ratios decoder4j / PyTorch):"
for precision in $PRECISIONS; do
  ours=$(awk -v p="$precision" '$1 == "decoder4j" && $2 == p {print $3}' "$RESULTS" | median)
  ours_rss=$(awk -v p="$precision" '$1 == "decoder4j" && $2 == p {print $4}' "$RESULTS" | median)
  echo "  $precision decoder4j: $ours ms, $ours_rss MB"
  for who in $(awk -v p="$precision" '$1 != "decoder4j" && $2 == p {print $1}' "$RESULTS" | sort -u); do
    theirs=$(awk -v p="$precision" -v w="$who" '$1 == w && $2 == p {print $3}' "$RESULTS" | median)
    theirs_rss=$(awk -v p="$precision" -v w="$who" '$1 == w && $2 == p {print $4}' "$RESULTS" | median)
    echo "  $precision $who: $theirs ms, $theirs_rss MB; ratio time $(awk -v a="$ours" -v b="$theirs" \
        'BEGIN {printf "%.2f", a / b}'), memory $(awk -v a="$ours_rss" -v b="$theirs_rss" 'BEGIN {printf "%.2f", a / b}')"
  done
done
