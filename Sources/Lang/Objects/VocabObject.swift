import Training

/// A vocabulary in the language: its size and tokens, with `encode` as a method.
public final class VocabObject: HostObject {
    public let vocabulary: Vocabulary
    init(_ v: Vocabulary) { vocabulary = v }
    public var typeName: String { "Vocabulary" }
    public var summary: String {
        "vocabulary of \(vocabulary.count) tokens (<pad> = 0, <unk> = 1): "
            + vocabulary.tokens.dropFirst(2).prefix(8).joined(separator: ", ") + ", …"
    }
    public var propertyNames: [String] { ["length", "tokens"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "length": return .int(vocabulary.count)
        case "tokens": return .list(vocabulary.tokens.map { .string($0) })
        default: return nil
        }
    }
}
