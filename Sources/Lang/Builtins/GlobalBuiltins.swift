import Explain
import Foundation
import Tensors

/// The builtins for global views of a model over many rows.
enum GlobalBuiltins {
    static func register(_ r: Registry) {}
}
