// int8 × int8 → int32 products for quantized layers (see xai_kernels.h). Integer sums are
// exact and associative, so the paths may group them differently and still agree bit for bit.
//
// Like the float kernels, these vectorise across output columns and keep a tile of C in
// registers. B (the weights, n×k) is laid out once, in groups of k: for each group, each
// column's values side by side, so that one vector multiply-add consumes a group for 16 (or 8)
// columns at once.
// - AVX-512 VNNI: dpbusd multiplies unsigned by signed bytes in groups of 4. A is shifted to
//   unsigned (a + 128) and 128·Σₚ B(p, j) subtracted at the end. Both sums wrap modulo 2³²,
//   so the difference is the exact result whenever that fits in int32.
// - AVX2 (and AVX-512 without VNNI): madd_epi16 on codes widened to int16, groups of 2.
// - scalar and NEON: plain int32 sums over B as given.

#include "xai_kernels.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum { ROWS = 4, LAYOUT_PLAIN = 0, LAYOUT_PAIRS = 1, LAYOUT_QUADS = 2 };

// What a kernel does with each finished sum s = C(i, j): store it as int32, or store the float
// (float)s·sx·scales[j] (+ bias1[j]) (+ bias2[j]) in that order (a quantized layer's output).
typedef struct {
    int32_t *sums; int64_t ldc;
    float *y; float sx; const float *scales, *bias1, *bias2;
} s8_output;

static inline __attribute__((always_inline)) float rescaled(int32_t s, const s8_output *o, int64_t j) {
    float v = (float)s * o->sx * o->scales[j];
    if (o->bias1) v = v + o->bias1[j];
    if (o->bias2) v = v + o->bias2[j];
    return v;
}

// Stores a finished tile of `rows` × `cols` sums held in `tile` (`width` apart) at row i0,
// column j0 of the output.
// Inlined into each kernel, so that the rescaling vectorises with the kernel's instructions.
static inline __attribute__((always_inline))
void finish_tile(const int32_t *tile, int64_t width, int64_t rows, int64_t cols, int64_t i0, int64_t j0,
                 const s8_output *o) {
    for (int64_t r = 0; r < rows; r++) {
        if (o->sums) {
            memcpy(o->sums + (i0 + r) * o->ldc + j0, tile + r * width, (size_t)cols * sizeof(int32_t));
            continue;
        }
        float *restrict out = o->y + (i0 + r) * o->ldc + j0;
        const int32_t *restrict sums = tile + r * width;
        for (int64_t j = 0; j < cols; j++) out[j] = rescaled(sums[j], o, j0 + j);
    }
}

// Which layout (and kernel) a path uses on this CPU.
static int layout_of(int path) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (path == XAI_PATH_AVX512 && __builtin_cpu_supports("avx512vnni")) return LAYOUT_QUADS;
    if (path == XAI_PATH_AVX512 || path == XAI_PATH_AVX2) return LAYOUT_PAIRS;
#else
    (void)path;
#endif
    return LAYOUT_PLAIN;
}

// The int8 code of x / sx: clamped to [−127, 127], rounded half to even, NaN as 0 (as
// xai_quantize computes it).
static inline __attribute__((always_inline)) int8_t code(float x, float sx) {
    float v = x / sx;
    v = v > 127.0f ? 127.0f : v;
    v = v < -127.0f ? -127.0f : v;
    v = v == v ? v : 0.0f;
    return (int8_t)(int32_t)nearbyintf(v);
}

// Group counts and padded column counts of each layout.
static int64_t groups_of(int layout, int64_t k) { return layout == LAYOUT_QUADS ? (k + 3) / 4 : (k + 1) / 2; }
static int64_t padded_columns(int layout, int64_t n) {
    return layout == LAYOUT_QUADS ? (n + 31) / 32 * 32 : (n + 15) / 16 * 16;
}

int64_t xai_s8_packed_size(int path, int64_t n, int64_t k) {
    const int layout = layout_of(path);
    const int64_t g = groups_of(layout, k), np = padded_columns(layout, n);
    switch (layout) {
    case LAYOUT_QUADS: return 4 * g * np + (int64_t)sizeof(int32_t) * np;
    case LAYOUT_PAIRS: return (int64_t)sizeof(int16_t) * 2 * g * np;
    default: return n * k;
    }
}

