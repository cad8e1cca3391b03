// The C target's headers, as one module for Swift.
#include "xai_kernels.h"
#include "xai_allocator.h"
#include "xai_elementwise.h"
#include "xai_pool.h"
