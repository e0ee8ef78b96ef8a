#!/usr/bin/env python3
"""The plain-PyTorch LoRA training step that our Java trainer is measured and checked against.

`lora bench compare` runs this script as a child process and reads the single JSON line it prints;
TrajectoryTest and `lora bench compare --trajectory` use it to check our trainer step for step.
Nothing here is specific to our project: it is a small Llama in PyTorch with LoRA adapters as PEFT
defines them, so it is an independent implementation of the same math.

What it computes
  Model: Llama blocks (RMSNorm eps 1e-5, rotate-half RoPE with theta 10000, grouped-query attention,
    SwiGLU feed-forward), the classifier tied to the token embedding. Either read from a llama2.c .bin
    (--model; its q/k rows are permuted from llama2.c's adjacent-pair RoPE to Hugging Face's
    rotate-half layout, so an adapter made for the Hugging Face export of the model applies as-is; a
    file with a classifier of its own, vocab_size < 0, is refused) or random weights of a named size
    (--synthetic tiny|100m).
  LoRA, as PEFT: y = W x + (dropout(x) A^T B^T) * scale, A kaiming-uniform (a = sqrt(5)), B zero,
    scale alpha / r (alpha / sqrt(r) with use_rslora, read from an --init-adapter's config).
  Training: cross-entropy over every label, AdamW (torch defaults betas 0.9/0.999, eps 1e-8) over the
    trainable parameters (the adapters, or everything with --full), constant learning rate.
  Timing: --warmup steps run first and are left out of tokens_per_s.
  torch.manual_seed(0) before anything random.

Install (Debian):
  apt-get install -y python3-torch libopenblas0-pthread
  (without libopenblas0-pthread torch's BLAS is the reference one, ~40x slower)
Run it with the system Python, and set OPENBLAS_NUM_THREADS to --threads: OpenBLAS otherwise uses
every core whatever torch is told.
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_reference.py --model stories260K.bin --steps 30 --threads 1
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/torch_reference.py --synthetic 100m --steps 10 --batch 4 \
      --seq 256 --threads 1

Trajectory check (same start, same data, no dropout): train from a given adapter on given batches and
print the loss of every step, to compare with another implementation:
  /usr/bin/python3 bench/torch_reference.py --model stories260K.bin --init-adapter ADAPTER_DIR \
      --tokens batches.json --dropout 0 --lr 1e-3 --weight-decay 0.01 --warmup 0
ADAPTER_DIR is a PEFT LoRA adapter folder (adapter_config.json and adapter_model.safetensors in F32,
F16 or BF16, Hugging Face module names); its r, lora_alpha, target_modules and use_rslora replace the
command line's (--full ignores it). batches.json is {"batches": [one B x (T+1) list of token ids per step, ...]}: the
inputs are [:, :-1] and the labels [:, 1:]. The number of batches sets steps + warmup.

Output: one JSON line with impl, threads, mode (lora|full), targets, r, batch, seq, steps, params (all
parameters, adapters included), trainable, tokens_per_s (timed steps only), peak_rss_mb (ru_maxrss of
this process), first_loss and last_loss (of all steps, warmup included, rounded to 4 places), and with
--tokens "losses": the loss of every step, unrounded.
"""
import argparse
import json
import math
import os
import resource
import struct
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# name: (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size)
SYNTHETIC_SIZES = {
    "tiny": (64, 172, 5, 8, 4, 512),  # the shape of stories260K
    "100m": (768, 2048, 12, 12, 4, 32000),
}

ATTENTION_LINEARS = ("q_proj", "k_proj", "v_proj", "o_proj")
MLP_LINEARS = ("gate_proj", "up_proj", "down_proj")
ALL_LINEARS = ATTENTION_LINEARS + MLP_LINEARS

RMS_EPS = 1e-5
ROPE_THETA = 10000.0


# ----------------------------------------------------------------------------------------- the model


def rms_norm(x, weight):
    """RMSNorm over the last axis: weight * x / sqrt(mean(x^2) + eps)."""
    return weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + RMS_EPS)


def rope_tables(seq_len, head_dim):
    """cos and sin of every position's angles, each [T, hd], both halves repeated (rotate-half layout)."""
    inv_freq = 1.0 / (ROPE_THETA ** (torch.arange(0, head_dim, 2).float() / head_dim))  # [hd/2]
    angles = torch.outer(torch.arange(seq_len).float(), inv_freq)  # [T, hd/2]
    cos, sin = angles.cos(), angles.sin()
    return torch.cat((cos, cos), -1), torch.cat((sin, sin), -1)  # [T, hd] each


def apply_rope(x, cos, sin):
    """Rotary embedding, Hugging Face convention: dimension i pairs with i + hd/2. x: [B, h, T, hd]."""
    half = x.shape[-1] // 2
    rotated = torch.cat((-x[..., half:], x[..., :half]), dim=-1)  # [B, h, T, hd]
    return x * cos + rotated * sin


