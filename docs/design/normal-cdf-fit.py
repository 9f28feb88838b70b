#!/usr/bin/env python3
"""Fits the polynomial of the generated GELU kernels' normal distribution function Φ (docs/declaring-networks.md#gelu).

The kernels compute Φ(x) = 1 - q for x >= 0 and q for x < 0, where q = ½ erfc(u), u = |x|/√2, from the form of
Numerical Recipes' erfcc (Press et al., Numerical Recipes, §6.2):

    erfc(u) = t · exp(-u² + P(t)),   t = 1 / (1 + u/2)

with P a polynomial fitted here in the variable s = (2t - (1 + t₀)) / (1 - t₀), which maps t in [t₀, 1] (u in
[0, U]) onto [-1, 1], where P's monomial coefficients are all below 0.64, so that Horner's rule evaluates it without
cancellation. U = 40/√2: beyond |x| = 40, q underflows to 0 in double, and the kernels clamp |x| there. The fit is
Chebyshev interpolation (mpmath.chebyfit, 60 digits), close to minimax; its error is the relative error of erfc.

Float networks use degree 12 (the fit's error 2.3e-9, 0.04 ulp of float), double networks degree 26 (4.7e-18,
0.04 ulp of double). Run with Debian's python3-mpmath: python3 docs/design/normal-cdf-fit.py
"""
import mpmath as mp

mp.mp.dps = 60
U = 40 / mp.sqrt(2)
T0 = 1 / (1 + U / 2)


def p_of_s(s):
    t = ((1 - T0) * s + (1 + T0)) / 2
    u = 2 / t - 2
    return mp.log(mp.erfc(u) / t) + u * u


for name, degree in (("float", 12), ("double", 26)):
    coefficients, error = mp.chebyfit(p_of_s, [-1, 1], degree + 1, error=True)
    print(f"{name}: degree {degree}, max |P - fit| = {mp.nstr(error, 3)}")
    print("  highest power first:", ", ".join(repr(float(c)) for c in coefficients))
print(f"t0 = {repr(float(T0))}; s = {repr(float(2 / (1 - T0)))} * t + {repr(float(-(1 + T0) / (1 - T0)))}")
