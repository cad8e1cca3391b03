import Foundation
import Syntax
import Tensors
import Training

/// The tree-walking interpreter: a session's state and how it runs top-level statements.
/// Statements are executed in Statements.swift, expressions evaluated in Expressions.swift,
/// operators applied in Operators.swift; Scope and UserFunction have files of their own.
public final class Interpreter {
    public let registry: Registry
    public let globals = Scope(parent: nil)
    /// Receives every line of output; `volatile` marks lines that differ run to run (timings).
    public var output: (_ line: String, _ volatile: Bool) -> Void = { line, _ in print(line) }
    /// Receives each printed drawing as a function, so that it can be drawn for the terminal
    /// and again for a saved transcript (see Session).
    public var outputPicture: ((() -> String) -> Void)?
    /// The last seed given to `seed()`, shown by `:env`.
    public var seedValue: Int?
    /// Where relative paths resolve, and the folder files must stay in when one is set.
    public var paths = PathSandbox()
    /// Stops a program after this many steps (statements, loop turns, calls); nil = unbounded.
    public var stepBudget: Int?
    /// True at a terminal prompt: training may draw a live progress bar.
    public var interactive = false
    /// Asks the person at the prompt for one line (shown the question); nil when nobody can
    /// answer (a script, a pipe), and the answer is nil at end of input or on Ctrl-C.
    public var askLine: ((_ question: String) -> String?)?
    /// The TensorBoard log of this session's last fit(log_dir:): explanation metrics go there too.
    public var trainingLog: EventWriter?
    public private(set) var wasInterrupted = false
    /// Whether Ctrl-C stopped a builtin early (training keeps what it learned and returns):
    /// the statement did not finish as written, so a saved session does not replay it.
    public private(set) var stoppedByCtrlC = false
    /// The value the last top-level statement showed (nil for statements that show nothing),
    /// so notebooks can draw it as a figure.
    public private(set) var lastShown: Value?
    /// The file whose statements are running: runtime errors are located in it.
    public private(set) var currentFile = "<input>"
    /// The models whose constructors are running, outermost first (a model that builds
    /// itself, directly or through another, is an error rather than a runaway recursion).
    var modelsUnderConstruction: [String] = []
    var steps = 0
    var callDepth = 0
    static let maxCallDepth = 200

    public init(registry: Registry = Interpreter.standardRegistry()) {
        self.registry = registry
    }

    /// A function defined at the top level holds the global scope that holds it: emptying the
    /// scope breaks those cycles, so a finished session frees its values.
    deinit { globals.vars.removeAll() }

    /// The builtins every session starts with.
    public static func standardRegistry() -> Registry {
        let r = Registry()
        TensorBuiltins.register(r)
        CoreBuiltins.register(r)
        FileBuiltins.register(r)
        ModelBuiltins.register(r)
        TrainingBuiltins.register(r)
        ExplainBuiltins.register(r)
        PlotBuiltins.register(r)
        LanguageModelBuiltins.register(r)
        BertBuiltins.register(r)
        FusionBuiltins.register(r)
        CompressionBuiltins.register(r)
        UserModelBuiltins.register(r)
        PretrainedBuiltins.register(r)
        RobustnessBuiltins.register(r)
        AdversarialBuiltins.register(r)
        PlausibilityBuiltins.register(r)
        GlobalBuiltins.register(r)
        return r
    }

    // MARK: output

    public func emit(_ line: String) { output(line, false) }
    public func emitVolatile(_ line: String) { output(line, true) }
    /// Prints text that may hold a picture, drawn by `draw`: through `outputPicture` when a
    /// session wants both a terminal's and a script's drawing, else as a plain line.
    public func emit(drawing draw: () -> String) {
        if let outputPicture { outputPicture(draw) } else { output(draw(), false) }
    }
    public func noteStoppedByCtrlC() { stoppedByCtrlC = true }

    // MARK: files and variables

    /// Relative paths in load/save resolve against this folder (the script's folder in `xai run`).
    public var baseDirectory: URL {
        get { paths.baseDirectory }
        set { paths.baseDirectory = newValue }
    }
    /// When set, files may only be read or written inside this folder (the fuzz test sets it).
    public var sandbox: URL? {
        get { paths.root }
        set { paths.root = newValue }
    }
    public func resolve(_ path: String) throws -> URL { try paths.resolve(path) }

