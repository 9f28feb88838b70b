#!/usr/bin/env python3
"""PyTorch side by side with MlpGen's benchmarks (docs/performance.md, "PyTorch"): the same networks, data and
measurements as OnnxSideBySide and LimitEpoch, in PyTorch on the CPU, printed as one table.

    apt-get install -y python3-torch dataset-fashion-mnist       # Debian's PyTorch and Fashion-MNIST
    /usr/bin/python3 MlpGen.Benchmarks/PyTorch/side_by_side.py   # about 3 minutes

Inference, in ns per sample over the first 2,000 Fashion-MNIST test images (under torch.inference_mode, the median of
15 rounds after 3 warm-up rounds): one sample at a time on one thread, one batch of 2,000 on one thread, one batch on
every core. Training, one epoch over the 60,000 training images (shuffled, the median of 3 epochs after one warm-up),
on one thread and on every core: 784-100-10 ReLU, softmax, log-likelihood (NLL of log-softmax) with Adam (lr 0.001) at
mini-batch 32, and network.py's 784-16-16-10 (sigmoid, quadratic cost ½‖a − y‖² summed, plain SGD, η = 3 on the mean
gradient) at mini-batch 10. Weights are PyTorch's default initialisation; no timing depends on their values.
"""
import gzip
import os
import statistics
import time

import numpy as np
import torch

DATA = os.environ.get("MLPGEN_FASHION", "/usr/share/datasets/fashion-mnist")
CORES = os.cpu_count() or 1


def idx(name):
    with gzip.open(os.path.join(DATA, name), "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def images(name):
    x = idx(name)
    return torch.from_numpy(x.reshape(x.shape[0], -1).astype(np.float32) / 255.0)


def mlp(sizes, hidden, output):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        layers.append(hidden() if i < len(sizes) - 2 else output())
    return torch.nn.Sequential(*layers)


def median_ns_per_sample(run, samples, rounds=15, warmup=3):
    for _ in range(warmup):
        run()
    times = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        run()
        times.append((time.perf_counter_ns() - start) / samples)
    return statistics.median(times)


def inference(sizes):
    torch.manual_seed(1)
    net = mlp(sizes, torch.nn.ReLU, lambda: torch.nn.Softmax(dim=1)).eval()
    x = images("t10k-images-idx3-ubyte.gz")[:2000].contiguous()
    rows = [x[i:i + 1] for i in range(x.shape[0])]
    out = {}
    with torch.inference_mode():
        torch.set_num_threads(1)
        out["one sample at a time"] = median_ns_per_sample(lambda: [net(r) for r in rows], len(rows))
        out["batch, one thread"] = median_ns_per_sample(lambda: net(x), len(rows))
        torch.set_num_threads(CORES)
        out[f"batch, all cores ({CORES})"] = median_ns_per_sample(lambda: net(x), len(rows))
    torch.set_num_threads(1)
    return out


def epoch_ms(make, step, batch, threads):
    torch.set_num_threads(threads)
    x = images("train-images-idx3-ubyte.gz")
    labels = torch.from_numpy(idx("train-labels-idx1-ubyte.gz").astype(np.int64))
    torch.manual_seed(1)
    net, optimiser = make()
    generator = torch.Generator().manual_seed(2)

    def one_epoch():
        order = torch.randperm(x.shape[0], generator=generator)
        for first in range(0, x.shape[0], batch):
            index = order[first:first + batch]
            step(net, optimiser, x[index], labels[index])

    one_epoch()   # warm-up
    times = []
    for _ in range(3):
        start = time.perf_counter_ns()
        one_epoch()
        times.append((time.perf_counter_ns() - start) / 1e6)
    torch.set_num_threads(1)
    return statistics.median(times)


def adam_relu_softmax():
    net = mlp([784, 100, 10], torch.nn.ReLU, lambda: torch.nn.LogSoftmax(dim=1))
    return net, torch.optim.Adam(net.parameters(), lr=0.001)


def adam_step(net, optimiser, x, y):
    optimiser.zero_grad(set_to_none=True)
    torch.nn.functional.nll_loss(net(x), y, reduction="mean").backward()
    optimiser.step()


def sgd_sigmoid():
    net = mlp([784, 16, 16, 10], torch.nn.Sigmoid, torch.nn.Sigmoid)
    return net, torch.optim.SGD(net.parameters(), lr=3.0)


def sgd_step(net, optimiser, x, y):
    optimiser.zero_grad(set_to_none=True)
    target = torch.nn.functional.one_hot(y, 10).to(torch.float32)
    # network.py: ½‖a − y‖² per sample; the step is η times the mean gradient over the mini-batch.
    (0.5 * ((net(x) - target) ** 2).sum() / x.shape[0]).backward()
    optimiser.step()


def main():
    print(f"# PyTorch {torch.__version__}, {CORES} cores, {torch.backends.cpu.get_cpu_capability() if hasattr(torch.backends, 'cpu') else ''}")
    for sizes in ([784, 100, 10], [784, 512, 512, 10]):
        for what, ns in inference(sizes).items():
            print(f"inference\t{'-'.join(map(str, sizes))} ReLU softmax\t{what}\t{ns:,.0f} ns per sample")
    for threads in (1, CORES):
        ms = epoch_ms(adam_relu_softmax, adam_step, 32, threads)
        print(f"epoch\t784-100-10 ReLU softmax, Adam, mini-batch 32\t{threads} thread(s)\t{ms:,.1f} ms")
        ms = epoch_ms(sgd_sigmoid, sgd_step, 10, threads)
        print(f"epoch\t784-16-16-10 sigmoid quadratic, SGD, mini-batch 10\t{threads} thread(s)\t{ms:,.1f} ms")


if __name__ == "__main__":
    main()
