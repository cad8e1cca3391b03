import Dispatch

/// A safe point for long computations: loops in the interpreter, training and explainers
/// call `Interruption.check()` between steps. The REPL installs a SIGINT handler and sets
/// `poll` to read (and clear) its flag, so Ctrl-C stops work at a point where every value
/// is consistent, instead of killing the process.
public enum Interruption {
    nonisolated(unsafe) public static var poll: () -> Bool = { false }

    /// A time limit for a whole run (`xai run --timeout`, `xai check`): the safe points stop
    /// the program once the clock passes it.
    nonisolated(unsafe) public static var deadline: (nanoseconds: UInt64, seconds: Double)?

    public static func check() throws {
        if poll() { throw Interrupted() }
        try checkDeadline()
    }

    /// The time limit alone, for loops that take Ctrl-C their own way (training stops
    /// after the current batch and keeps the model).
    public static func checkDeadline() throws {
        if let limit = deadline, DispatchTime.now().uptimeNanoseconds > limit.nanoseconds {
            throw TimeLimitExceeded(seconds: limit.seconds)
        }
    }

    /// Stops runs at the safe points from `seconds` from now on (nil: no limit).
    public static func limit(seconds: Double?) {
        deadline = seconds.map { (DispatchTime.now().uptimeNanoseconds + UInt64(max(0, min($0, 1e9)) * 1e9), $0) }
    }
}

public struct TimeLimitExceeded: Error, CustomStringConvertible {
    public let seconds: Double
    public var description: String { "stopped: the time limit of \(seconds) s was reached (--timeout)" }
}

public struct Interrupted: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted" }
}
