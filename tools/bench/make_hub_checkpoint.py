#!/usr/bin/env python3
"""Writes a random-weights GPT-2 (small 124M, medium 355M or large 774M) into a Hugging Face cache,
laid out as huggingface_hub lays out a download, so that decoder4j and transformers both load it
offline as a Hub repository:

    V/bin/python tools/bench/make_hub_checkpoint.py --cache bench/hub --size small
    HF_HUB_CACHE=bench/hub HF_HUB_OFFLINE=1 java -jar target/decoder4j-cli.jar train \\
        --init hf:bench/gpt2-small-random ...

The repository is bench/gpt2-SIZE-random at branch main. Weights: GPT-2's initialisation (normal
0.02, residual projections 0.02/sqrt(2 n_layer), biases 0, layer norms 1/0), float32, from a fixed
seed, through the GPT-2 module of tools/fixtures/gpt2_ref.py (no transformers needed). The
cache: blobs named by their ETag (sha256 for model.safetensors, the Git blob hash for
config.json), snapshots/COMMIT/FILE as relative links to ../../blobs/ETAG, refs/main.
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
from gpt2_ref import GPT2, save_model_dir  # noqa: E402

SIZES = {  # n_layer, n_head, n_embd
    "small": (12, 12, 768),
    "medium": (24, 16, 1024),
    "large": (36, 20, 1280),
}


def init_gpt2(model, n_layer):
    for name, p in model.named_parameters():
        if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name == "ln_f.weight":
            torch.nn.init.ones_(p)
        elif name.endswith(".bias"):
            torch.nn.init.zeros_(p)
        elif name.endswith("c_proj.weight"):
            torch.nn.init.normal_(p, 0.0, 0.02 / (2 * n_layer) ** 0.5)
        else:
            torch.nn.init.normal_(p, 0.0, 0.02)


def git_blob_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def add_to_cache(cache, repo_id, files):
    """Stores {name: bytes} as one commit of repo_id on main, in huggingface_hub's layout."""
    folder = os.path.join(cache, "models--" + repo_id.replace("/", "--"))
    commit = hashlib.sha1(b"".join(hashlib.sha256(files[n]).digest() for n in sorted(files))).hexdigest()
    for name, data in files.items():
        etag = hashlib.sha256(data).hexdigest() if name.endswith(".safetensors") else git_blob_sha1(data)
        blob = os.path.join(folder, "blobs", etag)
        os.makedirs(os.path.dirname(blob), exist_ok=True)
        if not os.path.exists(blob):
            with open(blob + ".incomplete", "wb") as f:
                f.write(data)
            os.replace(blob + ".incomplete", blob)
        link = os.path.join(folder, "snapshots", commit, name)
        os.makedirs(os.path.dirname(link), exist_ok=True)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink(os.path.relpath(blob, os.path.dirname(link)), link)
    os.makedirs(os.path.join(folder, "refs"), exist_ok=True)
    with open(os.path.join(folder, "refs", "main"), "w") as f:
        f.write(commit)
    return folder, commit


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cache", required=True, help="the HF_HUB_CACHE folder to write into")
    ap.add_argument("--size", choices=sorted(SIZES), default="small")
    ap.add_argument("--seed", type=int, default=1337)
    a = ap.parse_args()
    n_layer, n_head, n_embd = SIZES[a.size]
    cfg = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": 50257,
           "n_positions": 1024, "n_ctx": 1024, "n_embd": n_embd, "n_head": n_head, "n_layer": n_layer,
           "n_inner": None, "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
           "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0, "initializer_range": 0.02,
           "tie_word_embeddings": True}
    torch.manual_seed(a.seed)
    model = GPT2(cfg)
    init_gpt2(model, n_layer)
    with tempfile.TemporaryDirectory() as tmp:
        save_model_dir(model, tmp, cfg)
        files = {n: open(os.path.join(tmp, n), "rb").read() for n in ("config.json", "model.safetensors")}
    repo_id = f"bench/gpt2-{a.size}-random"
    folder, commit = add_to_cache(a.cache, repo_id, files)
    params = sum(p.numel() for p in model.parameters())
    print(f"{repo_id}: {params / 1e6:.1f} M parameters, commit {commit}, in {folder}")


if __name__ == "__main__":
    main()
