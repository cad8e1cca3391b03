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

#endif
