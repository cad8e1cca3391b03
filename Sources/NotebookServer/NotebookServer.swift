import FlyingFox
import Foundation
import Lang
import Pictures

/// `xai notebook FILE.xai`: an HTTP + WebSocket server on FlyingFox for one notebook. It serves
/// the page (one self-contained HTML document), the WebSocket the page talks over, and files of
/// the notebook's folder tree; every request is checked by `RequestGuard` first.
public final class NotebookServer: @unchecked Sendable {
    public let hub: NotebookHub
    let guardian: RequestGuard
    let files: FileAccess
    private var server: HTTPServer?

    /// Opens `file` (a new one is created on the first save) for a server on `host`.
    public init(file: String, host: String, allowed: [String], autosaveDelay: Double = 2) throws {
        let url = URL(fileURLWithPath: file).standardizedFileURL
        var info = stat()
        if lstat(url.resolvingSymlinksInPath().path, &info) == 0, info.st_mode & S_IFMT != S_IFREG {
            throw RuntimeError("\(file) is not a regular file")
        }
        let extra = allowed.map { URL(fileURLWithPath: $0).standardizedFileURL }
        files = FileAccess(roots: [url.deletingLastPathComponent()] + extra)
        guardian = RequestGuard(host: host)
        // Pictures drawn as a script prints them: what a run shows is what the file records.
        Rendering.useScriptSettings()
        hub = try NotebookHub(file: url, allowed: extra, autosaveDelay: autosaveDelay)
    }

    /// Starts listening on `port` (0: a free one); returns the URL to open, with its token.
    public func start(port: UInt16) async throws -> String {
        let address = try sockaddr_in.inet(ip4: guardian.host == "localhost" ? "127.0.0.1" : guardian.host,
                                           port: port)
        let server = HTTPServer(address: address, logger: .disabled, handler: Router(owner: self))
        self.server = server
        Task { try await server.run() }
        try await server.waitUntilListening(timeout: 10)
        if case .ip4(_, let bound)? = await server.listeningAddress { guardian.port = bound }
        return "http://\(guardian.host):\(guardian.port)/?token=\(guardian.token)"
    }

    /// Stops after the save in progress (and a last save of unsaved changes) is written.
    public func stop() async {
        hub.save(force: false)
        hub.finishSaving()
        await server?.stop(timeout: 1)
    }

    func respond(_ request: HTTPRequest) async throws -> HTTPResponse {
        if case .forbidden(let why) = guardian.check(request) {
            return HTTPResponse(statusCode: .forbidden, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: Data("forbidden: \(why)\n".utf8))
        }
        switch request.path {
        case "/", "/index.html":
            var headers: HTTPHeaders = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
            headers[.setCookie] = "\(guardian.cookieName)=\(guardian.token); Path=/; HttpOnly; SameSite=Strict"
            headers[HTTPHeader("Content-Security-Policy")] =
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
                + "connect-src ws://\(request.headers[.host] ?? "")"
            return HTTPResponse(statusCode: .ok, headers: headers, body: Data(NotebookPage.html.utf8))
        case "/ws":
            return try await WebSocketHTTPHandler(handler: MessageFrameWSHandler(handler: PageSocket(hub: hub)))
                .handleRequest(request)
        case "/file":
            let path = request.query.first { $0.name == "path" }?.value ?? ""
            guard let url = files.resolve(path) else {
                return HTTPResponse(statusCode: .forbidden,
                                    body: Data("forbidden: outside the notebook's folders\n".utf8))
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                return HTTPResponse(statusCode: .notFound)
            }
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "application/octet-stream"], body: data)
        default:
            return HTTPResponse(statusCode: .notFound)
        }
    }
}

/// Every request goes through the server's checks.
struct Router: HTTPHandler {
    let owner: NotebookServer
    func handleRequest(_ request: HTTPRequest) async throws -> HTTPResponse { try await owner.respond(request) }
}

/// One page's WebSocket: its requests are handled in order, off the server's tasks (a
/// completion may wait for the session); the hub's messages go out as they come.
struct PageSocket: WSMessageHandler {
    let hub: NotebookHub

    func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
        let (stream, continuation) = AsyncStream<WSMessage>.makeStream()
        let id = hub.connect(continuation)
        let queue = DispatchQueue(label: "xai-notebook-page-\(id)")
        let hub = self.hub
        Task {
            for await message in client {
                if case .text(let text) = message { queue.async { hub.handle(text, from: id) } }
            }
            queue.async { hub.disconnect(id) }
        }
        return stream
    }
}
