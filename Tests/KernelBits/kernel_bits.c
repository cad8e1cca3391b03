// Prints one digest of the bits of many products (and of the elementwise kernels) for every
// kernel path the CPU runs. Built
// for this machine and for ARM64 (run under emulation), the digests must all be equal: the
// products are the same bits on every CPU and path. scripts/test.sh compares them.

#include "xai_elementwise.h"
#include "xai_kernels.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 0x9E3779B97F4A7C15ULL;

// xorshift64*: a portable stream of test values (exactly representable, both signs).
static float next_value(void) {
    state ^= state >> 12; state ^= state << 25; state ^= state >> 27;
    const uint64_t r = state * 0x2545F4914F6CDD1DULL;
    return (float)((int64_t)(r >> 40) - (1 << 23)) / (float)(1 << 23);
}

static uint64_t digest(uint64_t h, const void *bytes, size_t count) {
    const unsigned char *p = bytes;
    for (size_t i = 0; i < count; i++) { h ^= p[i]; h *= 0x100000001B3ULL; }  // FNV-1a
    return h;
}

static const char *names[] = { "scalar", "avx2", "avx512", "neon" };

int main(void) {
    static const int64_t sizes[] = { 1, 7, 17, 63, 65, 257 };
    const int count = sizeof sizes / sizeof sizes[0];
    const int supported = xai_supported_paths();
    for (int path = 0; path < 4; path++) {
        if (!(supported & (1 << path))) continue;
        state = 0x9E3779B97F4A7C15ULL;
        uint64_t h = 0xCBF29CE484222325ULL;
        for (int x = 0; x < count; x++)
            for (int y = 0; y < count; y++)
                for (int z = 0; z < count; z++) {
                    const int64_t m = sizes[x], n = sizes[y], k = sizes[z];
                    const int trans = (x + y + z) % 4, accumulate = (x + z) % 2;
                    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n), *c = malloc(sizeof(float) * m * n);
                    int8_t *qa = malloc(m * k), *qb = malloc(n * k);
                    int32_t *qc = malloc(sizeof(int32_t) * m * n);
                    if (!a || !b || !c || !qa || !qb || !qc) return 2;
                    for (int64_t i = 0; i < m * k; i++) { a[i] = next_value(); qa[i] = (int8_t)(a[i] * 127); }
                    for (int64_t i = 0; i < k * n; i++) { b[i] = next_value(); qb[i] = (int8_t)(b[i] * 127); }
                    for (int64_t i = 0; i < m * n; i++) c[i] = next_value();
                    const int ta = trans & 1, tb = trans >> 1;
                    if (xai_sgemm(path, m, n, k, a, ta ? 1 : k, ta ? m : 1, b, tb ? 1 : n, tb ? k : 1, c, n, accumulate)) return 2;
                    h = digest(h, c, sizeof(float) * m * n);
                    if (xai_s8gemm(path, m, n, k, qa, k, qb, k, qc, n)) return 2;
                    h = digest(h, qc, sizeof(int32_t) * m * n);
                    free(a); free(b); free(c); free(qa); free(qb); free(qc);
                }
        // The elementwise kernels on the same stream: GELU with its slope, and Adam steps.
        enum { N = 4099 };
        static float x[N], y[N], slope[N], w[N], m[N], v[N], g[N];
        for (int i = 0; i < N; i++) { x[i] = next_value() * 12; w[i] = next_value(); m[i] = 0; v[i] = 0; g[i] = next_value(); }
        xai_gelu(path, N, x, y, slope);
        h = digest(h, y, sizeof y);
        h = digest(h, slope, sizeof slope);
        for (int step = 0; step < 3; step++) xai_adam(path, N, w, m, v, g, 0.01f, 0.9f, 0.1f, 0.999f, 0.001f, 0.003f, 0.2f, 1e-8f);
        h = digest(h, w, sizeof w);
        const float peak = xai_absmax(path, N, x);
        h = digest(h, &peak, sizeof peak);
        printf("%s %016llx\n", names[path], (unsigned long long)h);
    }
    return 0;
}
