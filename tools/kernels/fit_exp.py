"""Fits the polynomial of the float32 exponential used by FloatExp.

exp(x) = 2^n * exp(r) with n = round(x / ln 2) and r = x - n ln 2 in [-ln2/2, ln2/2], and
exp(r) ~ 1 + r + r^2 P(r) with P of degree 5. The coefficients minimise the largest relative
error on that interval: least squares reweighted by each point's error until the weights settle
(Lawson's method). Prints the coefficients, the error of the fit in float64, and how far the whole
float32 evaluation (Cody-Waite reduction, Horner, scaling by 2^n) lands from the correctly rounded
float32 exp on [-87, 0] and [0, 88], in units in the last place.
Run: python3 tools/kernels/fit_exp.py
"""
import numpy as np

DEGREE = 5
HALF_LN2 = np.log(2) / 2

r = np.cos(np.linspace(0, np.pi, 20001)) * HALF_LN2
r = r[np.abs(r) > 1e-6]
target = (np.exp(r) - 1 - r) / (r * r)                   # what P must match
weight = np.ones_like(r)
basis = r[:, None] ** np.arange(DEGREE + 1)
scale = r * r / np.exp(r)                                 # turns P's error into exp's relative error
for _ in range(200):
    w = np.sqrt(weight) * scale
    coef, *_ = np.linalg.lstsq(basis * w[:, None], target * w, rcond=None)
    err = np.abs((basis @ coef - target) * scale)
    weight = weight * err
    weight /= weight.sum()
print("largest relative error of the fit, float64: %.3g" % err.max())

LN2_HI = np.float32(0.693359375)                          # few bits: n * LN2_HI is exact
LN2_LO = np.float32(np.log(2) - 0.693359375)
LOG2E = np.float32(1 / np.log(2))
MAGIC = np.float32(1.5 * 2 ** 23)                         # adding it rounds to an integer


def exp32(x):
    x = x.astype(np.float32)
    n = (x * LOG2E + MAGIC) - MAGIC
    rr = (x - n * LN2_HI) - n * LN2_LO
    p = np.float32(0)
    for c in coef[::-1]:
        p = (p * rr + np.float32(c)).astype(np.float32)
    y = (p * rr * rr + rr + np.float32(1)).astype(np.float32)
    return (y * np.ldexp(np.float32(1), n.astype(np.int32))).astype(np.float32)


for lo, hi in ((-87.0, 0.0), (0.0, 88.0)):
    x = np.linspace(lo, hi, 4000001).astype(np.float32)
    exact = np.exp(x.astype(np.float64))
    got = exp32(x).astype(np.float64)
    ulp = np.spacing(exact.astype(np.float32)).astype(np.float64)
    print("on [%g, %g]: largest error %.3f ulp, %.1f %% not the correctly rounded float"
          % (lo, hi, np.max(np.abs(got - exact) / ulp), 100 * np.mean(got != exact.astype(np.float32))))
print("P:", ", ".join(repr(float(np.float32(c))) for c in coef))
