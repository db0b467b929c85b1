#!/usr/bin/env python3
"""Hugging Face generation speed on a decoder4j model directory (config.json + model.safetensors),
the reference for decoder4j's `sample`: NUM samples of NEW new tokens each from a one-token prompt,
sampled (temperature 0.8, top-k 200) with the key/value cache, then without it.

    V/bin/python tools/bench/hf_generate.py out/shakespeare [NUM] [NEW]

Prints tokens per second of wall-clock time for each, after one warm-up sample.
"""

import sys
import time

import torch
from transformers import GPT2LMHeadModel


def rate(model, num, new, use_cache):
    prompt = torch.zeros((1, 1), dtype=torch.long)
    model.generate(prompt, max_new_tokens=new, min_new_tokens=new, do_sample=True, temperature=0.8, top_k=200,
                   use_cache=use_cache, pad_token_id=0)
    t0 = time.perf_counter()
    for i in range(num):
        torch.manual_seed(1337 + i)
        model.generate(prompt, max_new_tokens=new, min_new_tokens=new, do_sample=True, temperature=0.8, top_k=200,
                       use_cache=use_cache, pad_token_id=0)
    return num * new / (time.perf_counter() - t0)


def main():
    directory = sys.argv[1]
    num = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    new = int(sys.argv[3]) if len(sys.argv) > 3 else 63
    model = GPT2LMHeadModel.from_pretrained(directory).eval()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    with torch.no_grad():
        cached = rate(model, num, new, True)
        uncached = rate(model, num, new, False)
    print(f"{num} samples x {new} new tokens: cached {cached:.0f} tokens/s, uncached {uncached:.0f} tokens/s")


if __name__ == "__main__":
    main()
