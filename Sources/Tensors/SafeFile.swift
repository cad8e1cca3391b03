import Foundation

/// Writing a whole file so that readers only ever see the old contents or the new ones, and
/// never over something that is not a regular file.
///
/// - A symbolic link is written through: its target gets the new contents, the link stays.
/// - An existing target must be a regular file: a device (/dev/null), a FIFO or a folder is an
///   error, not something to replace with a file.
/// - The new file keeps the old one's permission bits (new files get 0644 less the umask).
/// - The contents go to a temporary file beside the target, flushed to disk, then renamed over
///   it; on any failure the temporary file is removed.
public enum SafeFile {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static func write(_ data: Data, to url: URL) throws {
        let target = url.standardizedFileURL.resolvingSymlinksInPath()
        let path = target.path
        var mode: mode_t = 0o666
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else {
                throw Failure(description: "\(url.path) is not a regular file (\(kind(info.st_mode))); only regular "
                                           + "files are replaced")
            }
            mode = info.st_mode & 0o7777
        } else if errno != ENOENT {
            throw Failure(description: "cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
        let folder = target.deletingLastPathComponent().path
        let temporary = folder + "/." + target.lastPathComponent
            + ".xai-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw Failure(description: "cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
        var written = false
        defer { if !written { unlink(temporary) } }
        // An existing file's bits exactly (open applies the umask to new ones only).
        if mode != 0o666 { fchmod(fd, mode) }
        let ok = data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        let error = errno
        guard ok, fsync(fd) == 0 else {
            close(fd)
            throw Failure(description: "cannot write \(url.path): \(String(cString: strerror(ok ? errno : error)))")
        }
        close(fd)
        guard rename(temporary, path) == 0 else {
            throw Failure(description: "cannot write \(url.path): \(String(cString: strerror(errno)))")
        }
        written = true
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }
}
