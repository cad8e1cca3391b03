/// A tokenizer file that cannot be used: missing, too large, malformed or inconsistent with
/// itself. The message names the file and says what was expected and what was found.
public struct TokenizerFileError: Error, CustomStringConvertible, Equatable {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