def causal_mask(seq_len):
    """True above the diagonal: the positions a query may not attend to. [T, T]"""
    return torch.ones(seq_len, seq_len, dtype=torch.bool).triu(1)


class DecoderLayer(nn.Module):
    """One Llama block: x + attention(norm(x)), then x + SwiGLU(norm(x)).

    The linears carry Hugging Face's names so that a PEFT adapter's target_modules address them.
    """

    def __init__(self, dim, hidden, n_heads, n_kv_heads):
        super().__init__()
        self.n_heads, self.n_kv_heads = n_heads, n_kv_heads
        self.head_dim = dim // n_heads
        kv_dim = n_kv_heads * self.head_dim
        out_in = {"q_proj": (dim, dim), "k_proj": (kv_dim, dim), "v_proj": (kv_dim, dim),
                  "o_proj": (dim, dim), "gate_proj": (hidden, dim), "up_proj": (hidden, dim),
                  "down_proj": (dim, hidden)}
        for name in ALL_LINEARS:  # created in this order: it fixes what the seed draws for each
            out_features, in_features = out_in[name]
            setattr(self, name, nn.Linear(in_features, out_features, bias=False))
        self.attn_norm = nn.Parameter(torch.ones(dim))
        self.mlp_norm = nn.Parameter(torch.ones(dim))

    def attention(self, h, cos, sin, mask):
        B, T, D = h.shape
        q = self.q_proj(h).view(B, T, self.n_heads, self.head_dim).transpose(1, 2)  # [B, nh, T, hd]
        k = self.k_proj(h).view(B, T, self.n_kv_heads, self.head_dim).transpose(1, 2)  # [B, nkv, T, hd]
        v = self.v_proj(h).view(B, T, self.n_kv_heads, self.head_dim).transpose(1, 2)  # [B, nkv, T, hd]
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        group = self.n_heads // self.n_kv_heads  # query heads per kv head
        k = k.repeat_interleave(group, dim=1)  # [B, nh, T, hd]
        v = v.repeat_interleave(group, dim=1)  # [B, nh, T, hd]
        att = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)  # scores [B, nh, T, T]
        att = att.masked_fill(mask, float("-inf")).softmax(-1)  # weights [B, nh, T, T]
        return self.o_proj((att @ v).transpose(1, 2).reshape(B, T, D))  # heads side by side [B, T, D]

    def feed_forward(self, h):
        return self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))  # [B, T, D]

    def forward(self, x, cos, sin, mask):  # x: [B, T, D]
        x = x + self.attention(rms_norm(x, self.attn_norm), cos, sin, mask)
        return x + self.feed_forward(rms_norm(x, self.mlp_norm))


class Llama(nn.Module):
    """Token embedding, decoder layers, final RMSNorm and the classifier tied to the embedding."""

    def __init__(self, dim, hidden, n_layers, n_heads, n_kv_heads, vocab):
        super().__init__()
        self.embed = nn.Embedding(vocab, dim)
        # N(0, 0.02) as GPT-2 initialises it: keeps the random model's logits small
        nn.init.normal_(self.embed.weight, std=0.02)
        self.layers = nn.ModuleList(DecoderLayer(dim, hidden, n_heads, n_kv_heads) for _ in range(n_layers))
        self.final_norm = nn.Parameter(torch.ones(dim))
        self.head_dim = dim // n_heads

    @property
    def vocab_size(self):
        return self.embed.weight.shape[0]

    def forward(self, tokens):  # tokens: [B, T]
        T = tokens.shape[1]
        cos, sin = rope_tables(T, self.head_dim)  # [T, hd]
        mask = causal_mask(T)  # [T, T]
        x = self.embed(tokens)  # [B, T, D]
        for layer in self.layers:
            x = layer(x, cos, sin, mask)
        return rms_norm(x, self.final_norm) @ self.embed.weight.t()  # [B, T, V]


# ------------------------------------------------------------------------------------------ LoRA


class LoraLinear(nn.Module):
    """A frozen linear plus PEFT's low-rank branch: base(x) + (dropout(x) A^T B^T) * scale."""

    def __init__(self, base, r, alpha, dropout, rslora=False):
        super().__init__()
        self.base = base
        base.weight.requires_grad_(False)
        self.A = nn.Parameter(torch.empty(r, base.in_features))  # [r, in]
        nn.init.kaiming_uniform_(self.A, a=math.sqrt(5))
        self.B = nn.Parameter(torch.zeros(base.out_features, r))  # [out, r]
        self.dropout = nn.Dropout(dropout)
        self.scale = alpha / (math.sqrt(r) if rslora else r)

    def forward(self, x):  # x: [B, T, in]
        # frozen path, then the branch: dropout(x) [B, T, in] @ A^T -> [B, T, r] @ B^T -> [B, T, out]
        return self.base(x) + (self.dropout(x) @ self.A.t() @ self.B.t()) * self.scale


