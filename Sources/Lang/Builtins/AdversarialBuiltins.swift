import Explain
import Foundation
import Tensors

/// The builtins for adversarial inputs and counterfactuals: what would change the decision.
enum AdversarialBuiltins {
    static func register(_ r: Registry) {}
}
