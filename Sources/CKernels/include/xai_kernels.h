// xai's compute kernels: matrix products whose every output element is one chain of fused
// multiply-adds over k = 0, 1, 2, … started from 0 (or from C's value when accumulating).
// Each CPU path (AVX-512, AVX2+FMA, NEON, portable scalar `fmaf`) computes that same chain,
// so the bits do not depend on the CPU, the path, the blocking or the thread count.
#ifndef XAI_KERNELS_H
#define XAI_KERNELS_H

#include <stdint.h>

/// The kernel paths. A build holds the paths its architecture can run.
enum {
    XAI_PATH_SCALAR = 0,
    XAI_PATH_AVX2 = 1,
    XAI_PATH_AVX512 = 2,
    XAI_PATH_NEON = 3,
};

/// Bit (1 << path) is set for every path this CPU can run.
int xai_supported_paths(void);

/// C = A·B, or C += A·B when `accumulate` is non-zero, for an m×k A and a k×n B given by
/// strides: A(i, p) = a[i·rsa + p·csa], B(p, j) = b[p·rsb + j·csb], C(i, j) = c[i·ldc + j].
/// Each C(i, j) is fma(A(i, k−1), B(k−1, j), … fma(A(i, 0), B(0, j), start)) with start 0 or
/// C(i, j). Returns 0, or −1 when the packing buffers could not be allocated.
int xai_sgemm(int path, int64_t m, int64_t n, int64_t k,
              const float *a, int64_t rsa, int64_t csa,
              const float *b, int64_t rsb, int64_t csb,
              float *c, int64_t ldc, int accumulate);

/// The same with every row of C's chains starting from `start` (n values, e.g. a bias), so
/// that C(i, j) = fma(…, fma(A(i, 0), B(0, j), start[j])). C is only written.
int xai_sgemm_from_row(int path, int64_t m, int64_t n, int64_t k,
                       const float *a, int64_t rsa, int64_t csa,
                       const float *b, int64_t rsb, int64_t csb,
                       const float *start, float *c, int64_t ldc);

/// B laid out once for several products with it (the same B at every step of a recurrent
/// layer): xai_packed_size floats, filled by xai_pack for `path`, used by xai_sgemm_packed
/// on the same path. The bits are those of xai_sgemm with the same B.
int64_t xai_packed_size(int path, int64_t k, int64_t n);
void xai_pack(int path, int64_t k, int64_t n, const float *b, int64_t rsb, int64_t csb, float *out);
/// Where B(p, j) lies in the packed layout.
int64_t xai_packed_index(int path, int64_t k, int64_t n, int64_t p, int64_t j);
int xai_sgemm_packed(int path, int64_t m, int64_t n, int64_t k,
                     const float *a, int64_t rsa, int64_t csa, const float *packed,
                     float *c, int64_t ldc, int accumulate);

/// The width of the column panels of `path`'s packed layout (the kernel's tile width).
int xai_panel_width(int path);
/// Columns [j0, j0 + n) of a product with a packed B (xai_pack of a k × packed_n B, j0 a
/// multiple of xai_panel_width): C(i, j) = fma(…, fma(A(i, 0), B(0, j0 + j), start[j])), or
/// from 0 when `start` is NULL. C is only written. Workers that each take a block of columns
/// share one packed B. Returns 0, or −1 when j0 is not at a panel's start, the columns pass
/// packed_n, or the buffer for A could not be allocated.
int xai_sgemm_packed_columns(int path, int64_t m, int64_t n, int64_t k,
                             const float *a, int64_t rsa, int64_t csa,
                             const float *packed, int64_t packed_n, int64_t j0,
                             const float *start, float *c, int64_t ldc);

/// C(i, j) = Σₚ A(i, p)·B(j, p) in 32-bit integers, for an m×k int8 A and an n×k int8 B
/// (both row-major, rows `lda` and `ldb` apart). Exact whenever every result fits in int32
/// (k ≤ 133,000 for any codes), so every path gives the same result. Returns 0, or −1 when
/// out of memory.
int xai_s8gemm(int path, int64_t m, int64_t n, int64_t k,
               const int8_t *a, int64_t lda, const int8_t *b, int64_t ldb,
               int32_t *c, int64_t ldc);

/// The same with B laid out once (a quantized layer's weights): xai_s8_packed_size bytes,
/// filled by xai_s8_pack for `path`, used by xai_s8gemm_packed on the same path.
int64_t xai_s8_packed_size(int path, int64_t n, int64_t k);
void xai_s8_pack(int path, int64_t n, int64_t k, const int8_t *b, int64_t ldb, void *out);
int xai_s8gemm_packed(int path, int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                      const void *packed, int32_t *c, int64_t ldc);

/// A quantized layer's product in one pass: x (m×k floats) quantized with scale sx as
/// xai_quantize does, multiplied by the packed codes in int32, and each sum s written as
/// y[i·n + j] = (float)s·sx·scales[j] (+ bias1[j]) (+ bias2[j]); either bias may be NULL.
/// The same bits as xai_quantize, xai_s8gemm_packed and xai_rescale in turn.
int xai_s8_linear(int path, int64_t m, int64_t n, int64_t k, const float *x, float sx, const void *packed,
                  const float *scales, const float *bias1, const float *bias2, float *y);

#endif
