// Float matrix products with one fixed order of operations (see xai_kernels.h).
//
// The structure is the usual blocked one: B is packed into column panels NR wide, A is read
// in place (only a last, partial row panel is padded), k is cut into blocks of KC, and a
// micro-kernel keeps an MR×NR tile of C in registers. What makes the result independent of
// the machine is that each tile element has exactly one accumulator, fed by fused
// multiply-adds from p = 0 upward; between k-blocks the tile goes to memory and comes back
// unchanged (float32 stores are exact). The tile shape, the block sizes and the vector width
// therefore change the speed, never the bits.
// Built with -ffp-contract=off: the compiler must not fuse or split anything on its own.

#include "xai_kernels.h"
#include <math.h>
#include <pthread.h>

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#endif

// Block sizes (elements): k in blocks of KC; a B micro-panel (KC·NR floats) stays in L1
// while MC_ROWS rows of A pass over it; NC_TILES panels of B are packed at a time.
enum { KC = 256, MC_ROWS = 96, NC_TILES = 64 };

typedef void (*tile_kernel)(int64_t kc, const float *a, int64_t rsa, int64_t csa, const float *b,
                            const float *s, int64_t lds, float *c, int64_t ldc, int load);

// MARK: micro-kernels. A(i, p) = a[i·rsa + p·csa] for the tile's MR rows (A in place, or a
// packed edge panel); b: kc·NR packed; c: the MR×NR tile, ldc apart. load = 0 starts every
// chain from 0, else from s (rows lds apart: C itself, or one start row with lds = 0).

enum { SCALAR_MR = 4, SCALAR_NR = 4 };

static void tile_scalar(int64_t kc, const float *a, int64_t rsa, int64_t csa, const float *b,
                        const float *s, int64_t lds, float *c, int64_t ldc, int load) {
    float acc[SCALAR_MR][SCALAR_NR];
    for (int i = 0; i < SCALAR_MR; i++)
        for (int j = 0; j < SCALAR_NR; j++) acc[i][j] = load ? s[i * lds + j] : 0.0f;
    for (int64_t p = 0; p < kc; p++) {
        const float *ap = a + p * csa, *bp = b + p * SCALAR_NR;
        for (int i = 0; i < SCALAR_MR; i++)
            for (int j = 0; j < SCALAR_NR; j++) acc[i][j] = fmaf(ap[i * rsa], bp[j], acc[i][j]);
    }
    for (int i = 0; i < SCALAR_MR; i++)
        for (int j = 0; j < SCALAR_NR; j++) c[i * ldc + j] = acc[i][j];
}

#if defined(__x86_64__)
enum { AVX512_MR = 12, AVX512_NR = 32 };

__attribute__((target("avx512f")))
static void tile_avx512(int64_t kc, const float *a, int64_t rsa, int64_t csa, const float *b,
                        const float *s, int64_t lds, float *c, int64_t ldc, int load) {
    __m512 acc[AVX512_MR][2];
    for (int i = 0; i < AVX512_MR; i++) {
        acc[i][0] = load ? _mm512_loadu_ps(s + i * lds) : _mm512_setzero_ps();
        acc[i][1] = load ? _mm512_loadu_ps(s + i * lds + 16) : _mm512_setzero_ps();
    }
    for (int64_t p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b + p * AVX512_NR), b1 = _mm512_loadu_ps(b + p * AVX512_NR + 16);
        const float *ap = a + p * csa;
        for (int i = 0; i < AVX512_MR; i++) {
            const __m512 ai = _mm512_set1_ps(ap[i * rsa]);
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < AVX512_MR; i++) {
        _mm512_storeu_ps(c + i * ldc, acc[i][0]);
        _mm512_storeu_ps(c + i * ldc + 16, acc[i][1]);
    }
}

enum { AVX2_MR = 6, AVX2_NR = 16 };

__attribute__((target("avx2,fma")))
static void tile_avx2(int64_t kc, const float *a, int64_t rsa, int64_t csa, const float *b,
                        const float *s, int64_t lds, float *c, int64_t ldc, int load) {
    __m256 acc[AVX2_MR][2];
    for (int i = 0; i < AVX2_MR; i++) {
        acc[i][0] = load ? _mm256_loadu_ps(s + i * lds) : _mm256_setzero_ps();
        acc[i][1] = load ? _mm256_loadu_ps(s + i * lds + 8) : _mm256_setzero_ps();
    }
    for (int64_t p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b + p * AVX2_NR), b1 = _mm256_loadu_ps(b + p * AVX2_NR + 8);
        const float *ap = a + p * csa;
        for (int i = 0; i < AVX2_MR; i++) {
            const __m256 ai = _mm256_broadcast_ss(ap + i * rsa);
            acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
        }
    }
    for (int i = 0; i < AVX2_MR; i++) {
        _mm256_storeu_ps(c + i * ldc, acc[i][0]);
        _mm256_storeu_ps(c + i * ldc + 8, acc[i][1]);
    }
}
#endif

