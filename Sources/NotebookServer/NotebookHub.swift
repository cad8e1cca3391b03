import FlyingFox
import Foundation
import Lang
import Repl
import Tensors

/// One open notebook: its cells, the session that runs them, the pages connected to it, and
/// its file. Pages send small JSON requests over the WebSocket; the hub answers with the state
/// and streams each running cell's output as it is printed. The hub keeps every cell's output,
/// so a page that reconnects (a closed tab, a reload) gets everything back.
public final class NotebookHub: @unchecked Sendable {
    public let file: URL
    let folder: URL
    let kernel: Kernel
    private let lock = NSLock()
    private var doc: NotebookDocument
    private var status: [Int: String] = [:]
    private var stale: Set<Int> = []
    private var clients: [Int: AsyncStream<WSMessage>.Continuation] = [:]
    private var nextClient = 1
    /// Lines printed but not yet sent (sent in batches, so a cell printing 100,000 lines is
    /// not 100,000 messages).
    private var pending: (cell: Int, lines: [String])?
    private var flushScheduled = false
    /// Runs queued before the last stop are skipped.
    private var generation = 0
    // Saving: what the file held when last read or written, and whether the cells differ from it.
    private var onDisk: Data?
    private var dirty = false
    private var conflict = false
    private var autosaveItem: DispatchWorkItem?
    private let saveQueue = DispatchQueue(label: "xai-notebook-save")
    let autosaveDelay: Double

    public init(file: URL, allowed: [URL], autosaveDelay: Double = 2) throws {
        self.file = file
        folder = file.deletingLastPathComponent()
        self.autosaveDelay = autosaveDelay
        let data = FileManager.default.contents(atPath: file.path)
        if let data, String(data: data, encoding: .utf8) == nil {
            throw RuntimeError("\(file.path) is not UTF-8 text")
        }
        onDisk = data
        doc = NotebookDocument(text: data.flatMap { String(data: $0, encoding: .utf8) } ?? "")
        if doc.cells.isEmpty { _ = doc.insert(.code, after: nil) }
        kernel = Kernel(folder: folder, allowed: allowed)
    }

    // MARK: clients

    func connect(_ continuation: AsyncStream<WSMessage>.Continuation) -> Int {
        lock.lock(); defer { lock.unlock() }
        let id = nextClient
        nextClient += 1
        clients[id] = continuation
        return id
    }

    func disconnect(_ id: Int) {
        lock.lock(); defer { lock.unlock() }
        clients[id]?.finish()
        clients[id] = nil
    }

    /// Sends to every page (or one); the caller holds the lock, so messages keep their order.
    private func send(_ message: [String: Any], to client: Int? = nil) {
        guard let data = try? JSONSerialization.data(withJSONObject: message),
              let text = String(data: data, encoding: .utf8) else { return }
        if let client { clients[client]?.yield(.text(text)); return }
        for c in clients.values { c.yield(.text(text)) }
    }

    // MARK: requests

    /// Handles one request from page `client`.
    func handle(_ text: String, from client: Int) {
        guard let data = text.data(using: .utf8),
              let m = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let op = m["op"] as? String else { return }
        let id = m["id"] as? Int
        switch op {
        case "hello": lock.lock(); send(state(), to: client); lock.unlock()
        case "edit": if let id, let text = m["text"] as? String { edit(id, text, from: client) }
        case "run": run((m["ids"] as? [Int]) ?? [])
        case "stop": stop()
        case "insert":
            let kind = NotebookDocument.Kind(rawValue: m["kind"] as? String ?? "code") ?? .code
            change { $0.focus = $0.doc.insert(kind, after: m["after"] as? Int) }
        case "delete": if let id { change { $0.remove(id) } }
        case "move": if let id { change { $0.move(id, by: m["by"] as? Int ?? 1) } }
        case "complete": complete(m["line"] as? String ?? "", request: m["req"] as? Int ?? 0, client: client)
        case "save": save(force: m["force"] as? Bool ?? false)
        case "reload": reload()
        default: break
        }
    }

    private var focus: Int?

    /// A change of the cells' order or number: every page gets the new state.
    private func change(_ body: (NotebookHub) -> Void) {
        lock.lock()
        focus = nil
        body(self)
        dirty = true
        var s = state()
        if let focus { s["focus"] = focus }
        send(s)
        lock.unlock()
        scheduleAutosave(after: autosaveDelay)
    }

