// Elementwise kernels on hot paths. Each is one scalar formula compiled once per CPU path and
// vectorised by the compiler; IEEE arithmetic (+, −, ×, ÷, √) is exact per lane and nothing is
// fused (-ffp-contract=off), so every path gives the bits of the scalar loop.
#ifndef XAI_ELEMENTWISE_H
#define XAI_ELEMENTWISE_H

#include <stdint.h>

/// One Adam step over n parameters, in this order for each i:
///   g = grad[i] + l2·w[i];  m[i] = b1·m[i] + c1·g;  v[i] = b2·v[i] + (c2·g)·g;
///   w[i] = w[i] − (step·m[i]) / (√v[i] / bc2Sqrt + eps)
void xai_adam(int path, int64_t n, float *w, float *m, float *v, const float *grad,
              float l2, float b1, float c1, float b2, float c2, float step, float bc2Sqrt, float eps);

/// The largest |x[i]| (0 for none), NaN ignored.
float xai_absmax(int path, int64_t n, const float *x);

/// GELU y = x·Φ(x) and its derivative Φ(x) + x·φ(x), with FastMath's Φ and φ (the same bits).
void xai_gelu(int path, int64_t n, const float *x, float *y, float *slope);

/// Layer norm over rows lo..<hi of n values each. Per row, sums run from element 0 up:
///   mean = (Σ x) / n;  var = (Σ (x − mean)²) / n;  rstd = 1 / √(var + eps);
///   xhat = (x − mean)·rstd;  y = xhat·w + b.
void xai_layer_norm(int path, int64_t lo, int64_t hi, int64_t n, const float *x, const float *w, const float *b,
                    float eps, float *y, float *xhat, float *rstd);

/// Layer norm's input gradient for rows lo..<hi: with gw = g·w,
///   mg = (Σ gw) / n;  mgx = (Σ gw·xhat) / n;  dx = rstd·((gw − mg) − xhat·mgx).
void xai_layer_norm_backward(int path, int64_t lo, int64_t hi, int64_t n, const float *g, const float *xhat,
                             const float *w, const float *rstd, float *dx);

/// Column sums for columns lo..<hi of a rows × n matrix, each from row 0 down:
///   dw[j] += Σᵣ g[r, j]·xhat[r, j];  db[j] += Σᵣ g[r, j].
void xai_layer_norm_parameter_grads(int path, int64_t lo, int64_t hi, int64_t rows, int64_t n,
                                    const float *g, const float *xhat, float *dw, float *db);

/// Column sums for columns lo..<hi of a rows × n matrix x, each from row 0 down:
///   out[j] += Σᵣ x[r, j]  (a linear layer's bias gradient).
void xai_column_sums(int path, int64_t lo, int64_t hi, int64_t rows, int64_t n, const float *x, float *out);

/// Attention's scale, mask and softmax over score rows lo..<hi of S values (row r = (b·H + h)·T + t),
/// in place: x = s·x (when s ≠ 1) + mask row; m = max; x = exp(x − m) (NaN when m = −∞);
/// x = x / Σ x, the sum from element 0 up. mask may be NULL; its row for r starts at
/// (bh / H)·maskB + (bh % H)·maskH + t·S with bh = r / T.
void xai_attention_softmax(int path, int64_t lo, int64_t hi, int64_t S, float *scores, float s,
                           const float *mask, int64_t T, int64_t H, int64_t maskB, int64_t maskH);

/// Softmax backward for rows lo..<hi of S values: dw += gw (gw may be NULL);
/// dot = Σ dw·w over non-NaN w, from element 0 up; out = (w·(dw − dot))·s, 0 where w is NaN.
void xai_attention_softmax_backward(int path, int64_t lo, int64_t hi, int64_t S, float *dw, const float *gw,
                                    const float *w, float s, float *out);

#endif