#if defined(__aarch64__)
enum { NEON_MR = 6, NEON_NR = 16 };

static void tile_neon(int64_t kc, const float *a, int64_t rsa, int64_t csa, const float *b,
                        const float *s, int64_t lds, float *c, int64_t ldc, int load) {
    float32x4_t acc[NEON_MR][4];
    for (int i = 0; i < NEON_MR; i++)
        for (int v = 0; v < 4; v++) acc[i][v] = load ? vld1q_f32(s + i * lds + 4 * v) : vdupq_n_f32(0.0f);
    for (int64_t p = 0; p < kc; p++) {
        const float *bp = b + p * NEON_NR, *ap = a + p * csa;
        const float32x4_t b0 = vld1q_f32(bp), b1 = vld1q_f32(bp + 4), b2 = vld1q_f32(bp + 8), b3 = vld1q_f32(bp + 12);
        for (int i = 0; i < NEON_MR; i++) {
            const float32x4_t ai = vdupq_n_f32(ap[i * rsa]);
            // vfmaq_f32(acc, x, y) = acc + x·y with one rounding: the same fma as every path.
            acc[i][0] = vfmaq_f32(acc[i][0], ai, b0);
            acc[i][1] = vfmaq_f32(acc[i][1], ai, b1);
            acc[i][2] = vfmaq_f32(acc[i][2], ai, b2);
            acc[i][3] = vfmaq_f32(acc[i][3], ai, b3);
        }
    }
    for (int i = 0; i < NEON_MR; i++)
        for (int v = 0; v < 4; v++) vst1q_f32(c + i * ldc + 4 * v, acc[i][v]);
}
#endif

// MARK: packing (copies only: no arithmetic, so nothing here touches the bits)

// Rows [0, mc) × columns [0, kc) of A into panels of mr rows: panel r holds, for each p, the
// mr values A(r·mr + i, p), rows past mc as zeros.
static void pack_a(int64_t mc, int64_t kc, const float *a, int64_t rsa, int64_t csa, float *out, int mr) {
    for (int64_t r0 = 0; r0 < mc; r0 += mr) {
        const int64_t rows = mc - r0 < mr ? mc - r0 : mr;
        float *panel = out + r0 * kc;
        if (csa == 1) {
            for (int64_t i = 0; i < rows; i++) {
                const float *src = a + (r0 + i) * rsa;
                for (int64_t p = 0; p < kc; p++) panel[p * mr + i] = src[p];
            }
        } else {
            for (int64_t p = 0; p < kc; p++) {
                const float *src = a + p * csa + r0 * rsa;
                for (int64_t i = 0; i < rows; i++) panel[p * mr + i] = src[i * rsa];
            }
        }
        for (int64_t i = rows; i < mr; i++)
            for (int64_t p = 0; p < kc; p++) panel[p * mr + i] = 0.0f;
    }
}

// Rows [0, kc) × columns [0, nc) of B into panels of nr columns: panel s holds, for each p,
// the nr values B(p, s·nr + j), columns past nc as zeros.
static void pack_b(int64_t kc, int64_t nc, const float *b, int64_t rsb, int64_t csb, float *out, int nr) {
    for (int64_t j0 = 0; j0 < nc; j0 += nr) {
        const int64_t cols = nc - j0 < nr ? nc - j0 : nr;
        float *panel = out + j0 * kc;
        if (csb == 1) {
            for (int64_t p = 0; p < kc; p++) {
                memcpy(panel + p * nr, b + p * rsb + j0, (size_t)cols * sizeof(float));
                for (int64_t j = cols; j < nr; j++) panel[p * nr + j] = 0.0f;
            }
        } else {
            // B transposed: each panel row gathers one element from each of nr columns.
            const float *src = b + j0 * csb;
            for (int64_t p = 0; p < kc; p++) {
                for (int64_t j = 0; j < cols; j++) panel[p * nr + j] = src[j * csb + p * rsb];
                for (int64_t j = cols; j < nr; j++) panel[p * nr + j] = 0.0f;
            }
        }
    }
}

// MARK: the blocked driver

// Packing buffers, one pair per thread (products run on several workers at once), grown as
// needed, kept for the thread's life and freed when it ends.
static _Thread_local float *buffer_a, *buffer_b;
static _Thread_local size_t capacity_a, capacity_b;
static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *unused) {
    (void)unused;
    free(buffer_a); free(buffer_b);
    buffer_a = buffer_b = NULL;
    capacity_a = capacity_b = 0;
}
static void make_buffers_key(void) { pthread_key_create(&buffers_key, free_buffers); }