    private func remove(_ id: Int) {
        guard let k = doc.index(of: id), status[id] != "running" else { return }
        markStale(after: k)
        doc.cells.remove(at: k)
        if doc.cells.isEmpty { _ = doc.insert(.code, after: nil) }
    }

    private func move(_ id: Int, by step: Int) {
        guard let k = doc.index(of: id) else { return }
        let to = k + (step < 0 ? -1 : 1)
        guard to >= 0 && to < doc.cells.count else { return }
        doc.cells.swapAt(k, to)
        markStale(after: min(k, to))
    }

    /// Later cells' outputs came from a session in which this cell was different.
    private func markStale(after k: Int) {
        for c in doc.cells.dropFirst(k + 1) where c.kind == .code && !c.output.lines.isEmpty { stale.insert(c.id) }
    }

    private func edit(_ id: Int, _ text: String, from client: Int) {
        lock.lock()
        guard let k = doc.index(of: id), doc.cells[k].text != text else { lock.unlock(); return }
        doc.cells[k].text = text
        if doc.cells[k].kind == .code {
            markStale(after: k)
            if !doc.cells[k].output.lines.isEmpty { stale.insert(id) }
        }
        dirty = true
        for (c, _) in clients where c != client { send(["type": "cell", "cell": cellJSON(k)], to: c) }
        send(["type": "cell", "cell": cellJSON(k)], to: client)
        send(["type": "stale", "ids": Array(stale)])
        lock.unlock()
        scheduleAutosave(after: autosaveDelay)
    }

    private func complete(_ line: String, request: Int, client: Int) {
        // Names from the session when it is idle; builtins and keywords while a cell runs.
        let candidates = kernel.askIfIdle { $0.completions(for: line) }
        let names = candidates ?? NotebookHub.builtinNames(kernel.session.interp.registry)
        let answer = Completion.answer(typed: line, candidates: names) ?? ""
        var insert = answer, list: [String] = []
        if answer.hasPrefix("\n") { insert = ""; list = answer.split(separator: "\n").map(String.init) }
        lock.lock()
        send(["type": "completion", "req": request, "insert": insert, "candidates": list,
              "partial": Completion.word(in: line).partial], to: client)
        lock.unlock()
    }

    static func builtinNames(_ registry: Registry) -> [String] {
        Array(registry.functions.keys)
    }

    // MARK: running

    private func run(_ ids: [Int]) {
        lock.lock()
        let gen = generation
        for id in ids {
            guard let k = doc.index(of: id), doc.cells[k].kind == .code else { continue }
            status[id] = "queued"
            send(["type": "status", "id": id, "status": "queued"])
            kernel.enqueue { [weak self] in self?.execute(id, generation: gen) }
        }
        lock.unlock()
    }

    private func stop() {
        lock.lock()
        generation += 1
        for (id, s) in status where s == "queued" {
            status[id] = nil
            send(["type": "status", "id": id, "status": ""])
        }
        let running = status.values.contains("running")
        lock.unlock()
        if running { kernel.interrupt() }
    }

    /// Runs one cell on the session's thread, streaming its output to the pages.
    private func execute(_ id: Int, generation gen: Int) {
        lock.lock()
        guard gen == generation, let k = doc.index(of: id) else { lock.unlock(); return }
        let source = doc.cells[k].text
        let line = doc.fileLine(of: k)
        doc.cells[k].output = NotebookDocument.Output()
        doc.cells[k].stopped = false
        status[id] = "running"
        stale.remove(id)
        markStale(after: k)
        send(["type": "running", "id": id, "stale": Array(stale)])
        lock.unlock()
        let session = kernel.session
        var shownStart = 0
        var stopped = false
        session.echo = { [unowned self] text in self.stream(id, text) }
        let name = file.lastPathComponent
        let outcome = session.run(source, file: name, atFileLine: line, onRecord: { [unowned self] r in
            stopped = stopped || session.interp.stoppedByCtrlC || session.interp.wasInterrupted
            self.lock.lock()
            self.flushLocked()
            if let k = self.doc.index(of: id) {
                var out = self.doc.cells[k].output
                out.placed[r.lastLine, default: []] += r.outputs
                // The streamed lines of this statement, its figure's text drawing left out.
                out.shown = Array(out.shown.prefix(shownStart)) + r.outputs.dropLast(r.figureTextLines).map(\.text)
                out.figures += r.figures
                shownStart = out.shown.count
                self.doc.cells[k].output = out
                if !r.figures.isEmpty { self.send(["type": "cell", "cell": self.cellJSON(k)]) }
            }
            self.lock.unlock()
        })
        session.echo = { _ in }
        kernel.clearInterrupt()
        lock.lock()
        flushLocked()
        let result = stopped ? "stopped" : outcome.failed ? "error" : "ok"
        status[id] = result
        if let k = doc.index(of: id) {
            doc.cells[k].stopped = stopped
            send(["type": "cell", "cell": cellJSON(k)])
        }
        dirty = true
        lock.unlock()
        scheduleAutosave(after: 0.2)
    }

