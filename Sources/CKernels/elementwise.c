// Elementwise kernels (see xai_elementwise.h): the same body for every path.

#include "xai_elementwise.h"
#include "xai_kernels.h"

#include <math.h>

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

#define quantize_args int64_t n, const float *restrict x, float scale, int8_t *restrict codes
FOR_EVERY_PATH(quantize, (quantize_args), (n, x, scale, codes), {
    for (int64_t i = 0; i < n; i++) {
        float v = x[i] / scale;
        v = v > 127.0f ? 127.0f : v;
        v = v < -127.0f ? -127.0f : v;
        v = v == v ? v : 0.0f;
        codes[i] = (int8_t)(int32_t)nearbyintf(v);
    }
})

void xai_quantize(int path, int64_t n, const float *x, float scale, int8_t *codes) {
    quantize_by_path(path, n, x, scale, codes);
}

#define rescale_args int64_t m, int64_t n, const int32_t *restrict sums, float sx, const float *restrict scales, \
    const float *restrict bias1, const float *restrict bias2, float *restrict y
FOR_EVERY_PATH(rescale, (rescale_args), (m, n, sums, sx, scales, bias1, bias2, y), {
    for (int64_t r = 0; r < m; r++)
        for (int64_t j = 0; j < n; j++) {
            float v = (float)sums[r * n + j] * sx * scales[j];
            if (bias1) v = v + bias1[j];
            if (bias2) v = v + bias2[j];
            y[r * n + j] = v;
        }
})

void xai_rescale(int path, int64_t m, int64_t n, const int32_t *sums, float sx, const float *scales,
                 const float *bias1, const float *bias2, float *y) {
    rescale_by_path(path, m, n, sums, sx, scales, bias1, bias2, y);
}

// The largest |x[i]|, NaN ignored. max is exact, so any grouping gives the same value.
#define absmax_args int64_t n, const float *restrict x, float *restrict result
FOR_EVERY_PATH(absmax, (absmax_args), (n, x, result), {
    float m = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        const float a = fabsf(x[i]);
        m = a > m ? a : m;
    }
    *result = m;
})

float xai_absmax(int path, int64_t n, const float *x) {
    float m = 0.0f;
    absmax_by_path(path, n, x, &m);
    return m;
}
