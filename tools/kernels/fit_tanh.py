"""Fits the rational approximation of tanh used by GeluTanhKernel.

tanh(x) ~ x * P(x^2) / Q(x^2) on |x| <= 9 (beyond, tanh rounds to +-1 in float32), P of degree 5
and Q of degree 3 in x^2 with Q(0) = 1, by linearised least squares on the relative error,
reweighted by the previous denominator until it settles. Prints the coefficients and the largest
relative error in float64 and in float32 Horner evaluation. Run: python3 tools/kernels/fit_tanh.py
"""
import numpy as np

LIMIT = 9.0
P_DEGREE, Q_DEGREE = 5, 3

x = np.cos(np.linspace(0, np.pi, 40001)) * LIMIT / 2 + LIMIT / 2
x = x[x > 1e-5]
t = np.tanh(x)
s = (x / LIMIT) ** 2                          # fit in a well-conditioned variable, convert after
q_prev = np.ones_like(s)
for _ in range(12):
    w = 1 / (t * q_prev)
    a = np.hstack([x[:, None] * s[:, None] ** np.arange(P_DEGREE + 1),
                   -(t[:, None] * s[:, None] ** np.arange(1, Q_DEGREE + 1))]) * w[:, None]
    sol, *_ = np.linalg.lstsq(a, t * w, rcond=None)
    ps, qs = sol[:P_DEGREE + 1], np.concatenate([[1.0], sol[P_DEGREE + 1:]])
    q_prev = np.polyval(qs[::-1], s)
p = ps / LIMIT ** (2 * np.arange(P_DEGREE + 1))
q = qs / LIMIT ** (2 * np.arange(Q_DEGREE + 1))

approx = x * np.polyval(p[::-1], x * x) / np.polyval(q[::-1], x * x)
print("largest relative error, float64: %.3g" % np.max(np.abs(approx - t) / t))
xf = np.linspace(-12, 12, 2000001).astype(np.float32)
xc = np.clip(xf, np.float32(-LIMIT), np.float32(LIMIT))
zf = xc * xc
pf = np.float32(0)
for c in p[::-1]:
    pf = (pf * zf + np.float32(c)).astype(np.float32)
qf = np.float32(0)
for c in q[::-1]:
    qf = (qf * zf + np.float32(c)).astype(np.float32)
ref = np.tanh(xf.astype(np.float64))
err = np.abs((xc * pf / qf).astype(np.float32) - ref) / np.maximum(np.abs(ref), 1e-30)
print("largest relative error, float32 on [-12, 12]: %.3g" % err.max())
print("P:", ", ".join(repr(float(c)) for c in p))
print("Q:", ", ".join(repr(float(c)) for c in q))
