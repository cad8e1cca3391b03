import Explain
import Foundation
import Tensors

/// The builtins for robustness, stability and simplicity metrics, and the explanation-fragility attack.
enum RobustnessBuiltins {
    static func register(_ r: Registry) {}
}
