#!/usr/bin/env python3
"""Writes the fixture of ParityTests: one epoch of network2.py's SGD, in float64.

Run from the repository root (needs numpy; the tests need only its outputs, committed beside this script):

    python3 MlpGen.Tests/Fixtures/network2_parity.py /work/shared/data/mnist-digits-10k

The network is 784-10-10, sigmoid, cross-entropy cost. Its initial parameters are network2.py's
default_weight_initializer (weights N(0, 1/n_in), biases N(0, 1)) drawn from numpy's default_rng(2024) and
written out (network2_784x10x10_initial.bin). The training data is the first N = 1,000 digits of
train-images/train-labels (pixel / 255 in float64, one-hot targets); the epoch visits them in the order
order[i] = (i * 7919) % N (the C# test computes the same), in mini-batches of 10, with eta = 0.5,
lmbda = 5.0 and n = N, exactly network2.py's update_mini_batch:

    w <- (1 - eta*(lmbda/n))*w - (eta/len(mini_batch))*nw;   b <- b - (eta/len(mini_batch))*nb

The final parameters go to network2_784x10x10_final.bin. Both files: for each layer, W row-major [out, in]
then b, as little-endian float64 (MlpGen's parameter layout).
"""
import gzip
import os
import sys

import numpy as np

N, SIZES, ETA, LMBDA, MINI_BATCH, STRIDE, SEED = 1000, [784, 10, 10], 0.5, 5.0, 10, 7919, 2024


def read_idx(path, header):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z):
    return sigmoid(z) * (1 - sigmoid(z))


class Network:
    """network2.py's Network, cross-entropy cost, only what one epoch of SGD needs (transcribed)."""

    def __init__(self, sizes, rng):
        self.num_layers = len(sizes)
        self.sizes = sizes
        # default_weight_initializer, with a seeded generator
        self.biases = [rng.standard_normal((y, 1)) for y in sizes[1:]]
        self.weights = [rng.standard_normal((y, x)) / np.sqrt(x) for x, y in zip(sizes[:-1], sizes[1:])]

    def update_mini_batch(self, mini_batch, eta, lmbda, n):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [(1 - eta * (lmbda / n)) * w - (eta / len(mini_batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x, y):
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        activation = x
        activations = [x]
        zs = []
        for b, w in zip(self.biases, self.weights):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = sigmoid(z)
            activations.append(activation)
        delta = activations[-1] - y   # CrossEntropyCost.delta
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = sigmoid_prime(z)
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return (nabla_b, nabla_w)

    def flat(self):
        return np.concatenate([np.concatenate([w.ravel(), b.ravel()]) for w, b in zip(self.weights, self.biases)])


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/mnist-digits-10k"
    images = read_idx(os.path.join(data, "train-images-idx3-ubyte.gz"), 16)[: N * 784].reshape(N, 784)
    labels = read_idx(os.path.join(data, "train-labels-idx1-ubyte.gz"), 8)[:N]
    samples = []
    for i in range(N):
        x = (images[i].astype(np.float64) / 255.0).reshape(784, 1)
        y = np.zeros((10, 1))
        y[labels[i]] = 1.0
        samples.append((x, y))

    net = Network(SIZES, np.random.default_rng(SEED))
    here = os.path.dirname(os.path.abspath(__file__))
    net.flat().astype("<f8").tofile(os.path.join(here, "network2_784x10x10_initial.bin"))
    order = [(i * STRIDE) % N for i in range(N)]
    for k in range(0, N, MINI_BATCH):
        net.update_mini_batch([samples[j] for j in order[k:k + MINI_BATCH]], ETA, LMBDA, N)
    net.flat().astype("<f8").tofile(os.path.join(here, "network2_784x10x10_final.bin"))


if __name__ == "__main__":
    main()
