"""The PyTorch peer of the W1 benchmark (`pnpm bench`): the same ODE-ResNet training step and
inference on the CPU, timed the same way, printed as one JSON line.

    /usr/bin/python3 apps/cli/bench/torch_w1.py --threads 1 --channels 16 --batch 64 --seconds 10

Network: conv 3x3 1->C 'same' + ReLU; 8 forward-Euler steps y <- y + h*relu(conv3x3_j(y) + b_j),
h = 1/8, C->C 'same'; 2x2 average pool; dense 14*14*C -> 10; mean softmax cross-entropy; plain
SGD with learning rate 0.05. Data: uniform [0, 1) images, labels i mod 10 (as the Runge side).
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn.functional as F
from torch import nn

STEPS = 8


class OdeResNet(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.opening = nn.Conv2d(1, channels, 3, padding=1)
        self.steps = nn.ModuleList(nn.Conv2d(channels, channels, 3, padding=1) for _ in range(STEPS))
        self.dense = nn.Linear(channels * 14 * 14, 10)

    def forward(self, x):
        y = F.relu(self.opening(x))
        for conv in self.steps:
            y = y + (1.0 / STEPS) * F.relu(conv(y))
        return self.dense(F.avg_pool2d(y, 2).flatten(1))


def timed(fn, warmup, seconds, min_runs):
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    start = time.perf_counter()
    while len(wall) < min_runs or time.perf_counter() - start < seconds:
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return statistics.median(wall) * 1000, statistics.median(cpu) * 1000, len(wall)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--channels", type=int, default=16)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = OdeResNet(args.channels)
    optimiser = torch.optim.SGD(model.parameters(), lr=0.05)
    # NCHW is PyTorch's native layout (oneDNN reorders internally), as a PyTorch user runs it.
    images = torch.rand(args.batch, 1, 28, 28)
    labels = torch.arange(args.batch) % 10
    losses = []

    def train_step():
        optimiser.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(images), labels)
        loss.backward()
        optimiser.step()
        losses.append(loss.item())

    def infer_step():
        with torch.no_grad():
            model(images)

    train_ms, train_cpu_ms, train_runs = timed(train_step, args.warmup, args.seconds, 3)
    infer_ms, infer_cpu_ms, infer_runs = timed(infer_step, 1, args.seconds / 3, 3)
    print(json.dumps({
        "workload": "W1",
        "engine": f"pytorch-cpu {torch.__version__}",
        "backend": "pytorch",
        "threads": args.threads,
        "batch": args.batch,
        "channels": args.channels,
        "train_samples_per_s": round(1000 * args.batch / train_ms, 1),
        "infer_samples_per_s": round(1000 * args.batch / infer_ms, 1),
        "train_step_ms": round(train_ms, 2),
        "train_step_cpu_ms": round(train_cpu_ms, 2),
        "train_steps": train_runs,
        "infer_ms": round(infer_ms, 2),
        "infer_cpu_ms": round(infer_cpu_ms, 2),
        "loss_first": round(losses[0], 3),
        "loss_last": round(losses[-1], 3),
    }))


if __name__ == "__main__":
    main()