def target_list(targets):
    """The linear names of a --targets value or a PEFT target_modules entry."""
    if targets == "all-linear":
        return list(ALL_LINEARS)
    if isinstance(targets, str):
        return targets.split(",")
    return list(targets)


def freeze(model):
    for p in model.parameters():
        p.requires_grad_(False)


def add_lora(model, targets, r, alpha, dropout, rslora=False):
    """Wraps each targeted linear of every layer in a LoraLinear. Returns {HF module path: LoraLinear}."""
    for name in targets:
        if name not in ALL_LINEARS:
            raise SystemExit(f"target {name} is not one of the layer linears {', '.join(ALL_LINEARS)}")
    wrapped = {}
    for i, layer in enumerate(model.layers):
        for name in targets:
            lora = LoraLinear(getattr(layer, name), r, alpha, dropout, rslora)
            setattr(layer, name, lora)
            group = "self_attn" if name in ATTENTION_LINEARS else "mlp"
            wrapped[f"base_model.model.model.layers.{i}.{group}.{name}"] = lora
    return wrapped


# --------------------------------------------------------------------------------------- loading


def llama2c_rows_to_rotate_half(w, n_heads, head_dim):
    """Reorders a q or k weight's rows from llama2.c's RoPE pairs (2i, 2i+1) to Hugging Face's (i, i + hd/2).

    Within each head, the even rows come first, then the odd ones. w: [n_heads * hd, dim]
    """
    dim = w.shape[1]
    pairs = w.view(n_heads, head_dim // 2, 2, dim)  # [h, hd/2, 2, dim]
    return pairs.transpose(1, 2).reshape(n_heads * head_dim, dim)  # [h * hd, dim]


def load_llama2c(path):
    """A Llama from a llama2.c .bin: 7 int32 (dim, hidden, layers, heads, kv heads, vocab, seq len),
    then float32 tensors stacked over layers, [out, in] each."""
    with open(path, "rb") as f:
        dim, hidden, n_layers, n_heads, n_kv_heads, vocab, _seq_len = struct.unpack("<7i", f.read(28))
        payload = bytearray(os.fstat(f.fileno()).st_size - 28)
        f.readinto(payload)
    if vocab < 0:
        raise SystemExit(f"{path}: a classifier separate from the embedding (vocab_size < 0) is not supported")
    model = Llama(dim, hidden, n_layers, n_heads, n_kv_heads, vocab)
    floats = torch.frombuffer(payload, dtype=torch.float32)
    head_dim = dim // n_heads
    kv_dim = n_kv_heads * head_dim
    position = 0

    def next_tensor(*shape):
        nonlocal position
        count = math.prod(shape)
        t = floats[position:position + count].view(*shape)
        position += count
        return t

    # (destination in each layer, shape of one layer's tensor), in the order of the file
    per_layer = (("attn_norm", (dim,)), ("q_proj", (dim, dim)), ("k_proj", (kv_dim, dim)),
                 ("v_proj", (kv_dim, dim)), ("o_proj", (dim, dim)), ("mlp_norm", (dim,)),
                 ("gate_proj", (hidden, dim)), ("down_proj", (dim, hidden)), ("up_proj", (hidden, dim)))
    with torch.no_grad():
        model.embed.weight.copy_(next_tensor(vocab, dim))
        for name, shape in per_layer:
            stacked = next_tensor(n_layers, *shape)
            for layer, w in zip(model.layers, stacked):
                if name == "q_proj":
                    w = llama2c_rows_to_rotate_half(w, n_heads, head_dim)
                elif name == "k_proj":
                    w = llama2c_rows_to_rotate_half(w, n_kv_heads, head_dim)
                target = getattr(layer, name)
                (target.weight if isinstance(target, nn.Linear) else target).copy_(w)
        model.final_norm.copy_(next_tensor(dim))
    return model  # the RoPE tables that follow in the file are not needed: the model computes its own


SAFETENSORS_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


def read_safetensors(path):
    """{tensor name: float32 tensor} of a .safetensors file: a little-endian u64 header length, the JSON
    header ({name: {dtype, shape, data_offsets}}), then the data, offsets relative to its start."""
    with open(path, "rb") as f:
        raw = f.read()
    header_len = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + header_len])
    header.pop("__metadata__", None)
    data_start = 8 + header_len
    tensors = {}
    for name, info in header.items():
        dtype = SAFETENSORS_DTYPES.get(info["dtype"])
        if dtype is None:
            raise SystemExit(f"{path}: {name} is {info['dtype']}; only {', '.join(SAFETENSORS_DTYPES)} are read")
        begin, end = info["data_offsets"]
        values = torch.frombuffer(bytearray(raw[data_start + begin:data_start + end]), dtype=dtype)
        tensors[name] = values.float().reshape(info["shape"])
    return tensors


