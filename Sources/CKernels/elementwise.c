// Elementwise kernels (see xai_elementwise.h): the same body for every path.

#include "xai_elementwise.h"
#include "xai_kernels.h"

#include <math.h>
#include <string.h>

// Defines name_scalar, name_avx2 and name_avx512 from one body, and `name` choosing by path.
#if defined(__x86_64__)
#define FOR_EVERY_PATH(name, params, args, body)                                              \
    static void name##_scalar params body                                                     \
    __attribute__((target("avx2,fma"))) static void name##_avx2 params body                   \
    __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw"))) static void name##_avx512 params body \
    static void name##_by_path(int path, name##_args) {                                       \
        if (path == XAI_PATH_AVX512) name##_avx512 args;                                      \
        else if (path == XAI_PATH_AVX2) name##_avx2 args;                                     \
        else name##_scalar args;                                                              \
    }
#else
#define FOR_EVERY_PATH(name, params, args, body)                                              \
    static void name##_scalar params body                                                     \
    static void name##_by_path(int path, name##_args) { (void)path; name##_scalar args; }
#endif

#define adam_args int64_t n, float *restrict w, float *restrict m, float *restrict v, const float *restrict grad, \
    float l2, float b1, float c1, float b2, float c2, float step, float bc2Sqrt, float eps
FOR_EVERY_PATH(adam, (adam_args), (n, w, m, v, grad, l2, b1, c1, b2, c2, step, bc2Sqrt, eps), {
    for (int64_t i = 0; i < n; i++) {
        const float g = grad[i] + l2 * w[i];
        const float mi = b1 * m[i] + c1 * g;
        const float vi = b2 * v[i] + (c2 * g) * g;
        m[i] = mi;
        v[i] = vi;
        w[i] = w[i] - (step * mi) / (sqrtf(vi) / bc2Sqrt + eps);
    }
})

void xai_adam(int path, int64_t n, float *w, float *m, float *v, const float *grad,
              float l2, float b1, float c1, float b2, float c2, float step, float bc2Sqrt, float eps) {
    adam_by_path(path, n, w, m, v, grad, l2, b1, c1, b2, c2, step, bc2Sqrt, eps);
}

// The largest |x[i]|, NaN ignored, found on the bit patterns: with the sign bit cleared, a
// float's bits order as its magnitude does, and NaNs lie above +∞. The maximum of integers
// vectorises; any grouping gives the same value.
#define absmax_args int64_t n, const float *restrict x, uint32_t *restrict result
FOR_EVERY_PATH(absmax, (absmax_args), (n, x, result), {
    uint32_t m = 0;
    for (int64_t i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, x + i, sizeof bits);
        bits &= 0x7FFFFFFFu;
        bits = bits > 0x7F800000u ? 0 : bits;
        m = bits > m ? bits : m;
    }
    *result = m;
})

float xai_absmax(int path, int64_t n, const float *x) {
    uint32_t bits = 0;
    absmax_by_path(path, n, x, &bits);
    float m;
    memcpy(&m, &bits, sizeof m);
    return m;
}

// FastMath.exp (Sources/Tensors/FastMath.swift) operation for operation: Cephes expf's
// reduction and polynomial, 2^k put into the exponent bits as two factors. Swift's min and
// max keep a NaN x, and so do these selects.
static inline __attribute__((always_inline)) float fast_exp(float x) {
    const float low = -176.0f >= x ? -176.0f : x;
    const float c = 89.0f < low ? 89.0f : low;
    const float t = c * 1.44269504088896341f + 12582912.0f;
    const float n = t - 12582912.0f;
    const float r = c - n * 0.693359375f + n * 2.12194440e-4f;
    const float p = ((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r + 4.1665795894e-2f) * r
                     + 1.6666665459e-1f) * r + 5.0000001201e-1f;
    const float q = p * (r * r) + r;
    int32_t tb;
    memcpy(&tb, &t, sizeof tb);
    const int32_t k = (int32_t)((uint32_t)tb - 0x4B400000u);
    const int32_t k1 = k >> 1, k2 = (int32_t)((uint32_t)k - (uint32_t)k1);
    const uint32_t b1 = (uint32_t)(k1 + 127) << 23, b2 = (uint32_t)(k2 + 127) << 23;
    float s1, s2;
    memcpy(&s1, &b1, sizeof s1);
    memcpy(&s2, &b2, sizeof s2);
    return (1.0f + q) * s1 * s2;
}

