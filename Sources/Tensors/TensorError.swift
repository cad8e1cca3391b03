/// Every failure a user's input can cause in the engine is one of these, thrown, never a trap.
/// Messages name what was expected and what was found.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        case shape, index, dtype, size, value, autograd, file
    }
    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public static func shape(_ m: String) -> TensorError { TensorError(.shape, m) }
    public static func index(_ m: String) -> TensorError { TensorError(.index, m) }
    public static func dtype(_ m: String) -> TensorError { TensorError(.dtype, m) }
    public static func size(_ m: String) -> TensorError { TensorError(.size, m) }
    public static func value(_ m: String) -> TensorError { TensorError(.value, m) }
}
