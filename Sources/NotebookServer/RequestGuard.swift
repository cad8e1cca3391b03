import FlyingFox
import Foundation
import Lang

/// Who may talk to the notebook server, which runs code: requests must carry the token (in the
/// URL or its cookie), name the server itself as Host (a DNS-rebinding page names its own), and
/// come from the server's own page when they say where they come from (Origin).
final class RequestGuard: @unchecked Sendable {
    /// 32 random bytes, hex: the secret of the URL the server prints.
    let token: String
    let host: String
    private let lock = NSLock()
    private var boundPort: UInt16 = 0

    init(host: String) {
        var g = SystemRandomNumberGenerator()
        token = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
        self.host = host
    }

    var port: UInt16 {
        get { lock.lock(); defer { lock.unlock() }; return boundPort }
        set { lock.lock(); boundPort = newValue; lock.unlock() }
    }

    /// The cookie is per port: browsers share cookies between the ports of one host.
    var cookieName: String { "xai_token_\(port)" }

    /// The Host values that name this server.
    var hosts: Set<String> {
        var names = [host]
        if host == "127.0.0.1" || host == "localhost" { names += ["127.0.0.1", "localhost"] }
        if host == "0.0.0.0" { names += ["127.0.0.1", "localhost", ProcessInfo.processInfo.hostName] }
        return Set(names.map { "\($0.lowercased()):\(port)" })
    }

    enum Verdict: Equatable { case allowed, forbidden(String) }

    func check(_ request: HTTPRequest) -> Verdict {
        guard let h = request.headers[.host]?.lowercased(), hosts.contains(h) else {
            return .forbidden("the Host header does not name this server")
        }
        if let origin = request.headers[HTTPHeader("Origin")]?.lowercased(),
           !hosts.contains(where: { "http://" + $0 == origin }) {
            return .forbidden("the request comes from another site")
        }
        guard let given = presentedToken(request), RequestGuard.same(given, token) else {
            return .forbidden("a token is needed: open the URL xai notebook printed")
        }
        return .allowed
    }

    func presentedToken(_ request: HTTPRequest) -> String? {
        if let q = request.query.first(where: { $0.name == "token" }) { return q.value }
        for header in request.headers.values(for: .cookie) {
            for part in header.split(separator: ";") {
                let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
                if kv.count == 2 && kv[0] == cookieName { return String(kv[1]) }
            }
        }
        return nil
    }

    /// Compares in time that does not depend on where the strings differ.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var d: UInt8 = 0
        for (p, q) in zip(x, y) { d |= p ^ q }
        return d == 0
    }
}

/// The folders the server (and the session's file builtins) may read and write: the
/// notebook's folder tree and the `--allow-path` folders.
struct FileAccess: Sendable {
    let roots: [URL]

    /// The file at `path` (relative to the first root, or absolute) when it is inside a root
    /// after `..` and symbolic links are resolved; nil otherwise.
    func resolve(_ path: String) -> URL? {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path)
            : roots[0].appendingPathComponent(path)
        let real = url.standardizedFileURL.resolvingSymlinksInPath()
        return roots.contains { PathSandbox.contains($0, real) } ? real : nil
    }
}