// GELU x·Φ(x) and its slope Φ(x) + x·φ(x), as FastMath.standardNormal computes Φ and φ.
#define gelu_args int64_t n, const float *restrict x, float *restrict y, float *restrict slope
FOR_EVERY_PATH(gelu, (gelu_args), (n, x, y, slope), {
    for (int64_t i = 0; i < n; i++) {
        const float v = x[i];
        const float e = fast_exp(-0.5f * v * v);
        const float t = 1.0f / (1.0f + 0.3275911f * 0.70710678f * fabsf(v));
        const float poly =
            t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
        const float tail = 0.5f * poly * e;
        const float cdf = v >= 0.0f ? 1.0f - tail : tail;
        const float pdf = e * 0.3989422804014327f;
        y[i] = v * cdf;
        slope[i] = cdf + v * pdf;
    }
})

void xai_gelu(int path, int64_t n, const float *x, float *y, float *slope) {
    gelu_by_path(path, n, x, y, slope);
}

// Layer norm: the reductions are scalar chains in element order (no reassociation without
// fast-math), the elementwise passes vectorise.
#define layer_norm_args int64_t lo, int64_t hi, int64_t n, const float *restrict x, const float *restrict w, \
    const float *restrict b, float eps, float *restrict y, float *restrict xhat, float *restrict rstd
FOR_EVERY_PATH(layer_norm, (layer_norm_args), (lo, hi, n, x, w, b, eps, y, xhat, rstd), {
    for (int64_t r = lo; r < hi; r++) {
        const float *xr = x + r * n;
        float *yr = y + r * n;
        float *hr = xhat + r * n;
        float mean = 0.0f;
        for (int64_t j = 0; j < n; j++) mean += xr[j];
        mean /= (float)n;
        float var = 0.0f;
        for (int64_t j = 0; j < n; j++) { const float d = xr[j] - mean; var += d * d; }
        var /= (float)n;
        const float rs = 1.0f / sqrtf(var + eps);
        rstd[r] = rs;
        for (int64_t j = 0; j < n; j++) {
            const float h = (xr[j] - mean) * rs;
            hr[j] = h;
            yr[j] = h * w[j] + b[j];
        }
    }
})

void xai_layer_norm(int path, int64_t lo, int64_t hi, int64_t n, const float *x, const float *w, const float *b,
                    float eps, float *y, float *xhat, float *rstd) {
    layer_norm_by_path(path, lo, hi, n, x, w, b, eps, y, xhat, rstd);
}

#define layer_norm_backward_args int64_t lo, int64_t hi, int64_t n, const float *restrict g, \
    const float *restrict xhat, const float *restrict w, const float *restrict rstd, float *restrict dx
FOR_EVERY_PATH(layer_norm_backward, (layer_norm_backward_args), (lo, hi, n, g, xhat, w, rstd, dx), {
    for (int64_t r = lo; r < hi; r++) {
        const float *gr = g + r * n;
        const float *hr = xhat + r * n;
        float *dr = dx + r * n;
        float mg = 0.0f;
        float mgx = 0.0f;
        for (int64_t j = 0; j < n; j++) { const float gw = gr[j] * w[j]; mg += gw; mgx += gw * hr[j]; }
        mg /= (float)n;
        mgx /= (float)n;
        const float rs = rstd[r];
        for (int64_t j = 0; j < n; j++) dr[j] = rs * (gr[j] * w[j] - mg - hr[j] * mgx);
    }
})

void xai_layer_norm_backward(int path, int64_t lo, int64_t hi, int64_t n, const float *g, const float *xhat,
                             const float *w, const float *rstd, float *dx) {
    layer_norm_backward_by_path(path, lo, hi, n, g, xhat, w, rstd, dx);
}

#define layer_norm_parameter_grads_args int64_t lo, int64_t hi, int64_t rows, int64_t n, \
    const float *restrict g, const float *restrict xhat, float *restrict dw, float *restrict db