def add_adapter_from(model, folder, dropout):
    """Adds LoRA as a PEFT adapter folder describes it, starting from its A and B. Returns (targets, r)."""
    with open(os.path.join(folder, "adapter_config.json")) as f:
        config = json.load(f)
    if config.get("rank_pattern") or config.get("alpha_pattern"):
        raise SystemExit(f"{folder}: rank_pattern and alpha_pattern are not supported")
    targets = target_list(config["target_modules"])
    weights = read_safetensors(os.path.join(folder, "adapter_model.safetensors"))
    freeze(model)
    wrapped = add_lora(model, targets, config["r"], config["lora_alpha"], dropout, config.get("use_rslora", False))
    with torch.no_grad():
        for path, lora in wrapped.items():
            lora.A.copy_(weights[path + ".lora_A.weight"])
            lora.B.copy_(weights[path + ".lora_B.weight"])
    return targets, config["r"]


# -------------------------------------------------------------------------------------- training


def token_batches(args, vocab):
    """[steps, B, T + 1] token ids: from --tokens, else uniform over the vocabulary above the 3 specials."""
    if args.tokens:
        with open(args.tokens) as f:
            return torch.tensor(json.load(f)["batches"], dtype=torch.long)
    return torch.randint(3, vocab, (args.warmup + args.steps, args.batch, args.seq + 1))


def train(model, trainable, batches, warmup, lr, weight_decay):
    """One AdamW step per batch. Returns (every step's loss, seconds of the steps after warmup)."""
    optimizer = torch.optim.AdamW(trainable, lr=lr, weight_decay=weight_decay)
    vocab = model.vocab_size
    losses = []
    start = time.perf_counter()
    for step, batch in enumerate(batches):  # batch: [B, T + 1]
        if step == warmup:
            start = time.perf_counter()
        inputs, labels = batch[:, :-1], batch[:, 1:]  # [B, T] each
        # the logits [B, T, V] are not kept in a variable: the loss saves what backward needs, and
        # holding them too would add B*T*V floats to the peak memory
        loss = F.cross_entropy(model(inputs).reshape(-1, vocab), labels.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses, time.perf_counter() - start


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", help="llama2.c .bin file")
    p.add_argument("--synthetic", choices=sorted(SYNTHETIC_SIZES), help="random weights of a named size")
    p.add_argument("--targets", default="q_proj,v_proj", help="comma list or all-linear")
    p.add_argument("--r", type=int, default=8)
    p.add_argument("--alpha", type=float, default=16)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--seq", type=int, default=128)
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--full", action="store_true", help="full fine-tuning instead of LoRA")
    p.add_argument("--init-adapter", help="PEFT adapter folder: start from its A and B (and r, alpha, targets)")
    p.add_argument("--tokens", help='JSON {"batches": [...]} of B x (T+1) token ids per step (instead of random)')
    p.add_argument("--dropout", type=float, default=0.05)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--weight-decay", type=float, default=0.01)
    return p.parse_args()


def main():
    args = parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    model = load_llama2c(args.model) if args.model else Llama(*SYNTHETIC_SIZES[args.synthetic or "tiny"])

    if args.full:
        trainable = list(model.parameters())
    else:
        if args.init_adapter:
            targets, args.r = add_adapter_from(model, args.init_adapter, args.dropout)
            args.targets = ",".join(targets)
        else:
            freeze(model)
            add_lora(model, target_list(args.targets), args.r, args.alpha, args.dropout)
        trainable = [p for p in model.parameters() if p.requires_grad]

    batches = token_batches(args, model.vocab_size)  # [warmup + steps, B, T + 1]
    if args.tokens:
        args.steps = batches.shape[0] - args.warmup
        args.batch, args.seq = batches.shape[1], batches.shape[2] - 1
    losses, seconds = train(model, trainable, batches, args.warmup, args.lr, args.weight_decay)

    figures = {
        "impl": "pytorch-" + torch.__version__,
        "threads": args.threads,
        "mode": "full" if args.full else "lora",
        "targets": args.targets,
        "r": args.r,
        "batch": args.batch,
        "seq": args.seq,
        "steps": args.steps,
        "params": sum(p.numel() for p in model.parameters()),
        "trainable": sum(p.numel() for p in trainable),
        "tokens_per_s": round(args.steps * args.batch * args.seq / seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),  # Linux: KiB
        "first_loss": round(losses[0], 4),
        "last_loss": round(losses[-1], 4),
    }
    if args.tokens:
        figures["losses"] = losses
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
