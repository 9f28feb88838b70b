#!/usr/bin/env python3
"""Writes gelu-reference.f64: GELU(z) = z·Φ(z) at 40 significant digits (mpmath), for GeluAccuracyTests.

The points: z = k/256 for k = -3072..3072 (|z| <= 12, 6,145 points), then z = -12 - k/16 for k = 1..448 (down to -40).
Each point is three little-endian float64 values: z, and GELU(z) as the unevaluated sum hi + lo of two doubles
(hi the double nearest GELU(z), lo the double nearest the rest), about 32 significant digits, far below an ulp of
either float or double. Run with Debian's python3-mpmath:

    python3 MlpGen.Tests/Numerics/Fixtures/make_gelu_reference.py
"""
import os
import struct

import mpmath as mp

mp.mp.dps = 40
points = [mp.mpf(k) / 256 for k in range(-3072, 3073)] + [-12 - mp.mpf(k) / 16 for k in range(1, 449)]
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gelu-reference.f64"), "wb") as f:
    for z in points:
        value = z * mp.ncdf(z)
        hi = float(value)
        lo = float(value - mp.mpf(hi))
        f.write(struct.pack("<3d", float(z), hi, lo))
print(len(points), "points")
