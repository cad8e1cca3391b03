import Foundation

/// Runs work on a thread with a large stack. The evaluator, the printer and the release of
/// nested values recurse once per level of nesting, so a 10,000-term expression or a list
/// nested 100,000 deep needs more than the main thread's 8 MiB. The stack is reserved, not
/// used: only the pages a deep program touches are ever committed.
public enum LargeStack {
    /// 1 GiB: about a million levels of nesting, well inside a 4 GiB address-space limit.
    public static let bytes = 1 << 30

    /// Calls `body` on a thread with `bytes` of stack and waits for it; its error is rethrown
    /// here. Falls back to the calling thread when no such thread can be made.
    public static func run(_ body: @escaping () throws -> Void) throws {
        let work = Work(body)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        guard pthread_attr_setstacksize(&attributes, bytes) == 0 else { return try body() }
        let context = Unmanaged.passRetained(work).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(
            &thread, &attributes,
            { raw in
                let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
                do { try work.body() } catch { work.error = error }
                return nil
            }, context)
        guard started == 0 else {
            Unmanaged<Work>.fromOpaque(context).release()
            return try body()
        }
        // Ctrl-C must reach the thread that runs the program (line editing there waits for
        // it), so this one, which only waits, blocks it meanwhile.
        var interrupt = sigset_t()
        var previous = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_BLOCK, &interrupt, &previous)
        pthread_join(thread, nil)
        pthread_sigmask(SIG_SETMASK, &previous, nil)
        if let error = work.error { throw error }
    }
}

/// The body and its outcome, handed to the large-stack thread.
private final class Work: @unchecked Sendable {
    let body: () throws -> Void
    var error: Error?
    init(_ body: @escaping () throws -> Void) { self.body = body }
}
