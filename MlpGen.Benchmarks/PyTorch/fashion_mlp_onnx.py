"""Trains the MLP a PyTorch user writes for Fashion-MNIST and exports it to ONNX, for MlpGen's int8 figures on an
imported network (docs/quantization.md):

    nn.Flatten → Linear(784, 100) → BatchNorm1d(100) → GELU → Linear(100, 10) → LogSoftmax

Adam (lr 1e-3), mini-batch 32, 10 epochs, seed 1, one thread; prints the test accuracy in PyTorch. Then:

    dotnet run --project MlpGen.Sample -c Release -- convert fashion-gelu-bn.onnx fashion-gelu-bn.mlpw
    dotnet run --project MlpGen.Sample -c Release -- quantize fashion-gelu-bn.mlpw fashion-gelu-bn-int8.mlpw --data DIR

Usage: python3 fashion_mlp_onnx.py DIR OUT.onnx   (DIR holds the Fashion-MNIST IDX gzip files; Debian's python3-torch)
"""
import gzip
import sys

import numpy as np
import torch
from torch import nn


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(directory, prefix):
    images = idx(f"{directory}/{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255
    labels = idx(f"{directory}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels)   # [n, 1, 28, 28] as torchvision gives


def main(directory, output):
    torch.manual_seed(1)
    torch.set_num_threads(1)
    train_x, train_y = load(directory, "train")
    test_x, test_y = load(directory, "t10k")
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 100), nn.BatchNorm1d(100), nn.GELU(), nn.Linear(100, 10), nn.LogSoftmax(dim=1))
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(10):
        model.train()
        order = torch.randperm(len(train_x))
        for start in range(0, len(order), 32):
            batch = order[start:start + 32]
            optimizer.zero_grad()
            loss = nn.functional.nll_loss(model(train_x[batch]), train_y[batch])
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
        print(f"epoch {epoch + 1}: test accuracy {100 * accuracy:.2f} %", flush=True)
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), output, input_names=["input"], output_names=["log_probabilities"],
                      dynamic_axes={"input": {0: "batch"}, "log_probabilities": {0: "batch"}}, opset_version=13)
    print(f"wrote {output}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
