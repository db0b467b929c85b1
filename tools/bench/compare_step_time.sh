#!/usr/bin/env bash
# Median training-step time of the Shakespeare character recipe (4 layers, 4 heads, 128 channels,
# context 64, batch 12), decoder4j against the PyTorch loop in torch_train.py, run one after the
# other ROUNDS times on the same machine; prints each median and the ratio of their medians.
# Usage, from the repository root, after `mvn -q package -DskipTests`:
#   tools/bench/compare_step_time.sh [ROUNDS] [STEPS]
#   RECIPE=gpt2small tools/bench/compare_step_time.sh 2 20     # 12 layers, 12 heads, 768 channels,
#                                                              # context 256, batch 4, vocabulary 65
#   JAR=target/decoder4j-onednn.jar tools/bench/compare_step_time.sh   # another build of the command line
# PyTorch runs with its fastest thread settings measured here (below); decoder4j with its defaults.
# Both get the same OPENBLAS_CORETYPE (SkylakeX unless CORETYPE says otherwise): a value inherited
# from the environment would otherwise apply to one side only.
set -euo pipefail
ROUNDS=${1:-2}
STEPS=${2:-300}
DATA=${DATA:-../shared/data/tinyshakespeare.txt}
PY=${PY:-/usr/bin/python3}
RECIPE=${RECIPE:-shakespeare}
JAR=${JAR:-target/decoder4j-cli.jar}
CORETYPE=${CORETYPE:-SkylakeX}
# PyTorch's fastest thread settings for each recipe, measured here: on the small recipe one BLAS
# thread (OpenMP's default wait policy), on the large one two BLAS threads with OMP_WAIT_POLICY=PASSIVE
# (one thread: 3.8 s; two with OpenMP's threads spinning: 7.7 s; two passive: 2.9 s per step).
case "$RECIPE" in
  shakespeare) TORCH_SHAPE=(); OUR_SHAPE=(); TORCH_ENV=(OPENBLAS_NUM_THREADS=1) ;;
  gpt2small)
    TORCH_ENV=(OPENBLAS_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE)
    TORCH_SHAPE=(--n-layer 12 --n-head 12 --n-embd 768 --context 256 --batch 4)
    OUR_SHAPE=(--layers 12 --heads 12 --embd 768 --context 256 --batch-size 4) ;;
  *) echo "unknown RECIPE $RECIPE: shakespeare or gpt2small" >&2; exit 2 ;;
esac
if ! "$PY" -c 'import torch' 2>/dev/null; then
  echo "$PY cannot import torch: install Debian's python3-torch with OpenBLAS (apt-get install python3-torch python3-numpy libopenblas0-pthread; without OpenBLAS it runs on the reference BLAS, ~10x slower) or set PY" >&2
  exit 2
fi
if [ ! -f "$JAR" ]; then
  echo "$JAR not found: build it with mvn -q package -DskipTests (or set JAR)" >&2
  exit 2
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
java -Xmx512m -jar "$JAR" prepare --input "$DATA" --out "$WORK/data" >/dev/null 2>&1
ours=()
theirs=()
for round in $(seq 1 "$ROUNDS"); do
  t=$(env OPENBLAS_CORETYPE="$CORETYPE" "${TORCH_ENV[@]}" "$PY" tools/bench/torch_train.py --data "$DATA" \
        "${TORCH_SHAPE[@]}" --steps "$STEPS" --no-eval --log-interval 100000 2>&1 | sed -n 's/^median step \([0-9.]*\) ms.*/\1/p')
  o=$(OPENBLAS_CORETYPE=$CORETYPE java -Xmx512m -jar "$JAR" train --data "$WORK/data/train.bin" --out "$WORK/out" \
        "${OUR_SHAPE[@]}" --steps "$STEPS" --eval-every 0 --sample-tokens 0 --log-every 100000 2>&1 | sed -n 's/.*median step \([0-9.]*\) ms.*/\1/p')
  echo "round $round: pytorch ${t} ms/step, decoder4j ${o} ms/step"
  theirs+=("$t")
  ours+=("$o")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mt=$(median "${theirs[@]}")
mo=$(median "${ours[@]}")
echo "median of medians: pytorch $mt ms, decoder4j $mo ms, ratio decoder4j/pytorch $(awk -v a="$mo" -v b="$mt" 'BEGIN {printf "%.2f", a / b}')"
