import Explain
import Foundation
import Tensors

/// The builtins for plausibility against human rationales, annotation, and anchors.
enum PlausibilityBuiltins {
    static func register(_ r: Registry) {}
}
