#include "xai_allocator.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void xai_keep_freed_blocks(int bytes) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, bytes);
    mallopt(M_TRIM_THRESHOLD, bytes);
#else
    (void)bytes;
#endif
}
