/// The language's operators, as the parser recognises them. Each raw value is the spelling
/// an error message shows.

/// `-x`, `+x`, `not x` (also written `!x`).
public enum UnaryOperator: String, Sendable {
    case negate = "-"
    case plus = "+"
    case not = "not"
}

/// Arithmetic and comparison. Membership (`in`, `not in`) is an expression of its own.
public enum BinaryOperator: String, Sendable {
    case add = "+"
    case sub = "-"
    case mul = "*"
    case div = "/"
    case mod = "%"
    case pow = "**"
    case matmul = "@"
    case eq = "=="
    case ne = "!="
    case lt = "<"
    case le = "<="
    case gt = ">"
    case ge = ">="

    /// The operators of `+=`, `-=`, `*=` and `/=`, by the symbol before `=`.
    public static let compoundAssignable: [BinaryOperator] = [.add, .sub, .mul, .div]
}

/// Short-circuit `and` / `or` (also written `&&` / `||`).
public enum LogicalOperator: String, Sendable {
    case and, or
}
