import Syntax

/// An error raised while running a program. The interpreter attaches where it happened: the
/// file and the location of the statement or expression that raised it.
public struct RuntimeError: Error, CustomStringConvertible {
    public var message: String
    public var location: SourceLocation?
    /// The file the location refers to ("<input>" at the prompt); nil until located.
    public var file: String?

    public init(_ message: String, at location: SourceLocation? = nil, file: String? = nil) {
        self.message = message
        self.location = location
        self.file = file
    }

    public init(_ message: String, line: Int?, column: Int?) {
        self.init(message, at: line.map { SourceLocation(line: $0, column: column ?? 1, offset: 0) })
    }

    public var line: Int? { location?.line }
    public var column: Int? { location?.column }
    public var description: String { message }
}
