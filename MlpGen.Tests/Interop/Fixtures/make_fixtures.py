#!/usr/bin/env python3
"""Makes the ONNX and network2.py JSON fixtures of MlpGen.Tests/Interop with real PyTorch.

Run from the repository root (Debian: apt-get install -y python3-torch python3-numpy python3-onnx):

    /usr/bin/python3 MlpGen.Tests/Interop/Fixtures/make_fixtures.py [MNIST-DIR]
    /usr/bin/python3 MlpGen.Tests/Interop/Fixtures/make_fixtures.py --shapes

The second form writes only the shapes fixtures (shape-*.onnx, issue 22): the MLPs PyTorch users write (Flatten and
view, BatchNorm, GELU, SiLU, LogSoftmax, Dropout, bias=False, a sigmoid output, Softmax at opset 17, and the GELU op of
opset 20), with small hidden layers and random weights (and random BatchNorm statistics, so that folding them is
exercised): the tests check that MlpGen computes what ONNX Runtime computes on them, which needs no training.

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


class TutorialNet(nn.Module):
    """The shape of PyTorch's MNIST tutorials: x.view(-1, 784), then F.relu and F.log_softmax."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = x.view(-1, 784)
        return nn.functional.log_softmax(self.fc2(nn.functional.relu(self.fc1(x))), dim=1)


def randomize_batch_norm(model):
    """Gives every BatchNorm1d random running statistics and affine parameters (eval mode uses them)."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm1d):
            with torch.no_grad():
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 2.0)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)


def shapes():
    """The ten everyday shapes of issue 22 (and Gelu at opset 20), random weights, exported as a user would."""
    import onnx
    from onnx import helper

    torch.manual_seed(22)
    image = torch.zeros(1, 1, 28, 28)
    vector = torch.zeros(1, 784)
    dynamic = {"input": {0: "batch"}, "output": {0: "batch"}}
    models = [
        # name, model, example input, opset
        ("shape-flatten", nn.Sequential(nn.Flatten(), nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10)), image, 13),
        ("shape-view-logsoftmax", TutorialNet(), image, 13),
        ("shape-batchnorm", nn.Sequential(nn.Linear(784, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 12), nn.ReLU(),
                                          nn.BatchNorm1d(12), nn.Linear(12, 10)), vector, 13),
        ("shape-gelu", nn.Sequential(nn.Linear(784, 16), nn.GELU(), nn.Linear(16, 10)), vector, 13),
        ("shape-silu", nn.Sequential(nn.Linear(784, 16), nn.SiLU(), nn.Linear(16, 10)), vector, 13),
        ("shape-logsoftmax", nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10), nn.LogSoftmax(dim=1)), vector, 13),
        ("shape-dropout", nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 10)), vector, 13),
        ("shape-nobias", nn.Sequential(nn.Linear(784, 16, bias=False), nn.Tanh(), nn.Linear(16, 10, bias=False)), vector, 13),
        ("shape-sigmoid", nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10), nn.Sigmoid()), vector, 13),
        ("shape-softmax-opset17", nn.Sequential(nn.Linear(784, 16), nn.ReLU(), nn.Linear(16, 10), nn.Softmax(dim=1)), vector, 17),
    ]
    for name, model, example, opset in models:
        randomize_batch_norm(model)
        model.eval()
        path = os.path.join(HERE, name + ".onnx")
        torch.onnx.export(model, example, path, input_names=["input"], output_names=["output"], dynamic_axes=dynamic, opset_version=opset)
        print(f"{name}: {os.path.getsize(path)} bytes, ops {[n.op_type for n in onnx.load(path).graph.node]}")

    # Opset 20's Gelu op (PyTorch 1.13 exports opset 17 at most): shape-gelu with its Div, Erf, Add, Mul, Mul
    # replaced by the one node, as a newer exporter writes it.
    gelu = onnx.load(os.path.join(HERE, "shape-gelu.onnx"))
    nodes = list(gelu.graph.node)
    first = next(i for i, n in enumerate(nodes) if n.op_type == "Div")
    following = next(i for i, n in enumerate(nodes) if i > first and n.op_type == "Gemm")
    last = max(i for i in range(first, following) if nodes[i].op_type == "Mul")
    replacement = helper.make_node("Gelu", [nodes[first].input[0]], [nodes[last].output[0]], name="/1/Gelu")
    kept = nodes[:first] + [n for n in nodes[first:last] if n.op_type == "Constant"] + [replacement] + nodes[last + 1:]
    kept = [n for n in kept if n.op_type != "Constant" or any(o in m.input for m in kept for o in n.output)]
    del gelu.graph.node[:]
    gelu.graph.node.extend(kept)
    del gelu.opset_import[:]
    gelu.opset_import.extend([helper.make_opsetid("", 20)])
    gelu.ir_version = 9
    onnx.save(gelu, os.path.join(HERE, "shape-gelu-opset20.onnx"))
    print(f"shape-gelu-opset20: ops {[n.op_type for n in gelu.graph.node]}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--shapes"]:
        shapes()
    else:
        main()
