/// A position in source text: 1-based line and column (in characters), and the offset.
public struct SourceLocation: Equatable, Hashable, CustomStringConvertible, Sendable {
    public var line: Int
    public var column: Int
    public var offset: Int
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }
    public static let start = SourceLocation(line: 1, column: 1, offset: 0)
    public var description: String { "\(line):\(column)" }
}

/// An error in the text of a program, with the place it was found.
public struct SyntaxError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var location: SourceLocation
    public var file: String

    public init(_ message: String, at location: SourceLocation, file: String = "<input>") {
        self.message = message
        self.location = location
        self.file = file
    }

    public var description: String { "\(file):\(location.line):\(location.column): error: \(message)" }

    /// The message, the offending source line and a caret under the column.
    public func render(source: String) -> String {
        SourceLocation.render(error: message, at: location, source: source)
    }
    public func render(line: (Int) -> String?, numbered: (Int) -> Int = { $0 }) -> String {
        SourceLocation.render(error: message, at: location, line: line, numbered: numbered)
    }
}

extension SourceLocation {
    /// `error at line:col: message`, then the source line and a caret under the column.
    /// The file name is left out: the same statement gives the same text at the prompt,
    /// in a script and in a saved session.
    public static func render(error message: String, at loc: SourceLocation, source: String) -> String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        return render(error: message, at: loc) { $0 >= 1 && $0 <= lines.count ? String(lines[$0 - 1]) : nil }
    }

    /// The same, with the source line looked up by number (1-based): a long session then
    /// costs nothing per error beyond the line itself.
    /// `numbered` gives the number shown for a line (a saved session's file line).
    public static func render(
        error message: String, at loc: SourceLocation, line: (Int) -> String?,
        numbered: (Int) -> Int = { $0 }
    ) -> String {
        var out = "error at \(numbered(loc.line)):\(loc.column): \(message)"
        if let raw = line(loc.line) {
            let text = raw.replacingTabs()
            out += "\n  " + text + "\n  " + String(repeating: " ", count: max(0, min(loc.column - 1, text.count))) + "^"
        }
        return out
    }
}

extension String {
    fileprivate func replacingTabs() -> String { String(map { $0 == "\t" ? " " : $0 }) }
}
