import Foundation
import Lang
import Repl
import Tensors

/// The notebook's session on a thread of its own: the interpreter is not thread-safe, so
/// every evaluation (and every completion that reads the session) runs here, one at a time,
/// in the order queued, while the server's threads stay free to answer.
final class Kernel: @unchecked Sendable {
    let session: Session
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var busy = false
    private let stopFlag = StopFlag()

    init(folder: URL, allowed: [URL]) {
        Random.seed(0)   // as `xai run` and `xai check` start a script
        session = Session(baseDirectory: folder)
        session.echo = { _ in }
        session.interp.sandbox = folder
        session.interp.paths.alsoAllowed = allowed
        // The stop button is this session's Ctrl-C: loops and training poll it at their safe points.
        let flag = stopFlag
        Interruption.poll = { flag.take() }
        let thread = Thread { [unowned self] in self.loop() }
        thread.stackSize = LargeStack.bytes
        thread.name = "xai-notebook-session"
        thread.start()
    }

    /// Queues `job` to run on the session's thread.
    func enqueue(_ job: @escaping () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `job` on the session's thread and waits for its answer, unless the session is busy
    /// with a run: then nil at once (completion must not wait behind a training run).
    func askIfIdle<T>(_ job: @escaping (Session) -> T) -> T? {
        condition.lock()
        let idle = !busy && jobs.isEmpty
        condition.unlock()
        guard idle else { return nil }
        let done = DispatchSemaphore(value: 0)
        let box = Box<T>()
        enqueue { [session] in box.value = job(session); done.signal() }
        done.wait()
        return box.value
    }

    /// Asks the running statement to stop at its next safe point (as Ctrl-C does at the prompt).
    func interrupt() { stopFlag.set() }

    /// Forgets a stop request that no run took.
    func clearInterrupt() { _ = stopFlag.take() }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            busy = true
            condition.unlock()
            job()
            condition.lock()
            busy = false
            condition.unlock()
        }
    }
}

/// A flag set from any thread and taken once by the session's safe points.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var raised = false
    func set() { lock.lock(); raised = true; lock.unlock() }
    func take() -> Bool { lock.lock(); defer { lock.unlock() }; let r = raised; raised = false; return r }
}

final class Box<T>: @unchecked Sendable { var value: T? }
