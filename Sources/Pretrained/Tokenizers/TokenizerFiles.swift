import Foundation

/// Reading a tokenizer's files: whole files of bounded size, JSON objects, text lines.
enum TokenizerFiles {
    /// No tokenizer file is read past this size (the largest real ones are tens of MB).
    static let sizeLimit = 1 << 30

    static func exists(_ url: URL) -> Bool {
        var info = stat()
        return stat(url.path, &info) == 0
    }

    /// The bytes of a regular file no larger than `sizeLimit`.
    static func read(_ url: URL) throws -> Data {
        let name = url.lastPathComponent
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            throw TokenizerFileError("cannot read \(name) (\(url.path)): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            throw TokenizerFileError("\(name) (\(url.path)) should be a regular file, found \(kind(info.st_mode))")
        }
        guard Int(info.st_size) <= sizeLimit else {
            throw TokenizerFileError("\(name) is \(info.st_size) bytes; tokenizer files larger than 1 GB "
                                     + "(\(sizeLimit) bytes) are not read")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TokenizerFileError("cannot read \(name) (\(url.path)): \(error.localizedDescription)")
        }
        // The file may have grown between the size check and the read.
        guard data.count <= sizeLimit else {
            throw TokenizerFileError("\(name) is over 1 GB (\(sizeLimit) bytes); such files are not read")
        }
        return data
    }

    /// The lines of a UTF-8 text file, split at "\n", "\r\n" or "\r" (as Python reads text
    /// files); a final line break does not start an empty line, and a byte-order mark stays.
    static func lines(_ url: URL) throws -> [String] {
        let bytes = [UInt8](try read(url))
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw TokenizerFileError("\(url.lastPathComponent) should be UTF-8 text, found bytes that are not UTF-8")
        }
        var lines: [String] = []
        var start = 0, i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A || b == 0x0D {
                lines.append(String(decoding: bytes[start..<i], as: UTF8.self))
                if b == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1 }
                start = i + 1
            }
            i += 1
        }
        if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return lines
    }

    /// A JSON file whose top level is an object.
    static func jsonObject(_ url: URL) throws -> [String: Any] {
        let name = url.lastPathComponent
        let data = try read(url)
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw TokenizerFileError("\(name) is not valid JSON: \(detail ?? error.localizedDescription)")
        }
        guard let object = value as? [String: Any] else {
            throw TokenizerFileError("\(name) should hold a JSON object, found \(JSONField.describe(value))")
        }
        return object
    }

    private static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "a folder"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        default: return "something that is not a regular file"
        }
    }
}
