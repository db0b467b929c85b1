#!/usr/bin/env python3
"""PyTorch reference timing: character-level GPT training on Tiny Shakespeare.

The defaults are the small CPU recipe (4 layers, 4 heads, 128 channels, context 64, batch 12,
2000 steps, AdamW lr 1e-3 with 100 warmup steps then cosine to 1e-4 at step 2000, betas
0.9/0.99, weight decay 0.1 on matrices and embeddings, gradient clipping at 1.0, no dropout).

    OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 tools/bench/torch_train.py \
        --data ../shared/data/tinyshakespeare.txt

Prints the time of every step, then the median step time, tokens/s, the validation loss over the
whole validation split (consecutive non-overlapping windows of the context length) and the
20-batch random-window estimate of train and validation loss.
"""

import argparse
import contextlib
import math
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures"))
from gpt2_ref import GPT2, adamw_groups  # noqa: E402


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="PyTorch reference GPT training benchmark")
    ap.add_argument("--data", default="../shared/data/tinyshakespeare.txt",
                    help="text file; the vocabulary is its sorted set of characters")
    ap.add_argument("--vocab-size", type=int, default=0,
                    help="model vocabulary size (default: number of distinct characters; "
                         "larger values pad the embedding / head)")
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=128)
    ap.add_argument("--context", type=int, default=64, help="block size T")
    ap.add_argument("--batch", type=int, default=12)
    ap.add_argument("--activation", default="gelu_new", choices=["gelu_new", "gelu"],
                    help="gelu_new: GPT-2's tanh approximation; gelu: exact erf")
    ap.add_argument("--unfused-activation", action="store_true",
                    help="compute GELU op by op instead of PyTorch's single kernel")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--min-lr", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--lr-decay-iters", type=int, default=2000)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--eval-interval", type=int, default=250,
                    help="20-batch estimate every N steps (0: only at the end)")
    ap.add_argument("--eval-iters", type=int, default=20)
    ap.add_argument("--no-eval", action="store_true", help="skip all evaluation (timing only)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"],
                    help="bf16: forward and loss inside torch.autocast('cpu', dtype=torch.bfloat16)")
    ap.add_argument("--seed", type=int, default=1337)
    ap.add_argument("--log-interval", type=int, default=1)
    ap.add_argument("--untimed", type=int, default=0,
                    help="leave the first N steps out of the median step time (warm-up)")
    return ap.parse_args(argv)


def load_chars(path):
    with open(path, "r", encoding="utf-8") as f:
        text = f.read()
    chars = sorted(set(text))
    stoi = {ch: i for i, ch in enumerate(chars)}
    data = torch.tensor([stoi[c] for c in text], dtype=torch.int64)
    n_train = int(0.9 * len(data))
    return chars, data[:n_train], data[n_train:]


def lr_at(it, a):
    """Linear warmup to lr over `warmup` steps, cosine decay to min_lr at lr_decay_iters."""
    if it < a.warmup:
        return a.lr * (it + 1) / (a.warmup + 1)
    if it > a.lr_decay_iters:
        return a.min_lr
    ratio = (it - a.warmup) / (a.lr_decay_iters - a.warmup)
    coeff = 0.5 * (1.0 + math.cos(math.pi * ratio))
    return a.min_lr + coeff * (a.lr - a.min_lr)


def random_batch(data, b, t):
    ix = torch.randint(len(data) - t, (b,))
    x = torch.stack([data[i:i + t] for i in ix])
    y = torch.stack([data[i + 1:i + 1 + t] for i in ix])
    return x, y


@torch.no_grad()
def estimate(model, splits, a):
    """Mean loss over `eval_iters` random batches per split (nanoGPT-style estimate)."""
    model.eval()
    out = {}
    for name, data in splits.items():
        losses = [model(*random_batch(data, a.batch, a.context))[1].item() for _ in range(a.eval_iters)]
        out[name] = sum(losses) / len(losses)
    model.train()
    return out