FOR_EVERY_PATH(layer_norm_parameter_grads, (layer_norm_parameter_grads_args), (lo, hi, rows, n, g, xhat, dw, db), {
    for (int64_t r = 0; r < rows; r++) {
        const float *gr = g + r * n;
        const float *hr = xhat + r * n;
        for (int64_t j = lo; j < hi; j++) {
            dw[j] += gr[j] * hr[j];
            db[j] += gr[j];
        }
    }
})

void xai_layer_norm_parameter_grads(int path, int64_t lo, int64_t hi, int64_t rows, int64_t n,
                                    const float *g, const float *xhat, float *dw, float *db) {
    layer_norm_parameter_grads_by_path(path, lo, hi, rows, n, g, xhat, dw, db);
}

#define column_sums_args int64_t lo, int64_t hi, int64_t rows, int64_t n, const float *restrict x, float *restrict out
FOR_EVERY_PATH(column_sums, (column_sums_args), (lo, hi, rows, n, x, out), {
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = x + r * n;
        for (int64_t j = lo; j < hi; j++) out[j] += xr[j];
    }
})

void xai_column_sums(int path, int64_t lo, int64_t hi, int64_t rows, int64_t n, const float *x, float *out) {
    column_sums_by_path(path, lo, hi, rows, n, x, out);
}

// Attention softmax. The maximum is exact in any order; m = x ≥ m ? x : m skips NaN as
// Swift.max(m, x) does, and its choice between −0 and +0 cannot change exp(x − m).
#define attention_softmax_args int64_t lo, int64_t hi, int64_t S, float *restrict scores, float s, \
    const float *restrict mask, int64_t T, int64_t H, int64_t maskB, int64_t maskH
FOR_EVERY_PATH(attention_softmax, (attention_softmax_args), (lo, hi, S, scores, s, mask, T, H, maskB, maskH), {
    for (int64_t r = lo; r < hi; r++) {
        float *row = scores + r * S;
        if (s != 1.0f) for (int64_t j = 0; j < S; j++) row[j] *= s;
        if (mask) {
            const int64_t bh = r / T;
            const int64_t t = r % T;
            const float *mrow = mask + (bh / H) * maskB + (bh % H) * maskH + t * S;
            for (int64_t j = 0; j < S; j++) row[j] += mrow[j];
        }
        float mx = -INFINITY;
        for (int64_t j = 0; j < S; j++) mx = row[j] >= mx ? row[j] : mx;
        if (mx == -INFINITY) { for (int64_t j = 0; j < S; j++) row[j] = NAN; continue; }
        for (int64_t j = 0; j < S; j++) row[j] = fast_exp(row[j] - mx);
        float sum = 0.0f;
        for (int64_t j = 0; j < S; j++) sum += row[j];
        for (int64_t j = 0; j < S; j++) row[j] /= sum;
    }
})

void xai_attention_softmax(int path, int64_t lo, int64_t hi, int64_t S, float *scores, float s,
                           const float *mask, int64_t T, int64_t H, int64_t maskB, int64_t maskH) {
    attention_softmax_by_path(path, lo, hi, S, scores, s, mask, T, H, maskB, maskH);
}

#define attention_softmax_backward_args int64_t lo, int64_t hi, int64_t S, float *restrict dw, \
    const float *restrict gw, const float *restrict w, float s, float *restrict out
FOR_EVERY_PATH(attention_softmax_backward, (attention_softmax_backward_args), (lo, hi, S, dw, gw, w, s, out), {
    for (int64_t r = lo; r < hi; r++) {
        float *d = dw + r * S;
        const float *wr = w + r * S;
        float *o = out + r * S;
        if (gw) { const float *gr = gw + r * S; for (int64_t j = 0; j < S; j++) d[j] += gr[j]; }
        float dot = 0.0f;
        for (int64_t j = 0; j < S; j++) if (!isnan(wr[j])) dot += d[j] * wr[j];
        for (int64_t j = 0; j < S; j++) o[j] = isnan(wr[j]) ? 0.0f : wr[j] * (d[j] - dot) * s;
    }
})

void xai_attention_softmax_backward(int path, int64_t lo, int64_t hi, int64_t S, float *dw, const float *gw,
                                    const float *w, float s, float *out) {
    attention_softmax_backward_by_path(path, lo, hi, S, dw, gw, w, s, out);
}