static float *grow(float **buffer, size_t *capacity, size_t count) {
    if (count <= *capacity) return *buffer;
    // A non-null value makes the key's destructor run at this thread's exit.
    pthread_once(&buffers_once, make_buffers_key);
    pthread_setspecific(buffers_key, (void *)1);
    free(*buffer);
    *buffer = NULL; *capacity = 0;
    size_t bytes = (count * sizeof(float) + 63) / 64 * 64;
    void *p = aligned_alloc(64, bytes);
    if (!p) return NULL;
    *buffer = p; *capacity = bytes / sizeof(float);
    return p;
}

// B as xai_pack laid it out for a k × n B: the product reads its columns [j0, j0 + the
// product's n), j0 at a panel's start.
typedef struct { const float *floats; int64_t n, j0; } packed_b;

// With `packed`, B itself is not read. A is read in place: its tiles' rows are few enough for
// the cache, and only an edge tile (fewer than mr rows) is copied into a zero-padded panel, so
// that no read goes past A.
static int drive(tile_kernel kernel, int mr, int nr, int64_t m, int64_t n, int64_t k,
                 const float *a, int64_t rsa, int64_t csa, const float *b, int64_t rsb, int64_t csb,
                 const packed_b *packed, const float *start, float *c, int64_t ldc, int accumulate) {
    const int64_t ncMax = (int64_t)nr * NC_TILES;
    const int64_t kcMax = k < KC ? k : KC;
    const int64_t ncAlloc = (n < ncMax ? (n + nr - 1) / nr * nr : ncMax);
    float *pa = (m % mr) ? grow(&buffer_a, &capacity_a, (size_t)(mr * kcMax)) : NULL;
    float *pb = packed ? NULL : grow(&buffer_b, &capacity_b, (size_t)(ncAlloc * kcMax));
    if ((m % mr && !pa) || (!pb && !packed)) return -1;
    const int64_t mWhole = m / mr * mr;
    // The packed layout: per k-block pc, pc·nPadded floats in, panels of nr columns kc·nr each.
    const int64_t nPadded = packed ? (packed->n + nr - 1) / nr * nr : 0, j0 = packed ? packed->j0 : 0;
    float tile[16 * 64] __attribute__((aligned(64)));  // an edge tile (mr·nr ≤ 16·64)
    for (int64_t jc = 0; jc < n; jc += ncMax) {
        const int64_t nc = n - jc < ncMax ? n - jc : ncMax;
        for (int64_t pc = 0; pc < k; pc += KC) {
            const int64_t kc = k - pc < KC ? k - pc : KC;
            const int load = accumulate || pc > 0 || start;
            const int fromStart = start && pc == 0;   // chains start from the start row
            if (packed) pb = (float *)packed->floats + pc * nPadded + (j0 + jc) * kc;
            else pack_b(kc, nc, b + pc * rsb + jc * csb, rsb, csb, pb, nr);
            if (pa) pack_a(m - mWhole, kc, a + mWhole * rsa + pc * csa, rsa, csa, pa, mr);
            for (int64_t ic = 0; ic < m; ic += MC_ROWS) {
                const int64_t mc = m - ic < MC_ROWS ? m - ic : MC_ROWS;
                for (int64_t jr = 0; jr < nc; jr += nr) {
                    const int64_t cols = nc - jr < nr ? nc - jr : nr;
                    for (int64_t ir = ic; ir < ic + mc; ir += mr) {
                        const int64_t rows = m - ir < mr ? m - ir : mr;
                        float *ct = c + ir * ldc + jc + jr;
                        const float *s = fromStart ? start + jc + jr : ct;
                        const int64_t lds = fromStart ? 0 : ldc;
                        if (rows == mr && cols == nr) {
                            kernel(kc, a + ir * rsa + pc * csa, rsa, csa, pb + jr * kc, s, lds, ct, ldc, load);
                            continue;
                        }
                        // Edge: the whole tile is computed in `tile`; lanes past the edge
                        // are independent chains on zeros, and are dropped.
                        if (load)
                            for (int64_t i = 0; i < rows; i++)
                                memcpy(tile + i * nr, s + i * lds, (size_t)cols * sizeof(float));
                        if (rows == mr)
                            kernel(kc, a + ir * rsa + pc * csa, rsa, csa, pb + jr * kc, tile, nr, tile, nr, load);
                        else kernel(kc, pa, 1, mr, pb + jr * kc, tile, nr, tile, nr, load);
                        for (int64_t i = 0; i < rows; i++)
                            memcpy(ct + i * ldc, tile + i * nr, (size_t)cols * sizeof(float));
                    }
                }
            }
        }
    }
    return 0;
}

int xai_supported_paths(void) {
    int paths = 1 << XAI_PATH_SCALAR;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) paths |= 1 << XAI_PATH_AVX2;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
        paths |= 1 << XAI_PATH_AVX512;