void xai_s8_pack(int path, int64_t n, int64_t k, const int8_t *b, int64_t ldb, void *out) {
    const int layout = layout_of(path);
    const int64_t g = groups_of(layout, k), np = padded_columns(layout, n);
    if (layout == LAYOUT_QUADS) {
        int8_t *q = out;
        int32_t *shift = (int32_t *)(q + 4 * g * np);   // 128·Σₚ B(p, j), modulo 2³²
        memset(q, 0, (size_t)(4 * g * np));
        for (int64_t j = 0; j < np; j++) {
            uint32_t sum = 0;
            if (j < n)
                for (int64_t p = 0; p < k; p++) {
                    q[(p / 4) * 4 * np + 4 * j + (p & 3)] = b[j * ldb + p];
                    sum += (uint32_t)(int32_t)b[j * ldb + p];
                }
            shift[j] = (int32_t)(sum * 128u);
        }
    } else if (layout == LAYOUT_PAIRS) {
        int16_t *w = out;
        memset(w, 0, sizeof(int16_t) * (size_t)(2 * g * np));
        for (int64_t j = 0; j < n; j++)
            for (int64_t p = 0; p < k; p++) w[(p / 2) * 2 * np + 2 * j + (p & 1)] = b[j * ldb + p];
    } else {
        int8_t *q = out;
        for (int64_t j = 0; j < n; j++) memcpy(q + j * k, b + j * ldb, (size_t)k);
    }
}

// A converted for one call (rows padded to ROWS), kept per thread, grown as needed and freed
// when the thread ends.
static _Thread_local void *converted;
static _Thread_local size_t converted_bytes;
static pthread_key_t converted_key;
static pthread_once_t converted_once = PTHREAD_ONCE_INIT;

static void free_converted(void *unused) {
    (void)unused;
    free(converted);
    converted = NULL;
    converted_bytes = 0;
}
static void make_converted_key(void) { pthread_key_create(&converted_key, free_converted); }

static void *scratch(size_t bytes) {
    if (bytes <= converted_bytes) return converted;
    pthread_once(&converted_once, make_converted_key);
    pthread_setspecific(converted_key, (void *)1);
    free(converted);
    converted = aligned_alloc(64, (bytes + 63) / 64 * 64);
    converted_bytes = converted ? (bytes + 63) / 64 * 64 : 0;
    return converted;
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static int s8_pairs(int64_t m, int64_t n, int64_t k, const int8_t *a, const float *x, float sx, int64_t lda,
                    const int16_t *w, const s8_output *o) {
    const int64_t g = groups_of(LAYOUT_PAIRS, k), np = padded_columns(LAYOUT_PAIRS, n);
    const int64_t mp = (m + ROWS - 1) / ROWS * ROWS;
    int16_t *aw = scratch(sizeof(int16_t) * (size_t)(2 * g * mp));
    if (!aw) return -1;
    // Zeros in the padding past k and in the rows past m.
    memset(aw + m * 2 * g, 0, sizeof(int16_t) * (size_t)(2 * g * (mp - m)));
    for (int64_t i = 0; i < m; i++) {
        int16_t *row = aw + i * 2 * g;
        if (a) for (int64_t p = 0; p < k; p++) row[p] = a[i * lda + p];
        else for (int64_t p = 0; p < k; p++) row[p] = code(x[i * lda + p], sx);
        for (int64_t p = k; p < 2 * g; p++) row[p] = 0;
    }
    int32_t tile[ROWS * 16] __attribute__((aligned(64)));
    for (int64_t i0 = 0; i0 < mp; i0 += ROWS) {
        const int32_t *rows = (const int32_t *)(aw + i0 * 2 * g);   // one int32 = one pair
        for (int64_t j0 = 0; j0 < np; j0 += 16) {
            __m256i acc[ROWS][2];
            for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
            for (int64_t q = 0; q < g; q++) {
                const int16_t *bq = w + q * 2 * np + 2 * j0;
                const __m256i b0 = _mm256_loadu_si256((const __m256i *)bq);
                const __m256i b1 = _mm256_loadu_si256((const __m256i *)(bq + 16));
                for (int r = 0; r < ROWS; r++) {
                    const __m256i x = _mm256_set1_epi32(rows[r * g + q]);
                    acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(x, b0));
                    acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(x, b1));
                }
            }
            const int64_t rowsHere = m - i0 < ROWS ? m - i0 : ROWS, cols = n - j0 < 16 ? n - j0 : 16;
            for (int r = 0; r < ROWS; r++) {
                _mm256_store_si256((__m256i *)(tile + r * 16), acc[r][0]);
                _mm256_store_si256((__m256i *)(tile + r * 16 + 8), acc[r][1]);
            }
            finish_tile(tile, 16, rowsHere, cols, i0, j0, o);
        }
    }
    return 0;
}

