import Foundation
import XCTest

/// The notebook server runs code for whoever it serves: every request needs the token, must
/// name the server as its Host and come from its own page when it says where it comes from;
/// files outside the notebook's folder tree are refused.
final class NotebookSecurityTests: XCTestCase {
    var server: NotebookProcess!
    var file: URL!

    override func setUpWithError() throws {
        file = try temporaryNotebook("## Security\nx = 1\n")
        server = try NotebookProcess(file: file)
    }

    override func tearDown() {
        server?.interrupt()
        if let file { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
    }

    var host: String { "127.0.0.1:\(server.port)" }

    func get(_ path: String, _ headers: [String: String] = [:]) -> Int {
        rawRequest(port: server.port, path: path, headers: ["Host": host, "Connection": "close"]
            .merging(headers) { $1 }).status
    }

    func testTheRightTokenOpensThePageAndSetsItsCookie() {
        let r = rawRequest(port: server.port, path: "/?token=\(server.token)", headers: ["Host": host, "Connection": "close"])
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.text.lowercased().contains("set-cookie: xai_token_\(server.port)=\(server.token)"), r.text)
        XCTAssertTrue(r.text.lowercased().contains("httponly"))
        XCTAssertEqual(get("/", ["Cookie": "xai_token_\(server.port)=\(server.token)"]), 200, "the cookie alone is enough")
        XCTAssertEqual(get("/", ["Origin": "http://\(host)", "Cookie": "xai_token_\(server.port)=\(server.token)"]), 200)
    }

    func testRequestsWithoutTheTokenAreForbidden() {
        XCTAssertEqual(get("/"), 403)
        XCTAssertEqual(get("/?token=" + String(repeating: "0", count: 64)), 403)
        XCTAssertEqual(get("/?token=" + server.token.dropLast()), 403)
        XCTAssertEqual(get("/file?path=nb.xai"), 403)
        XCTAssertEqual(get("/ws", webSocket), 403, "the WebSocket upgrade needs the token too")
    }

    func testAForeignHostIsForbiddenEvenWithTheToken() {
        // A DNS-rebinding page reaches 127.0.0.1 under its own name.
        XCTAssertEqual(get("/?token=\(server.token)", ["Host": "evil.example:\(server.port)"]), 403)
        XCTAssertEqual(get("/?token=\(server.token)", ["Host": "127.0.0.1:1"]), 403)
        XCTAssertEqual(get("/ws?token=\(server.token)", webSocket.merging(["Host": "evil.example"]) { $1 }), 403)
    }

    func testAForeignOriginIsForbiddenEvenWithTheToken() {
        // Another site's page (cross-site WebSocket hijacking: the browser would send the cookie).
        let cookie = ["Cookie": "xai_token_\(server.port)=\(server.token)"]
        XCTAssertEqual(get("/", cookie.merging(["Origin": "http://evil.example"]) { $1 }), 403)
        XCTAssertEqual(get("/ws", webSocket.merging(cookie) { $1 }.merging(["Origin": "http://evil.example"]) { $1 }), 403)
        XCTAssertEqual(get("/ws", webSocket.merging(cookie) { $1 }.merging(["Origin": "null"]) { $1 }), 403)
        XCTAssertEqual(get("/ws", webSocket.merging(cookie) { $1 }.merging(["Origin": "http://\(host)"]) { $1 }), 101,
                       "the server's own page may open the WebSocket")
    }

    func testFilesOutsideTheNotebooksFolderTreeAreRefused() throws {
        let t = "&token=\(server.token)"
        XCTAssertEqual(get("/file?path=nb.xai" + t), 200)
        XCTAssertEqual(get("/file?path=/etc/passwd" + t), 403)
        XCTAssertEqual(get("/file?path=../../../../etc/passwd" + t), 403)
        XCTAssertEqual(get("/file?path=sub/../../x" + t), 403)
        // A symbolic link inside the folder to a file outside it is outside.
        let link = file.deletingLastPathComponent().appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/etc/passwd")
        XCTAssertEqual(get("/file?path=link" + t), 403)
    }

    var webSocket: [String: String] {
        ["Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
         "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="]
    }
}
