#if os(Linux)
import CBLAS
#endif

/// Allocator settings for training loops. glibc returns large blocks (≥ 128 KiB at first) to
/// the kernel on free, so every batch's buffers would be page-faulted and zeroed afresh;
/// keeping them in the heap up to 1 GiB makes a training step reuse the last step's memory.
public enum Memory {
    public static func configure() {
        #if os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 1 << 30)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 30)
        #endif
    }
}
