#include "xai_allocator.h"

#include <stdlib.h>   // defines __GLIBC__ where the C library is glibc
#if defined(__GLIBC__)
#include <malloc.h>
#endif

void xai_keep_freed_blocks(int bytes) {
#if defined(__GLIBC__)
    // glibc refuses mmap thresholds above 32 MiB (4 MiB · sizeof(long)), and ignores the
    // whole setting then: blocks up to that size come from the heap, larger ones are mapped.
    const int mmapMax = 4 * 1024 * 1024 * (int)sizeof(long);
    mallopt(M_MMAP_THRESHOLD, bytes < mmapMax ? bytes : mmapMax);
    mallopt(M_TRIM_THRESHOLD, bytes);
#else
    (void)bytes;
#endif
}
