#!/usr/bin/env python3
"""PyTorch mirror of the engine's convolutional VAE (src/engine/model/vae.ts), for npm run bench.

Builds the same layers from the same VaeConfig, the same loss (loss.ts) and Adam (train.ts),
and times what the engine's bench times (src/engine/bench/workloads.ts):
  trainStepMs            one Adam step of the VAE loss at batch `batch`
  projectionStepMs       one projection step (project.ts projectionStep) of 1 image
  projectionBatchStepMs  one projection step of 16 images together
  convMs                 one 3x3 convolution, `batch` maps of size x size, `width` channels in and out
  matmulMs               one 512 x 512 by 512 x 512 matrix product
Each figure is the median per-call time of `repeats` timed blocks after a warm-up.
Prints one JSON line on stdout (times in ms, torch version, threads, parameter count).

usage: python3 bench/torch_vae.py [CONFIG_JSON | -] [--threads N] [--repeats N] [--params-only]
CONFIG_JSON: {"size": 64, "channels": 3, "latent": 32, "width": 16, "batch": 16[, "depth": 4]};
"-" or nothing reads it from stdin. Layouts differ (NCHW here, NHWC in tfjs); shapes do not.
"""
import argparse
import ctypes
import json
import math
import statistics
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

LEAK = 0.2
MAX_DEPTH = 5
# loss.ts LOG_VAR_MIN / LOG_VAR_MAX.
LOG_VAR_MIN, LOG_VAR_MAX = -10.0, 10.0
# workloads.ts: BETA, LEARNING_RATE, PROJECTION_BATCH, BENCH_PROJECTION (weighted variant).
BETA = 0.01
LEARNING_RATE = 1e-3
PROJECTION_BATCH = 16
ALPHA, LAMBDA = 1.0, 0.1
# tf.train.adam(lr) uses the backend's epsilon, 1e-7 in float32 (PyTorch's default is 1e-8).
ADAM_EPS = 1e-7
# engine/bench/kernels.ts: the square matrix product's side.
MATMUL_N = 512
# stats.ts sample(): blocks of calls of about 150 ms, 8 calls at most.
BLOCK_MS, MAX_BLOCK = 150.0, 8


# glibc's mallopt parameters.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
# The largest mmap threshold glibc takes on 64-bit Linux.
MMAP_THRESHOLD_MAX = 32 * 1024 * 1024


