import Foundation
import Tensors

/// Guided backpropagation (Springenberg et al. 2015) and deconvolution (Zeiler & Fergus 2014), as
/// Captum's GuidedBackprop and Deconvolution compute them: the gradient of the target with
/// respect to the input, with ReLU's backward changed (BackwardRule). Guided backpropagation
/// keeps the positive part of ReLU's ordinary gradient; deconvolution the positive part of the
/// gradient arriving at ReLU. Every other op passes its ordinary gradient.
public enum GuidedBackprop {
    public static func guided(_ s: Explainee) throws -> Explanation {
        try explain(s, rule: .guidedBackprop, method: "guided_backprop")
    }

    public static func deconvolution(_ s: Explainee) throws -> Explanation {
        try explain(s, rule: .deconvolution, method: "deconvolution")
    }

    static func explain(_ s: Explainee, rule: BackwardRule, method: String) throws -> Explanation {
        guard s.kind != .text else {
            throw TensorError.value("\(method) explains feature rows and images, not text (its ReLU rule has no "
                                    + "meaning at the embedding layer); use saliency, deeplift or gradient_shap")
        }
        let g = try BackwardRule.using(rule) { try s.gradients(s.input.unsqueeze(0)).grads.squeeze(0) }
        return Explanation(method: method, settings: [("relu rule", rule == .guidedBackprop ? "guided" : "deconv")],
                           subject: s, scores: s.perUnit(g), raw: g)
    }
}
