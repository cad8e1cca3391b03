/// A closure callable from the language (for objects' computed members).
public final class NativeFunction: Callable {
    public let name: String
    let body: (Interpreter, Arguments) throws -> Value
    public init(name: String, _ body: @escaping (Interpreter, Arguments) throws -> Value) {
        self.name = name; self.body = body
    }
    public func call(_ interp: Interpreter, _ args: Arguments) throws -> Value { try body(interp, args) }
}
