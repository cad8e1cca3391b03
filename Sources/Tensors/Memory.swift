import CKernels

/// Allocator settings for training loops. glibc returns large blocks (≥ 128 KiB at first) to
/// the kernel on free, so every batch's buffers would be page-faulted and zeroed afresh;
/// keeping blocks up to 32 MiB (glibc's limit) in a heap that is never trimmed below 1 GiB
/// makes a training step reuse the last step's memory.
public enum Memory {
    public static func configure() {
        xai_keep_freed_blocks(1 << 30)
    }
}
