// OpenBLAS's CBLAS interface (Debian: libopenblas-dev, pkg-config `openblas`).
#include <cblas.h>
// Not part of CBLAS proper: OpenBLAS's own thread controls.
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char *openblas_get_config(void);
char *openblas_get_corename(void);
// Not BLAS either: glibc's allocator controls (mallopt), used by the engine's Memory settings.
#include <malloc.h>
