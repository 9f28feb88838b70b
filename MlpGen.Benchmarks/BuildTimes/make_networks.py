"""The networks of the build-time measurements (measure.sh): ReLU MLPs as PyTorch makes them (nn.Sequential of
Linear and ReLU, PyTorch's default initialisation, seed 0), exported to ONNX for the Sample's `convert`.
Usage: python3 make_networks.py OUT_DIR [--mlpw] [SIZES ...]   (Debian's python3-torch; SIZES like 784-100-10,
default the three below). --mlpw writes MlpGen weights files (format 2) directly instead: for networks above the
256 MiB that the ONNX reader accepts (the largest network MLPG004 allows)."""
import base64
import sys
import zlib

import numpy as np
import torch
from torch import nn

out = sys.argv[1]
direct = "--mlpw" in sys.argv[2:]
topologies = [a for a in sys.argv[2:] if a != "--mlpw"] or ["784-100-10", "784-512-512-10", "784-1024-1024-10"]
for sizes in ([int(n) for n in t.split("-")] for t in topologies):
    torch.manual_seed(0)
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers).eval()
    name = "-".join(map(str, sizes))
    count = sum(p.numel() for p in model.parameters())
    if direct:
        # The parameter vector: layer by layer, W row by row (out × in, as nn.Linear keeps it), then b; little-endian float32.
        data = b"".join(np.ascontiguousarray(p.detach().numpy(), dtype="<f4").tobytes()
                        for layer in model if isinstance(layer, nn.Linear) for p in (layer.weight, layer.bias))
        encoded = base64.b64encode(data)
        with open(f"{out}/{name}.mlpw", "wb") as f:
            f.write(f"MLPW 2\ntopology {name}\nelement float32\nparameters {count}\ncrc32 {zlib.crc32(data):08x}\n"
                    f"activations {' '.join(['relu'] * (len(sizes) - 2) + ['identity'])}\ncost unspecified\ndata\n".encode())
            for i in range(0, len(encoded), 76):
                f.write(encoded[i:i + 76] + b"\n")
            f.write(b"end\n")
    else:
        torch.onnx.export(model, torch.zeros(1, sizes[0]), f"{out}/{name}.onnx", opset_version=13,
                          input_names=["input"], output_names=["output"], dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    print(name, count, "parameters")