    /// Names of global variables, sorted (for `:vars` and completion).
    public var globalNames: [String] { globals.vars.keys.sorted() }
    public func global(_ name: String) -> Value? { globals.vars[name] }
    public func setGlobal(_ name: String, _ value: Value) { globals.vars[name] = value }

    // MARK: running

    /// Runs one top-level statement of `file`; returns the text to show for an expression
    /// statement whose value is not nil.
    public func executeTopLevel(_ stmt: Stmt, file: String = "<input>") throws -> String? {
        lastShown = nil
        stoppedByCtrlC = false
        steps = 0
        callDepth = 0
        modelsUnderConstruction = []
        wasInterrupted = false
        currentFile = file
        do {
            if case .expression(let e) = stmt.kind {
                let v = try located(e.location) { try eval(e, globals) }
                if case .none = v { return nil }
                lastShown = v
                return v.repr
            }
            switch try exec(stmt, globals) {
            case .normal: return nil
            case .breakLoop, .continueLoop:
                throw RuntimeError("'break' or 'continue' outside a loop", at: stmt.location, file: file)
            case .returnValue: throw RuntimeError("'return' outside a function", at: stmt.location, file: file)
            }
        } catch is Interrupted {
            wasInterrupted = true
            throw Interrupted()
        } catch let limit as TimeLimitExceeded {
            wasInterrupted = true  // the rest of the run stops too
            throw limit
        }
    }

    /// Runs a whole source text (used by tests and `:load`); output goes to `output`.
    public func run(_ source: String, file: String = "<input>") throws {
        let program = try Parser.parse(source: source, file: file)
        for s in program.statements {
            if let shown = try executeTopLevel(s, file: file) { emit(shown) }
        }
    }

    /// Runs `body` with errors located in `file` (a function's body, written in another file).
    func inFile<T>(_ file: String, _ body: () throws -> T) throws -> T {
        let outer = currentFile
        currentFile = file
        defer { currentFile = outer }
        return try body()
    }

    // MARK: errors

    /// Text for an error, with location and caret when known. `source` is the text the
    /// locations refer to (the whole session at the prompt, the whole file in a script).
    public func renderError(_ error: Error, source: String) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        return renderError(error) { $0 >= 1 && $0 <= lines.count ? String(lines[$0 - 1]) : nil }
    }

    /// The same, with the source line looked up by number (1-based); `numbered` gives the
    /// number shown for a line.
    public func renderError(_ error: Error, line: (Int) -> String?, numbered: (Int) -> Int = { $0 }) -> String {
        switch error {
        case let e as SyntaxError: return e.render(line: line, numbered: numbered)
        case is Interrupted: return "interrupted (every variable keeps its value)"
        case let e as RuntimeError:
            guard let location = e.location else { return "error: " + e.message }
            return SourceLocation.render(error: e.message, at: location, line: line, numbered: numbered)
        case let e as TensorError: return "error: " + e.message
        default: return "error: \(error)"
        }
    }

    /// Attaches this place (and the running file) to errors raised without a location.
    @inline(__always)
    func located<T>(_ loc: SourceLocation, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as RuntimeError {
            if e.location == nil { e.location = loc }
            if e.file == nil { e.file = currentFile }
            throw e
        } catch let e as TensorError {
            throw RuntimeError(e.message, at: loc, file: currentFile)
        } catch let e as SyntaxError {
            throw RuntimeError(e.message, at: loc, file: currentFile)
        }
    }

    /// One step of a program: counted against the budget, and where Ctrl-C and the time
    /// limit are noticed.
    func step() throws {
        steps += 1
        if let b = stepBudget, steps > b { throw RuntimeError("step budget of \(b) exceeded") }
        // Ctrl-C at every step (a flag read), so even a loop of slow steps stops within one;
        // the time limit, which reads the clock, every 64 steps.
        if Interruption.poll() { throw Interrupted() }
        if steps & 63 == 0 { try Interruption.checkDeadline() }
    }
}
