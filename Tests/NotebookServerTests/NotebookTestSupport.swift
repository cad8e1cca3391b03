import Foundation
import TestSupport
import XCTest

/// The `xai` executable built next to the test bundle, built here when it is missing.
func xaiBinary() throws -> URL {
    // XAI_BINARY chooses another build (the release one, for timings).
    if let given = ProcessInfo.processInfo.environment["XAI_BINARY"] { return URL(fileURLWithPath: given) }
    let bundle = Bundle(for: NotebookProcess.self).bundleURL
    let candidates = [bundle.appendingPathComponent("xai"), bundle.deletingLastPathComponent().appendingPathComponent("xai")]
    if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) { return found }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["swift", "build", "--product", "xai"]
    p.currentDirectoryURL = repoRoot
    try p.run()
    p.waitUntilExit()
    let built = repoRoot.appendingPathComponent(".build/debug/xai")
    guard FileManager.default.isExecutableFile(atPath: built.path) else {
        throw XCTSkip("xai is not built and `swift build --product xai` did not build it")
    }
    return built
}

/// A temporary folder holding a copy of a script.
func temporaryNotebook(_ text: String, name: String = "nb.xai") throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-nb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let file = dir.appendingPathComponent(name)
    try Data(text.utf8).write(to: file)
    return file
}

/// `xai notebook FILE --no-open` running as a child process; `url` is the URL it printed.
final class NotebookProcess {
    let process = Process()
    let url: String
    let started: Date
    let readyAfter: TimeInterval
    private let output = Pipe()

    init(file: URL, extra: [String] = []) throws {
        process.executableURL = try xaiBinary()
        process.arguments = ["notebook", file.path, "--no-open"] + extra
        process.standardOutput = output
        process.standardError = output
        started = Date()
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while !text.contains("token="), Date() < deadline {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = text.range(of: #"http://[^\s]+"#, options: .regularExpression) else {
            process.terminate()
            throw NSError(domain: "xai notebook printed no URL: \(text)", code: 1)
        }
        url = String(text[range])
        readyAfter = Date().timeIntervalSince(started)
    }

    var port: Int { Int(url.split(separator: ":")[2].split(separator: "/")[0]) ?? 0 }
    var token: String { String(url.split(separator: "=").last ?? "") }

    /// Ctrl-C: returns the exit status.
    @discardableResult
    func interrupt() -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { process.terminate(); return -1 }
        return process.terminationStatus
    }
}

/// One raw HTTP/1.1 request on a socket (any Host and Origin header, which URLSession would
/// not send as given); returns the status code, the head and the body. With `wholeBody`, reads
/// until the server closes the connection.
func rawRequest(port: Int, path: String, method: String = "GET", headers: [String: String], body: Data? = nil,
                wholeBody: Bool = false) -> (status: Int, text: String, body: Data) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return (-1, "", Data()) }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let ok = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard ok == 0 else { return (-1, "", Data()) }
    var timeout = timeval(tv_sec: wholeBody ? 120 : 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var request = "\(method) \(path) HTTP/1.1\r\n"
    for (k, v) in headers { request += "\(k): \(v)\r\n" }
    if let body { request += "Content-Length: \(body.count)\r\n" }
    request += "\r\n"
    var bytes = Data(request.utf8)
    if let body { bytes += body }
    bytes.withUnsafeBytes { raw in
        var sent = 0
        while sent < raw.count {
            let n = send(fd, raw.baseAddress! + sent, raw.count - sent, 0)
            if n <= 0 { break }
            sent += n
        }
    }
    var buffer = [UInt8](repeating: 0, count: 65536)
    var received = Data()
    let separator = Data("\r\n\r\n".utf8)
    while true {
        if let end = received.range(of: separator) {
            guard wholeBody else { break }
            // The body's length (chromedriver keeps the connection open).
            let head = String(decoding: received[..<end.lowerBound], as: UTF8.self).lowercased()
            if let line = head.split(separator: "\r\n").first(where: { $0.hasPrefix("content-length:") }),
               let length = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)),
               received.count - end.upperBound >= length { break }
        }
        let n = recv(fd, &buffer, buffer.count, 0)
        if n <= 0 { break }
        received += buffer[0..<n]
    }
    let split = received.range(of: separator)
    let head = String(decoding: split.map { received[..<$0.lowerBound] } ?? received, as: UTF8.self)
    let rest = split.map { Data(received[$0.upperBound...]) } ?? Data()
    let status = head.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? -1
    return (status, head, rest)
}

