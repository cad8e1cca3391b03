import Foundation

/// Where a session's relative paths resolve, and the folder it may not leave when one is set.
public struct PathSandbox {
    /// Relative paths in load/save resolve against this folder (the script's folder in `xai run`).
    public var baseDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    /// When set, files may only be read or written inside this folder (the fuzz test sets it).
    public var root: URL?

    /// The absolute, standardised URL of `path` (`~` expanded), or an error when it leaves `root`.
    public func resolve(_ path: String) throws -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        let url =
            (expanded.hasPrefix("/")
            ? URL(fileURLWithPath: expanded)
            : baseDirectory.appendingPathComponent(expanded)).standardizedFileURL
        if let root, !url.path.hasPrefix(root.standardizedFileURL.path + "/") {
            throw RuntimeError("\(path) is outside the folder this session may use (\(root.path))")
        }
        return url
    }
}