@torch.no_grad()
def full_eval(model, data, t, chunk=128):
    """Token-weighted mean cross-entropy over all consecutive non-overlapping windows
    (window i: inputs data[i*T : i*T+T], targets data[i*T+1 : i*T+T+1], while i*T+T+1 <= len)."""
    model.eval()
    n_windows = (len(data) - 1) // t
    total, count = 0.0, 0
    for w0 in range(0, n_windows, chunk):
        ws = range(w0, min(w0 + chunk, n_windows))
        x = torch.stack([data[w * t:w * t + t] for w in ws])
        y = torch.stack([data[w * t + 1:w * t + t + 1] for w in ws])
        logits = model(x)
        total += F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                 reduction="sum").item()
        count += y.numel()
    model.train()
    return total / count, count


def main(argv=None):
    a = parse_args(argv)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    chars, train, val = load_chars(a.data)
    vocab = a.vocab_size or len(chars)
    if vocab < len(chars):
        sys.exit(f"--vocab-size {vocab} is smaller than the {len(chars)} characters of the data")
    cfg = {"vocab_size": vocab, "n_positions": a.context, "n_embd": a.n_embd, "n_head": a.n_head,
           "n_layer": a.n_layer, "layer_norm_epsilon": 1e-5, "activation_function": a.activation}
    model = GPT2(cfg, fused_activation=not a.unfused_activation).init_gpt2_()
    n_params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(adamw_groups(model, a.weight_decay), lr=a.lr, betas=(0.9, 0.99), eps=1e-8)

    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    print(f"data: {len(train)} train / {len(val)} val tokens, {len(chars)} characters, vocab {vocab}")
    print(f"model: {a.n_layer} layers, {a.n_head} heads, {a.n_embd} channels, context {a.context}, "
          f"{n_params / 1e6:.2f}M parameters, {a.activation}"
          f"{' (unfused)' if a.unfused_activation else ''}; batch {a.batch}, {a.steps} steps")
    sys.stdout.flush()

    splits = {"train": train, "val": val}
    if a.precision == "bf16":
        def autocast():
            return torch.autocast("cpu", dtype=torch.bfloat16)
    else:
        autocast = contextlib.nullcontext
    step_ms = []
    for it in range(a.steps):
        if not a.no_eval and a.eval_interval > 0 and it % a.eval_interval == 0:
            est = estimate(model, splits, a)
            print(f"step {it}: estimate train {est['train']:.4f}, val {est['val']:.4f}")
        t0 = time.perf_counter()
        lr = lr_at(it, a)
        for group in opt.param_groups:
            group["lr"] = lr
        x, y = random_batch(train, a.batch, a.context)
        with autocast():
            _, loss = model(x, y)
        loss.backward()
        if a.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), a.clip)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss_value = loss.item()
        ms = (time.perf_counter() - t0) * 1000.0
        step_ms.append(ms)
        if a.log_interval > 0 and (it % a.log_interval == 0 or it == a.steps - 1):
            print(f"iter {it}: loss {loss_value:.4f}, lr {lr:.3e}, time {ms:.1f} ms")
            sys.stdout.flush()

    timed = step_ms[a.untimed:] or step_ms
    med = statistics.median(timed)
    print(f"median step {med:.1f} ms, mean {statistics.mean(timed):.1f} ms over {len(timed)} steps; "
          f"{a.batch * a.context / (med / 1000.0):.0f} tokens/s (at the median); "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; precision {a.precision}")
    if not a.no_eval:
        est = estimate(model, splits, a)
        print(f"step {a.steps}: estimate ({a.eval_iters} batches) train {est['train']:.4f}, "
              f"val {est['val']:.4f}")
        t0 = time.perf_counter()
        loss, count = full_eval(model, val, a.context)
        print(f"step {a.steps}: full validation loss {loss:.4f} (perplexity {math.exp(loss):.3f}) "
              f"over {count} tokens, {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