/// A W3C WebDriver client (chromedriver) over its HTTP JSON protocol.
final class WebDriver {
    let driver = Process()
    let port: Int
    var session = ""

    /// chromedriver from PATH, or nil when it is not installed.
    static var chromedriver: String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let p = "\(dir)/chromedriver"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    init(path: String) throws {
        port = 20000 + Int.random(in: 0..<20000)
        driver.executableURL = URL(fileURLWithPath: path)
        driver.arguments = ["--port=\(port)"]
        driver.standardOutput = FileHandle.nullDevice
        driver.standardError = FileHandle.nullDevice
        try driver.run()
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if (try? call("GET", "/status")) != nil { break }
            usleep(50_000)
        }
        let caps: [String: Any] = ["capabilities": ["alwaysMatch": ["goog:chromeOptions": [
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1100,1400"]]]]]
        let answer = try call("POST", "/session", caps)
        guard let value = answer["value"] as? [String: Any], let id = value["sessionId"] as? String else {
            throw NSError(domain: "chromedriver gave no session: \(answer)", code: 1)
        }
        session = id
    }

    func quit() {
        _ = try? call("DELETE", "/session/\(session)")
        driver.terminate()
        driver.waitUntilExit()
    }

    @discardableResult
    func call(_ method: String, _ path: String, _ body: [String: Any]? = nil) throws -> [String: Any] {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        var headers = ["Host": "127.0.0.1:\(port)", "Connection": "close"]
        if data != nil { headers["Content-Type"] = "application/json" }
        let answer = rawRequest(port: port, path: path, method: method, headers: headers, body: data, wholeBody: true)
        guard answer.status > 0 else { throw NSError(domain: "chromedriver did not answer \(method) \(path)", code: 1) }
        return (try JSONSerialization.jsonObject(with: answer.body)) as? [String: Any] ?? [:]
    }

    func open(_ url: String) throws { try call("POST", "/session/\(session)/url", ["url": url]) }

    /// Runs `script` (a function body) in the page; its return value.
    @discardableResult
    func js(_ script: String, _ args: [Any] = []) throws -> Any? {
        let answer = try call("POST", "/session/\(session)/execute/sync", ["script": script, "args": args])
        if let v = answer["value"] as? [String: Any], let error = v["error"] as? String {
            throw NSError(domain: "script failed: \(error): \(v["message"] ?? "")", code: 1)
        }
        return answer["value"]
    }

    /// Waits until `condition` (a script returning a boolean) holds; false after `timeout` s.
    @discardableResult
    func wait(_ condition: String, timeout: TimeInterval = 20) throws -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if (try js(condition)) as? Bool == true { return true }
            usleep(30_000)
        }
        return false
    }

    func screenshot(to path: String) throws {
        let answer = try call("GET", "/session/\(session)/screenshot")
        guard let b64 = answer["value"] as? String, let data = Data(base64Encoded: b64) else { return }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Emulates the page's colour scheme (prefers-color-scheme) through Chrome's DevTools protocol.
    func colorScheme(_ scheme: String) throws {
        try call("POST", "/session/\(session)/goog/cdp/execute", ["cmd": "Emulation.setEmulatedMedia",
            "params": ["features": [["name": "prefers-color-scheme", "value": scheme]]]])
    }
}
