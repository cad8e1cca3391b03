/// A safe point for long computations: loops in the interpreter, training and explainers
/// call `Interruption.check()` between steps. The REPL installs a SIGINT handler and sets
/// `poll` to read (and clear) its flag, so Ctrl-C stops work at a point where every value
/// is consistent, instead of killing the process.
public enum Interruption {
    nonisolated(unsafe) public static var poll: () -> Bool = { false }

    public static func check() throws {
        if poll() { throw Interrupted() }
    }
}

public struct Interrupted: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted" }
}
