#!/usr/bin/env python3
"""Makes the ONNX and network2.py JSON fixtures of MlpGen.Tests/Interop with real PyTorch.

Run from the repository root (Debian: apt-get install -y python3-torch python3-numpy):

    /usr/bin/python3 MlpGen.Tests/Interop/Fixtures/make_fixtures.py [MNIST-DIR]

MNIST-DIR holds the IDX gzip files (default: ../shared/data/mnist-digits-10k beside the checkout).
It trains small MLPs on the training digits, exports each with torch.onnx.export, and writes PyTorch's
outputs on the first 200 test images as little-endian float32 (<name>.expected.f32, 200 x 10 values), so
that the tests, which need no Python, can check MlpGen's imports against them. The network2.py JSON
fixture is written the way Nielsen's Network.save writes it, with numpy's float64 feedforward outputs
(<name>.expected.f64). Seeds are fixed; the files are committed.
"""
import gzip
import json
import os
import sys

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLES = 200


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory):
    def images(name):
        # pixel / 255 in float32, as MlpGen's Mnist.Load computes it (a correctly rounded division).
        raw = idx(os.path.join(directory, name))
        return raw.reshape(raw.shape[0], -1).astype(np.float32) / np.float32(255)
    return (images("train-images-idx3-ubyte.gz"), idx(os.path.join(directory, "train-labels-idx1-ubyte.gz")).astype(np.int64),
            images("t10k-images-idx3-ubyte.gz"))


class Affine(nn.Module):
    """A Linear layer written as x @ W.T + b: traced, it exports as MatMul + Add rather than Gemm."""

    def __init__(self, inputs, outputs):
        super().__init__()
        linear = nn.Linear(inputs, outputs)
        self.weight = linear.weight
        self.bias = linear.bias

    def forward(self, x):
        return x @ self.weight.T + self.bias


def train(model, x, y, loss, epochs=4):
    optimizer = torch.optim.Adam(model.parameters(), lr=0.003)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    generator = torch.Generator().manual_seed(1)
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), 32):
            batch = order[start:start + 32]
            optimizer.zero_grad()
            out = model(x[batch])
            if loss == "nll":          # the model ends in Softmax: the log-likelihood of its probabilities
                l = nn.functional.nll_loss(torch.log(out + 1e-12), y[batch])
            elif loss == "ce":         # logits
                l = nn.functional.cross_entropy(out, y[batch])
            else:                      # sigmoid outputs, one-hot targets
                l = nn.functional.binary_cross_entropy(out, nn.functional.one_hot(y[batch], 10).float())
            l.backward()
            optimizer.step()
    return model.eval()


def export(name, model, example, dynamic, test):
    path = os.path.join(HERE, name + ".onnx")
    axes = {"input": {0: "batch"}, "output": {0: "batch"}} if dynamic else None
    torch.onnx.export(model, example, path, input_names=["input"], output_names=["output"], dynamic_axes=axes, opset_version=13)
    with torch.no_grad():
        out = model(torch.from_numpy(test)).numpy().astype("<f4")
    out.tofile(os.path.join(HERE, name + ".expected.f32"))
    print(f"{name}: {os.path.getsize(path)} bytes, accuracy on the {len(test)} images printed by the tests")


def main():
    directory = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "..", "..", "shared", "data", "mnist-digits-10k")
    x, y, test_all = load(directory)
    test = test_all[:SAMPLES]
    torch.manual_seed(12)

    # ReLU hidden layer, logits out (no softmax), Gemm, dynamic batch.
    relu = train(nn.Sequential(nn.Linear(784, 24), nn.ReLU(), nn.Linear(24, 10)), x, y, "ce")
    export("relu-logits-gemm-dynamic", relu, torch.zeros(1, 784), True, test)

    # tanh hidden layers, a Softmax node, Linear on a 3-D input (MatMul + Add), fixed batch [1, 200, 784].
    tanh = train(nn.Sequential(nn.Linear(784, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 10), nn.Softmax(dim=-1)), x, y, "nll")
    path = os.path.join(HERE, "tanh-softmax-matmul-fixed.onnx")
    torch.onnx.export(tanh, torch.zeros(1, SAMPLES, 784), path, input_names=["input"], output_names=["output"], opset_version=13)
    with torch.no_grad():
        tanh(torch.from_numpy(test)[None]).numpy().astype("<f4").tofile(os.path.join(HERE, "tanh-softmax-matmul-fixed.expected.f32"))
    print(f"tanh-softmax-matmul-fixed: {os.path.getsize(path)} bytes")

    # Sigmoid throughout, Gemm, fixed batch [1, 784].
    sigmoid = train(nn.Sequential(nn.Linear(784, 12), nn.Sigmoid(), nn.Linear(12, 10), nn.Sigmoid()), x, y, "bce")
    export("sigmoid-gemm-fixed", sigmoid, torch.zeros(1, 784), False, test)

    # Leaky ReLU, logits, x @ W.T + b on a 2-D input (MatMul + Add), dynamic batch.
    leaky = train(nn.Sequential(Affine(784, 16), nn.LeakyReLU(), Affine(16, 10)), x, y, "ce")
    export("leakyrelu-logits-matmul-dynamic", leaky, torch.zeros(1, 784), True, test)

    # network2.py's Network.save format: sigmoid 784-6-10 in float64, cross-entropy cost, random (Gaussian) weights as
    # network2.py initialises them, and its feedforward in float64 on the test images.
    rng = np.random.default_rng(5)
    sizes = [784, 6, 10]
    biases = [rng.standard_normal((n, 1)) for n in sizes[1:]]
    weights = [rng.standard_normal((n, m)) / np.sqrt(m) for m, n in zip(sizes[:-1], sizes[1:])]
    with open(os.path.join(HERE, "network2-784-6-10.json"), "w") as f:
        json.dump({"sizes": sizes, "weights": [w.tolist() for w in weights], "biases": [b.tolist() for b in biases], "cost": "CrossEntropyCost"}, f)
    a = test.astype(np.float64).T
    for w, b in zip(weights, biases):
        a = 1.0 / (1.0 + np.exp(-(w @ a + b)))
    a.T.astype("<f8").tofile(os.path.join(HERE, "network2-784-6-10.expected.f64"))


if __name__ == "__main__":
    main()
