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
