#!/usr/bin/env python3
"""Times fine-tuning steps of a GPT-2 model directory with PyTorch, nanoGPT style, on GPT-2 tokens:
the PyTorch side of tools/bench/finetune_gpt2.sh.

    V/bin/python tools/bench/torch_finetune_gpt2.py --model DIR --data data/shakespeare-gpt2/train.bin \\
        --batch 1 --context 1024 --precision fp32 --steps 3

What a step is (as nanoGPT's finetune_shakespeare configures it, without gradient accumulation):
B random windows of T tokens from the uint16 token file, forward, mean cross-entropy, backward,
gradient clipping at 1.0, AdamW (lr 3e-5 constant, betas 0.9/0.95, weight decay 0.1 on matrices
only), zero_grad. bf16: the forward pass and the loss run under torch.autocast("cpu",
dtype=torch.bfloat16), the weights and the optimizer stay float32. The model is the GPT-2 module
of tools/fixtures/gpt2_ref.py (nanoGPT's layout, the Hugging Face tensor names) with nanoGPT's
fused kernels (scaled_dot_product_attention, PyTorch's tanh GELU), loaded from config.json +
model.safetensors. Prints each step's time, the median after the first (warm-up)
step, tokens/s and the peak resident memory.
"""

import argparse
import os
import resource
import statistics
import sys
import time
import types

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from gpt2_ref import FUSED_ACTIVATIONS, adamw_groups, load_model_dir  # noqa: E402


def sdpa_attention(self, x):
    """nanoGPT's attention: one fused scaled_dot_product_attention call with the causal mask."""
    b, t, c = x.shape
    q, k, v = self.c_attn(x).split(c, dim=2)
    q, k, v = (z.view(b, t, self.n_head, c // self.n_head).transpose(1, 2) for z in (q, k, v))   # (B, nh, T, hs)
    y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
    return self.c_proj(y.transpose(1, 2).contiguous().view(b, t, c))


def as_nanogpt(model, cfg):
    """The reference module with nanoGPT's fused kernels: SDPA attention and PyTorch's tanh GELU."""
    for block in model.h:
        block.attn.forward = types.MethodType(sdpa_attention, block.attn)
        block.mlp.act = FUSED_ACTIVATIONS[cfg.get("activation_function", "gelu_new")]
    return model


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", required=True, help="a GPT-2 model directory (a snapshot folder works)")
    ap.add_argument("--data", required=True, help="uint16 GPT-2 token file, e.g. train.bin from prepare --tokenizer gpt2")
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--context", type=int, default=1024)
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    ap.add_argument("--steps", type=int, default=3, help="timed steps, after one warm-up step")
    ap.add_argument("--lr", type=float, default=3e-5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1337)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)

    model, cfg = load_model_dir(a.model, dtype=torch.float32)
    model = as_nanogpt(model, cfg)
    model.train()
    data = torch.from_numpy(np.fromfile(a.data, dtype=np.uint16).astype(np.int64))
    opt = torch.optim.AdamW(adamw_groups(model, 0.1), lr=a.lr, betas=(0.9, 0.95), eps=1e-8)
    params = sum(p.numel() for p in model.parameters())
    print(f"model {a.model}: {params / 1e6:.1f} M parameters; data {len(data)} tokens; "
          f"batch {a.batch}, context {a.context}, {a.precision}, torch {torch.__version__}, {a.threads} threads")

    times = []
    for step in range(a.steps + 1):
        t0 = time.perf_counter()
        ix = torch.randint(len(data) - a.context - 1, (a.batch,))
        x = torch.stack([data[i:i + a.context] for i in ix])                 # (B, T)
        y = torch.stack([data[i + 1:i + 1 + a.context] for i in ix])
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            logits = model(x)                                                 # (B, T, V)
            loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)).float(), y.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        dt = time.perf_counter() - t0
        if step > 0:
            times.append(dt)
        print(f"step {step}{' (warm-up)' if step == 0 else ''}: loss {loss.item():.4f}, {dt:.2f} s", flush=True)
    median = statistics.median(times)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"median step {median:.2f} s, {a.batch * a.context / median:.0f} tokens/s, peak RSS {rss:.2f} GB")


if __name__ == "__main__":
    main()