#endif
#if defined(__aarch64__)
    paths |= 1 << XAI_PATH_NEON;
#endif
    return paths;
}

typedef struct { tile_kernel kernel; int mr, nr; } path_kernel;

static path_kernel kernel_of(int path) {
    switch (path) {
#if defined(__x86_64__)
    case XAI_PATH_AVX512: return (path_kernel){ tile_avx512, AVX512_MR, AVX512_NR };
    case XAI_PATH_AVX2: return (path_kernel){ tile_avx2, AVX2_MR, AVX2_NR };
#endif
#if defined(__aarch64__)
    case XAI_PATH_NEON: return (path_kernel){ tile_neon, NEON_MR, NEON_NR };
#endif
    default: return (path_kernel){ tile_scalar, SCALAR_MR, SCALAR_NR };
    }
}

static int zero_or_keep(int64_t m, int64_t n, float *c, int64_t ldc, int accumulate) {
    if (!accumulate)
        for (int64_t i = 0; i < m; i++) memset(c + i * ldc, 0, (size_t)n * sizeof(float));
    return 0;
}

int xai_sgemm(int path, int64_t m, int64_t n, int64_t k,
              const float *a, int64_t rsa, int64_t csa,
              const float *b, int64_t rsb, int64_t csb,
              float *c, int64_t ldc, int accumulate) {
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0) return zero_or_keep(m, n, c, ldc, accumulate);
    const path_kernel p = kernel_of(path);
    return drive(p.kernel, p.mr, p.nr, m, n, k, a, rsa, csa, b, rsb, csb, NULL, NULL, c, ldc, accumulate);
}

int xai_sgemm_from_row(int path, int64_t m, int64_t n, int64_t k,
                       const float *a, int64_t rsa, int64_t csa,
                       const float *b, int64_t rsb, int64_t csb,
                       const float *start, float *c, int64_t ldc) {
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0) {
        for (int64_t i = 0; i < m; i++) memcpy(c + i * ldc, start, (size_t)n * sizeof(float));
        return 0;
    }
    const path_kernel p = kernel_of(path);
    return drive(p.kernel, p.mr, p.nr, m, n, k, a, rsa, csa, b, rsb, csb, NULL, start, c, ldc, 0);
}

int64_t xai_packed_size(int path, int64_t k, int64_t n) {
    const int nr = kernel_of(path).nr;
    return (n + nr - 1) / nr * nr * k;
}

void xai_pack(int path, int64_t k, int64_t n, const float *b, int64_t rsb, int64_t csb, float *out) {
    const int nr = kernel_of(path).nr;
    const int64_t nPadded = (n + nr - 1) / nr * nr;
    for (int64_t pc = 0; pc < k; pc += KC) {
        const int64_t kc = k - pc < KC ? k - pc : KC;
        pack_b(kc, n, b + pc * rsb, rsb, csb, out + pc * nPadded, nr);
    }
}

int64_t xai_packed_index(int path, int64_t k, int64_t n, int64_t p, int64_t j) {
    const int nr = kernel_of(path).nr;
    const int64_t nPadded = (n + nr - 1) / nr * nr, pc = p / KC * KC;
    const int64_t kc = k - pc < KC ? k - pc : KC;
    return pc * nPadded + (j / nr * nr) * kc + (p - pc) * nr + j % nr;
}

int xai_sgemm_packed(int path, int64_t m, int64_t n, int64_t k,
                     const float *a, int64_t rsa, int64_t csa, const float *packed,
                     float *c, int64_t ldc, int accumulate) {
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0) return zero_or_keep(m, n, c, ldc, accumulate);
    const path_kernel p = kernel_of(path);
    const packed_b whole = { packed, n, 0 };
    return drive(p.kernel, p.mr, p.nr, m, n, k, a, rsa, csa, NULL, 0, 0, &whole, NULL, c, ldc, accumulate);
}

int xai_panel_width(int path) { return kernel_of(path).nr; }

int xai_sgemm_packed_columns(int path, int64_t m, int64_t n, int64_t k,
                             const float *a, int64_t rsa, int64_t csa,
                             const float *packed, int64_t packed_n, int64_t j0,
                             const float *start, float *c, int64_t ldc) {
    const path_kernel p = kernel_of(path);
    if (j0 < 0 || j0 % p.nr != 0 || n > packed_n - j0) return -1;
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0) {
        for (int64_t i = 0; i < m; i++) {
            if (start) memcpy(c + i * ldc, start, (size_t)n * sizeof(float));
            else memset(c + i * ldc, 0, (size_t)n * sizeof(float));
        }
        return 0;
    }
    const packed_b part = { packed, packed_n, j0 };
    return drive(p.kernel, p.mr, p.nr, m, n, k, a, rsa, csa, NULL, 0, 0, &part, start, c, ldc, 0);
}
