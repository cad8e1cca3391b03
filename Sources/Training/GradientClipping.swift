import Layers
import Tensors

/// Scales all gradients so their global L2 norm is at most `maxNorm` (clip_grad_norm_);
/// returns the norm before clipping.
@discardableResult
public func clipGradNorm(_ parameters: [Parameter], maxNorm: Double) -> Double {
    var total = 0.0
    for p in parameters { if let g = p.grad { for v in g.floats { total += Double(v) * Double(v) } } }
    let norm = total.squareRoot()
    let coef = maxNorm / (norm + 1e-6)
    if coef < 1 {
        for p in parameters { if let g = p.grad { p.value.grad = g * Float(coef) } }
    }
    return norm
}