__attribute__((target("avx512f,avx512bw,avx512vnni")))
static int s8_quads(int64_t m, int64_t n, int64_t k, const int8_t *a, const float *x, float sx, int64_t lda,
                    const int8_t *w, const s8_output *o) {
    const int64_t g = groups_of(LAYOUT_QUADS, k), np = padded_columns(LAYOUT_QUADS, n);
    const int64_t mp = (m + ROWS - 1) / ROWS * ROWS;
    const int32_t *shift = (const int32_t *)(w + 4 * g * np);
    uint8_t *au = scratch((size_t)(4 * g * mp));
    if (!au) return -1;
    // 128 stands for a code of 0: in the padding past k and in the rows past m.
    memset(au + m * 4 * g, 128, (size_t)(4 * g * (mp - m)));
    for (int64_t i = 0; i < m; i++) {
        uint8_t *row = au + i * 4 * g;
        if (a) for (int64_t p = 0; p < k; p++) row[p] = (uint8_t)(a[i * lda + p] + 128);
        else for (int64_t p = 0; p < k; p++) row[p] = (uint8_t)(code(x[i * lda + p], sx) + 128);
        for (int64_t p = k; p < 4 * g; p++) row[p] = 128;
    }
    int32_t tile[ROWS * 32] __attribute__((aligned(64)));
    for (int64_t i0 = 0; i0 < mp; i0 += ROWS) {
        const int32_t *rows = (const int32_t *)(au + i0 * 4 * g);   // one int32 = four bytes
        for (int64_t j0 = 0; j0 < np; j0 += 32) {
            __m512i acc[ROWS][2];
            for (int r = 0; r < ROWS; r++) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
            for (int64_t q = 0; q < g; q++) {
                const int8_t *bq = w + q * 4 * np + 4 * j0;
                const __m512i b0 = _mm512_loadu_si512(bq), b1 = _mm512_loadu_si512(bq + 64);
                for (int r = 0; r < ROWS; r++) {
                    const __m512i x = _mm512_set1_epi32(rows[r * g + q]);
                    acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], x, b0);
                    acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], x, b1);
                }
            }
            const __m512i s0 = _mm512_loadu_si512(shift + j0), s1 = _mm512_loadu_si512(shift + j0 + 16);
            const int64_t rowsHere = m - i0 < ROWS ? m - i0 : ROWS, cols = n - j0 < 32 ? n - j0 : 32;
            for (int r = 0; r < ROWS; r++) {
                _mm512_store_si512(tile + r * 32, _mm512_sub_epi32(acc[r][0], s0));
                _mm512_store_si512(tile + r * 32 + 16, _mm512_sub_epi32(acc[r][1], s1));
            }
            finish_tile(tile, 32, rowsHere, cols, i0, j0, o);
        }
    }
    return 0;
}
#endif

// The product for codes `a` (or for x quantized by sx when `a` is NULL), finished by `o`.
static int s8_product(int path, int64_t m, int64_t n, int64_t k, const int8_t *a, const float *x, float sx, int64_t lda,
                      const void *packed, const s8_output *o) {
    if (m <= 0 || n <= 0) return 0;
    switch (k > 0 ? layout_of(path) : LAYOUT_PLAIN) {
#if defined(__x86_64__)
    case LAYOUT_QUADS: return s8_quads(m, n, k, a, x, sx, lda, packed, o);
    case LAYOUT_PAIRS: return s8_pairs(m, n, k, a, x, sx, lda, packed, o);
#endif
    default: {
        const int8_t *b = packed;
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
                int32_t s = 0;
                for (int64_t p = 0; p < k; p++)
                    s += (int32_t)(a ? a[i * lda + p] : code(x[i * lda + p], sx)) * (int32_t)b[j * k + p];
                finish_tile(&s, 1, 1, 1, i, j, o);
            }
        return 0;
    }
    }
}

int xai_s8gemm_packed(int path, int64_t m, int64_t n, int64_t k, const int8_t *a, int64_t lda,
                      const void *packed, int32_t *c, int64_t ldc) {
    const s8_output o = { c, ldc, NULL, 1, NULL, NULL, NULL };
    return s8_product(path, m, n, k, a, NULL, 1, lda, packed, &o);
}

int xai_s8_linear(int path, int64_t m, int64_t n, int64_t k, const float *x, float sx, const void *packed,
                  const float *scales, const float *bias1, const float *bias2, float *y) {
    const s8_output o = { NULL, n, y, sx, scales, bias1, bias2 };
    return s8_product(path, m, n, k, NULL, x, sx, k, packed, &o);
}

int xai_s8gemm(int path, int64_t m, int64_t n, int64_t k,
               const int8_t *a, int64_t lda, const int8_t *b, int64_t ldb,
               int32_t *c, int64_t ldc) {
    if (m <= 0 || n <= 0) return 0;
    void *packed = malloc((size_t)xai_s8_packed_size(path, n, k) + 1);
    if (!packed) return -1;
    xai_s8_pack(path, n, k, b, ldb, packed);
    const int status = xai_s8gemm_packed(path, m, n, k, a, lda, packed, c, ldc);
    free(packed);
    return status;
}
