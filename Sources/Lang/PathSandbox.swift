import Foundation

/// Where a session's relative paths resolve, and the folder it may not leave when one is set.
public struct PathSandbox {
    /// Relative paths in load/save resolve against this folder (the script's folder in `xai run`).
    public var baseDirectory = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    /// When set, files may only be read or written inside this folder (the fuzz test sets it).
    public var root: URL?
    /// More folders a session with a `root` may use (`xai notebook --allow-path`).
    public var alsoAllowed: [URL] = []

    /// Whether `url` is inside `folder`, after `..` and symbolic links (of the part that exists)
    /// are resolved in both: a link inside the folder to a file outside it is outside.
    public static func contains(_ folder: URL, _ url: URL) -> Bool {
        let base = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let path = url.standardizedFileURL.resolvingSymlinksInPath().path
        return path.hasPrefix(base.hasSuffix("/") ? base : base + "/")
    }

    /// The absolute, standardised URL of `path` (`~` expanded), or an error when it leaves `root`.
    public func resolve(_ path: String) throws -> URL {
        let expanded = (path as NSString).expandingTildeInPath
        let url =
            (expanded.hasPrefix("/")
            ? URL(fileURLWithPath: expanded)
            : baseDirectory.appendingPathComponent(expanded)).standardizedFileURL
        if let root, !([root] + alsoAllowed).contains(where: { PathSandbox.contains($0, url) }) {
            throw RuntimeError("\(path) is outside the folder this session may use (\(root.path))")
        }
        return url
    }
}
