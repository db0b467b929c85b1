#!/usr/bin/env bash
# Runs the PyTorch reference measurements one after another (never two at once) and writes
# everything to the log given as first argument (default torch_bench.log).
# Usage, from the repository root:  nohup tools/bench/run_torch_bench.sh bench.log &
set -u
LOG=${1:-torch_bench.log}
PY=${PY:-/usr/bin/python3}
DATA=${DATA:-../shared/data/tinyshakespeare.txt}
T=tools/bench/torch_train.py
run() {  # run "<environment>" <args...>
  local envs=$1; shift
  echo "=== env: ${envs:-(none)} | args: $*" >>"$LOG"
  env $envs "$PY" "$T" --data "$DATA" "$@" >>"$LOG" 2>&1
  echo >>"$LOG"
}
{
  echo "=== $(date -u +%FT%TZ) $(lscpu | grep 'Model name' | sed 's/  */ /g')"
  "$PY" -c "import torch; print('torch', torch.__version__); print(torch.__config__.show())"
  "$PY" -c "import ctypes; l=ctypes.CDLL('libopenblas.so.0'); l.openblas_get_config.restype=ctypes.c_char_p; l.openblas_get_corename.restype=ctypes.c_char_p; print(l.openblas_get_config().decode(), '| core', l.openblas_get_corename().decode())"
} >>"$LOG" 2>&1

# Thread settings compared: by default PyTorch's OpenMP threads spin while OpenBLAS's own
# threads run a matrix product, so the two pools fight over the 2 cores.
# OMP_WAIT_POLICY=PASSIVE stops the spinning; OPENBLAS_NUM_THREADS=1 avoids the second pool.
SETTINGS=("" "OPENBLAS_CORETYPE=SkylakeX" "OPENBLAS_NUM_THREADS=1"
          "OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1" "OMP_WAIT_POLICY=PASSIVE"
          "OPENBLAS_CORETYPE=SkylakeX OMP_WAIT_POLICY=PASSIVE")
# 1. the full recipe, 2000 steps, with evaluation
run "OPENBLAS_CORETYPE=SkylakeX OMP_WAIT_POLICY=PASSIVE" --log-interval 100
run "OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1" --log-interval 100
run "OPENBLAS_CORETYPE=SkylakeX" --log-interval 100
# 2. step time of the small recipe under each setting (no evaluation)
for e in "${SETTINGS[@]}"; do
  run "$e" --steps 300 --no-eval --log-interval 100
done
# 3. GPT-2 small shape: 12 layers, 12 heads, 768 channels, context 256, batch 4, 65 characters
for e in "${SETTINGS[@]}"; do
  run "$e" --steps 8 --no-eval --n-layer 12 --n-head 12 --n-embd 768 --context 256 --batch 4
done
echo "=== done $(date -u +%FT%TZ)" >>"$LOG"