def keep_freed_memory():
    """Keep freed blocks in the process instead of giving them back to the system at once.

    glibc hands a block over its mmap threshold (128 kB at the start) straight back to the kernel
    when it is freed, so a training step whose tensors are of that size page-faults fresh memory
    in on every step: PyTorch's step at 32 px took 34 to 46 ms that way and 16 ms with this (its
    figures in earlier benches moved with whatever had raised glibc's threshold before them).
    True when glibc took both settings; False elsewhere (another libc: the figures are as they come).
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX)) and bool(libc.mallopt(M_TRIM_THRESHOLD, 1 << 30))
    except (OSError, AttributeError):
        return False


def fail(message):
    raise ValueError(message)


def is_int(v, lo, hi):
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= hi


def validate_config(c):
    """The checks of vae.ts validateConfig, so that both sides refuse the same configs."""
    size = c.get("size")
    if not is_int(size, 16, 256) or size & (size - 1):
        fail(f"Image size must be a power of two from 16 to 256, got {size}.")
    if c.get("channels") not in (1, 3):
        fail(f"Channels must be 1 or 3, got {c.get('channels')}.")
    if not is_int(c.get("latent"), 2, 4096):
        fail(f"Latent size must be a whole number from 2 to 4096, got {c.get('latent')}.")
    if not is_int(c.get("width"), 2, 512):
        fail(f"Width must be a whole number from 2 to 512, got {c.get('width')}.")
    max_depth = int(math.log2(size)) - 1
    if c.get("depth") is not None and not is_int(c["depth"], 1, max_depth):
        fail(f"Depth must be a whole number from 1 to {max_depth} at size {size}, got {c['depth']}.")
    if not is_int(c.get("batch", 1), 1, 4096):
        fail(f"Batch must be a whole number from 1 to 4096, got {c.get('batch')}.")


def resolve_depth(c):
    """vae.ts resolveDepth: log2(size) - 2, capped at 5, unless the config names a depth."""
    return c["depth"] if c.get("depth") is not None else min(int(math.log2(c["size"])) - 2, MAX_DEPTH)


def filters_at(c, level):
    """vae.ts filtersAt: width * 2^level, capped at 8 * width."""
    return c["width"] * 2 ** min(level, 3)


def he_conv(cin, cout, k, stride, pad):
    layer = nn.Conv2d(cin, cout, k, stride, pad)
    # init.ts 'he': uniform, limit sqrt(6 / fan_in), the limit kaiming_uniform_ gives for 'relu'.
    nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")
    nn.init.zeros_(layer.bias)
    return layer


def linear(n_in, n_out, init):
    layer = nn.Linear(n_in, n_out)
    if init == "he":
        nn.init.kaiming_uniform_(layer.weight, nonlinearity="relu")
    else:
        nn.init.xavier_uniform_(layer.weight)
    nn.init.zeros_(layer.bias)
    return layer


class Vae(nn.Module):
    """vae.ts layer by layer: convs with explicit symmetric padding, nearest 2x upsampling + 3x3 conv."""

    def __init__(self, c):
        super().__init__()
        self.depth = depth = resolve_depth(c)
        self.top = top = filters_at(c, depth - 1)
        self.bottom = c["size"] // 2**depth
        flat = self.bottom**2 * top
        # Encoder: kernel 4, stride 2, pad 1 per level, LeakyReLU 0.2.
        self.enc = nn.ModuleList(
            he_conv(c["channels"] if l == 0 else filters_at(c, l - 1), filters_at(c, l), 4, 2, 1) for l in range(depth)
        )
        self.mu = linear(flat, c["latent"], "glorot")
        self.logvar = linear(flat, c["latent"], "glorot")
        self.dense = linear(c["latent"], flat, "he")
        # Decoder levels depth-1 .. 0; the first keeps the top width (vae.ts weightSpecs).
        self.dec = nn.ModuleList(
            he_conv(top if l == depth - 1 else filters_at(c, l + 1), filters_at(c, l), 3, 1, 1)
            for l in reversed(range(depth))
        )
        self.out = nn.Conv2d(filters_at(c, 0), c["channels"], 3, 1, 1)
        nn.init.xavier_uniform_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def encode(self, x):
        h = x
        for conv in self.enc:
            h = F.leaky_relu(conv(h), LEAK)
        flat = h.flatten(1)
        # Like encodeWith, both heads run even where only mu is used (projection).
        return self.mu(flat), self.logvar(flat)

    def decode(self, z):
        h = F.leaky_relu(self.dense(z), LEAK).view(z.shape[0], self.top, self.bottom, self.bottom)
        for conv in self.dec:
            h = F.leaky_relu(conv(F.interpolate(h, scale_factor=2, mode="nearest")), LEAK)
        return torch.sigmoid(self.out(h))

    def reconstruct(self, x):
        """f(x) = decode(mu(encode(x))): no sampling."""
        return self.decode(self.encode(x)[0])


def parameter_count(model):
    return sum(p.numel() for p in model.parameters())


def vae_loss(model, x, noise):
    """loss.ts vaeLoss: per-image summed squared error + beta * KL, both means over the batch."""
    n = x.shape[0]
    mu, log_var = model.encode(x)
    log_var = log_var.clamp(LOG_VAR_MIN, LOG_VAR_MAX)
    z = mu + torch.exp(0.5 * log_var) * noise
    recon = (x - model.decode(z)).square().sum() / n
    kl = (1 + log_var - mu.square() - log_var.exp()).sum() * (-0.5 / n)
    return recon + BETA * kl


def make_train_step(model, batch_data, latent):
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, eps=ADAM_EPS)

    def step():
        noise = torch.randn(batch_data.shape[0], latent)
        optimizer.zero_grad(set_to_none=True)
        loss = vae_loss(model, batch_data, noise)
        loss.backward()
        optimizer.step()
        return loss.item()

    return step


def projection_step(model, x, x0):
    """project.ts projectionStep, 'weighted': the gradient of sum (x - f(x))^2 flows through f."""
    xv = x.detach().requires_grad_(True)
    r = xv - model.reconstruct(xv)
    (grad,) = torch.autograd.grad(r.square().sum(), xv)
    with torch.no_grad():
        d = x - x0
        energies = r.square().sum((1, 2, 3)) + LAMBDA * d.abs().sum((1, 2, 3))
        # The L1 term's gradient in closed form, sign(0) = 0, as energyAndGrad adds it.
        direction = (grad + LAMBDA * d.sign()) * r.square()
        return energies, (x - ALPHA * direction).clamp(0, 1)


def make_projection(model, x0):
    state = {"x": x0.clone()}

    def step():
        energies, state["x"] = projection_step(model, state["x"], x0)
        return energies.sum().item()

    return step


def time_calls(fn, repeats, budget_s):
    """Median per-call ms of up to `repeats` blocks after one warm-up call (the first call's ms too)."""
    t0 = time.perf_counter()
    fn()
    first_ms = (time.perf_counter() - t0) * 1000
    fn()  # A second warm-up: allocator caches and oneDNN primitives settle after the first.
    block = max(1, min(MAX_BLOCK, math.ceil(BLOCK_MS / max(first_ms, 1e-3))))
    per_call, end = [], time.perf_counter() + budget_s
    while len(per_call) < repeats and (not per_call or time.perf_counter() < end):
        t0 = time.perf_counter()
        for _ in range(block):
            fn()
        per_call.append((time.perf_counter() - t0) * 1000 / block)
    return round(statistics.median(per_call), 3), len(per_call), block, round(first_ms, 1)


def images(n, c, generator):
    return torch.rand(n, c["channels"], c["size"], c["size"], generator=generator)


def kernel_workloads(c, generator):
    """kernels.ts timeKernels: the convolution and the matrix product on their own, no autograd."""
    x = torch.rand(c.get("batch", 16), c["width"], c["size"], c["size"], generator=generator)
    w = torch.rand(c["width"], c["width"], 3, 3, generator=generator) * 0.2 - 0.1
    a = torch.rand(MATMUL_N, MATMUL_N, generator=generator)
    b = torch.rand(MATMUL_N, MATMUL_N, generator=generator)

    def conv():
        with torch.no_grad():
            return F.conv2d(x, w, padding=1)

    def matmul():
        with torch.no_grad():
            return a @ b

    return {"convMs": conv, "matmulMs": matmul}


def run(c, threads, repeats, budget_s, params_only):
    model = Vae(c)
    result = {
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "requestedThreads": threads,
        "mkldnn": torch.backends.mkldnn.is_available(),
        "params": parameter_count(model),
        "config": {**c, "depth": model.depth},
    }
    if params_only:
        return result
    g = torch.Generator().manual_seed(1)
    workloads = {"trainStepMs": make_train_step(model, images(c.get("batch", 16), c, g), c["latent"])}
    # The weights are frozen during a projection: no weight gradient is ever computed.
    model.requires_grad_(False)
    workloads["projectionStepMs"] = make_projection(model, images(1, c, g))
    workloads["projectionBatchStepMs"] = make_projection(model, images(PROJECTION_BATCH, c, g))
    samples = {}
    for key in ("projectionStepMs", "projectionBatchStepMs", "trainStepMs"):
        model.requires_grad_(key == "trainStepMs")
        result[key], n, block, first_ms = time_calls(workloads[key], repeats, budget_s)
        samples[key] = {"blocks": n, "block": block, "firstMs": first_ms}
    for key, fn in kernel_workloads(c, g).items():
        result[key], n, block, first_ms = time_calls(fn, repeats, budget_s)
        samples[key] = {"blocks": n, "block": block, "firstMs": first_ms}
    result["kernels"] = {"batch": c.get("batch", 16), "size": c["size"], "width": c["width"], "matmul": MATMUL_N}
    result["samples"] = samples
    return result


def serve(c, kept):
    """--serve: the training step kept ready; each line "N" on stdin runs N steps and prints their ms a step."""
    model = Vae(c)
    g = torch.Generator().manual_seed(1)
    step = make_train_step(model, images(c.get("batch", 16), c, g), c["latent"])
    step()
    step()
    ready = {"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads(), "params": parameter_count(model), "freedMemoryKept": kept}
    print(json.dumps(ready), flush=True)
    for line in sys.stdin:
        line = line.strip()
        if not line:
            break
        n = int(line)
        if n < 1:
            fail("the number of steps must be at least 1")
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        print(json.dumps({"trainStepMs": round((time.perf_counter() - t0) * 1000 / n, 3)}), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("config", nargs="?", default="-", help="VaeConfig + batch as JSON, or - for stdin")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    ap.add_argument("--repeats", type=int, default=7, help="timed blocks per figure (median)")
    ap.add_argument("--budget-s", type=float, default=30.0, help="time cap per figure after its warm-up")
    ap.add_argument("--params-only", action="store_true", help="build the model, print the parameter count, time nothing")
    ap.add_argument("--serve", action="store_true", help="keep a training step ready: each stdin line N runs N steps, prints ms a step")
    a = ap.parse_args()
    if a.threads < 1 or a.repeats < 1:
        ap.error("--threads and --repeats must be at least 1")
    try:
        config = json.loads(sys.stdin.read() if a.config == "-" else a.config)
        if not isinstance(config, dict):
            fail("the config must be a JSON object")
        validate_config(config)
    except ValueError as e:
        print(f"torch_vae.py: bad config: {e}", file=sys.stderr)
        sys.exit(2)
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(0)
    kept = keep_freed_memory()
    if a.serve:
        if a.config == "-":
            ap.error("--serve reads its steps from stdin: give the config as an argument")
        serve(config, kept)
        return
    print(json.dumps({**run(config, a.threads, a.repeats, a.budget_s, a.params_only), "freedMemoryKept": kept}))


if __name__ == "__main__":
    main()
