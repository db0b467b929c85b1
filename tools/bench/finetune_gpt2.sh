#!/usr/bin/env bash
# Fine-tuning GPT-2 (124M by default) on Tiny Shakespeare in GPT-2 tokens: step time and peak memory
# of decoder4j and of PyTorch (a nanoGPT-style model and step, tools/bench/torch_finetune_gpt2.py),
# side by side, at batch 1 and 4, context 1024 and 256, fp32 and bf16.
#
# Usage, from the repository root, after `mvn -q package -DskipTests`:
#   tools/bench/finetune_gpt2.sh [STEPS]                 # timed steps per run, after one warm-up step
#   SIZE=medium BATCHES=1 CONTEXTS=1024 PRECISIONS=bf16 tools/bench/finetune_gpt2.sh 2
# Settings (environment):
#   SIZE        small (124M, default), medium (355M) or large (774M)
#   BATCHES     "1 4"; CONTEXTS "1024 256"; PRECISIONS "fp32 bf16"
#   TORCH       a python with PyTorch 2.x and numpy (default V/bin/python)
#   JAR         the command line (default target/decoder4j-cli.jar)
#   CACHE       the Hugging Face cache the random checkpoint is written into (default bench/hub)
#   CORPUS      Tiny Shakespeare (default ../shared/data/tinyshakespeare.txt)
#   TOKENS      its GPT-2 tokens, made with `decoder4j prepare --tokenizer gpt2` if missing
#               (default data/shakespeare-gpt2)
# What runs: tools/bench/make_hub_checkpoint.py writes a random-weights GPT-2 of SIZE into CACHE as the
# Hub repository bench/gpt2-SIZE-random; PyTorch loads it from the snapshot folder and times its
# fine-tuning steps; decoder4j's `bench` times its training step at the same shape (the weights' values
# do not change the time). Both use 2 threads, one after the other, never at the same time.
set -euo pipefail
STEPS=${1:-3}
SIZE=${SIZE:-small}
BATCHES=${BATCHES:-1 4}
CONTEXTS=${CONTEXTS:-1024 256}
PRECISIONS=${PRECISIONS:-fp32 bf16}
TORCH=${TORCH:-V/bin/python}
JAR=${JAR:-target/decoder4j-cli.jar}
CACHE=${CACHE:-bench/hub}
CORPUS=${CORPUS:-../shared/data/tinyshakespeare.txt}
TOKENS=${TOKENS:-data/shakespeare-gpt2}
case "$SIZE" in
  small) SHAPE=(--layers 12 --heads 12 --embd 768) ;;
  medium) SHAPE=(--layers 24 --heads 16 --embd 1024) ;;
  large) SHAPE=(--layers 36 --heads 20 --embd 1280) ;;
  *) echo "unknown SIZE $SIZE: small, medium or large" >&2; exit 2 ;;
esac
[ -f "$JAR" ] || { echo "$JAR not found: build it with mvn -q package -DskipTests (or set JAR)" >&2; exit 2; }
"$TORCH" -c 'import torch, numpy' 2>/dev/null || { echo "no PyTorch at $TORCH (set TORCH)" >&2; exit 2; }
if [ ! -f "$TOKENS/train.bin" ]; then
  java -jar "$JAR" prepare --input "$CORPUS" --tokenizer gpt2 --out "$TOKENS"
fi
REPO="bench/gpt2-$SIZE-random"
FOLDER="$CACHE/models--bench--gpt2-$SIZE-random"
if [ ! -f "$FOLDER/refs/main" ]; then
  "$TORCH" tools/bench/make_hub_checkpoint.py --cache "$CACHE" --size "$SIZE"
fi
SNAPSHOT="$FOLDER/snapshots/$(cat "$FOLDER/refs/main")"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $REPO, $STEPS timed steps per run"
echo "pytorch: $("$TORCH" -c 'import torch; print(torch.__version__)')"
printf '%-6s %-8s %-5s | %-26s | %-26s\n' batch context prec "decoder4j s/step, peak GB" "pytorch s/step, peak GB"
for B in $BATCHES; do
  for T in $CONTEXTS; do
    for P in $PRECISIONS; do
      torch_line=$(OPENBLAS_CORETYPE=SkylakeX "$TORCH" tools/bench/torch_finetune_gpt2.py --model "$SNAPSHOT" \
          --data "$TOKENS/train.bin" --batch "$B" --context "$T" --precision "$P" --steps "$STEPS" 2>&1 | tail -1)
      t_s=$(sed -n 's/^median step \([0-9.]*\) s.*/\1/p' <<<"$torch_line")
      t_gb=$(sed -n 's/.*peak RSS \([0-9.]*\) GB.*/\1/p' <<<"$torch_line")
      json=$(java -jar "$JAR" bench "${SHAPE[@]}" --vocab-size 50257 --context "$T" --batch-size "$B" \
          --steps "$STEPS" --warmup 1 --precision "$P" --json 2>/dev/null | tail -1)
      d_s=$(sed -n 's/.*"median_step_ms":\([0-9.]*\).*/\1/p' <<<"$json" | awk '{printf "%.2f", $1 / 1000}')
      d_gb=$(sed -n 's/.*"peak_rss_mb":\([0-9]*\).*/\1/p' <<<"$json" | awk '{printf "%.2f", $1 / 1024}')
      printf '%-6s %-8s %-5s | %-26s | %-26s\n' "$B" "$T" "$P" "${d_s:-failed} s, ${d_gb:-?} GB" \
          "${t_s:-failed} s, ${t_gb:-?} GB"
    done
  done
done