    /// One printed line of cell `id`, sent with the lines printed within the next 30 ms.
    private func stream(_ id: Int, _ text: String) {
        lock.lock(); defer { lock.unlock() }
        if let k = doc.index(of: id) { doc.cells[k].output.shown.append(text) }
        if let p = pending, p.cell != id { flushLocked() }
        if pending == nil { pending = (id, []) }
        pending?.lines.append(text)
        guard !flushScheduled else { return }
        flushScheduled = true
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.03) { [weak self] in
            guard let self else { return }
            self.lock.lock(); self.flushLocked(); self.lock.unlock()
        }
    }

    private func flushLocked() {
        flushScheduled = false
        guard let p = pending else { return }
        pending = nil
        send(["type": "out", "id": p.cell, "lines": p.lines])
    }

    // MARK: the page's view of the cells

    private func cellJSON(_ k: Int) -> [String: Any] {
        let c = doc.cells[k]
        var j: [String: Any] = ["id": c.id, "kind": c.kind.rawValue, "text": c.text,
                                "status": c.stopped ? "stopped" : status[c.id] ?? ""]
        switch c.kind {
        case .prose:
            let lines = c.text.components(separatedBy: "\n")
            // The file's first line is its title, as in the exported notebook.
            if k == 0, let first = lines.first, !first.isEmpty {
                j["html"] = "<h1>\(Notebook.inline(first))</h1>\n"
                    + Notebook.cellHTML(.prose(Array(lines.dropFirst())))
            } else {
                j["html"] = Notebook.cellHTML(.prose(lines))
            }
        case .code:
            j["html"] = Notebook.cellHTML(.code(lines: [], outputs: c.output.shown, figures: c.output.figures),
                                          code: false)
            j["lines"] = c.output.shown.count
        }
        return j
    }

    private func state() -> [String: Any] {
        ["type": "state", "file": file.lastPathComponent, "cells": doc.cells.indices.map(cellJSON),
         "stale": Array(stale), "dirty": dirty, "conflict": conflict]
    }

    // MARK: saving

    func scheduleAutosave(after delay: Double) {
        lock.lock(); defer { lock.unlock() }
        autosaveItem?.cancel()
        let item = DispatchWorkItem { [weak self] in self?.save(force: false) }
        autosaveItem = item
        saveQueue.asyncAfter(deadline: .now() + delay, execute: item)
    }

    /// Writes the cells as the script (atomically); asks the pages first when the file changed
    /// on disk since it was read or last written here.
    func save(force: Bool) {
        saveQueue.async { [self] in
            lock.lock()
            let text = doc.script
            let known = onDisk
            if conflict && !force { lock.unlock(); return }
            lock.unlock()
            let now = FileManager.default.contents(atPath: file.path)
            if now != known && !force {
                lock.lock(); conflict = true; send(["type": "conflict"]); lock.unlock()
                return
            }
            let data = Data(text.utf8)
            var message: [String: Any] = ["type": "saved"]
            do {
                if now != data { try SafeFile.write(data, to: file) }
                lock.lock(); onDisk = data; conflict = false; dirty = doc.script != text; lock.unlock()
            } catch {
                message = ["type": "saveError", "message": "\(error)"]
            }
            lock.lock(); send(message); lock.unlock()
        }
    }

    /// Waits for saves in progress (for a clean exit).
    public func finishSaving() { saveQueue.sync {} }

    /// Reads the file again, dropping the cells' changes (the session keeps its variables).
    private func reload() {
        saveQueue.async { [self] in
            let data = FileManager.default.contents(atPath: file.path)
            lock.lock()
            onDisk = data
            doc = NotebookDocument(text: data.flatMap { String(data: $0, encoding: .utf8) } ?? "")
            if doc.cells.isEmpty { _ = doc.insert(.code, after: nil) }
            conflict = false; dirty = false; status = [:]; stale = []
            send(state())
            lock.unlock()
        }
    }
}
