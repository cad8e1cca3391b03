// The allocator setting for training loops (glibc's mallopt, which Swift's Glibc module
// does not expose).
#ifndef XAI_ALLOCATOR_H
#define XAI_ALLOCATOR_H

/// Keeps freed blocks up to `bytes` in the heap instead of returning them to the kernel, so a
/// training step reuses the last step's buffers rather than page-faulting fresh ones. Does
/// nothing where the C library has no such setting.
void xai_keep_freed_blocks(int bytes);

#endif
