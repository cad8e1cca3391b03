import Foundation
import Layers
import Tensors

/// Updates parameters from their gradients, as torch.optim does. Parameters without a
/// gradient (frozen, or unused this step) are left alone.
public class Optimizer {
    public let parameters: [Parameter]
    public var lr: Double
    public let name: String
    init(_ parameters: [Parameter], lr: Double, name: String) throws {
        guard lr >= 0, lr.isFinite else {
            throw TensorError(.value, "\(name): learning rate must be ≥ 0, found \(lr)")
        }
        self.parameters = parameters
        self.lr = lr
        self.name = name
    }
    public func zeroGrad() { for p in parameters { p.value.zeroGrad() } }
    public func step() throws {}

    /// Keeps pruned weights at zero (see Parameter.mask).
    func applyMasks() throws {
        for p in parameters {
            guard let m = p.mask, m.count == p.value.count else { continue }
            try p.value.updateValues { w in for i in 0..<w.count { w[i] *= m[i] } }
        }
    }
    public var summary: String { "\(name)(lr: \(lr))" }
}

/// SGD with optional momentum (PyTorch's form: buf = μ·buf + (1−dampening)·g), Nesterov
/// and L2 weight decay (g += wd·p).
public final class SGD: Optimizer {
    public let momentum: Double, dampening: Double, weightDecay: Double, nesterov: Bool
    var buffers: [ObjectIdentifier: [Float]] = [:]

    public init(_ parameters: [Parameter], lr: Double, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) throws {
        guard momentum >= 0, weightDecay >= 0 else {
            throw TensorError(.value, "SGD: momentum and weight_decay must be ≥ 0")
        }
        guard !nesterov || (momentum > 0 && dampening == 0) else {
            throw TensorError(.value, "SGD: Nesterov needs momentum > 0 and dampening 0")
        }
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        try super.init(parameters, lr: lr, name: "SGD")
    }

    public override func step() throws {
        let lr = Float(self.lr), mu = Float(momentum), wd = Float(weightDecay), damp = Float(dampening)
        for p in parameters {
            guard let g = p.grad?.floats else { continue }
            let key = ObjectIdentifier(p)
            var buf = buffers.removeValue(forKey: key)
            try p.value.updateValues { w in
                var nb = buf ?? []
                let fresh = buf == nil
                if mu != 0 && fresh { nb = [Float](repeating: 0, count: w.count) }
                for i in 0..<w.count {
                    var d = g[i] + wd * w[i]
                    if mu != 0 {
                        nb[i] = fresh ? d : mu * nb[i] + (1 - damp) * d
                        d = nesterov ? d + mu * nb[i] : nb[i]
                    }
                    w[i] -= lr * d
                }
                if mu != 0 { buf = nb }
            }
            if mu != 0 { buffers[key] = buf }
        }
        try applyMasks()
    }
    public override var summary: String {
        "SGD(lr: \(lr)\(momentum > 0 ? ", momentum: \(momentum)" : "")\(nesterov ? ", nesterov" : "")"
            + "\(weightDecay > 0 ? ", weight_decay: \(weightDecay)" : ""))"
    }
}

/// Adam (Kingma & Ba) with PyTorch's bias correction; with `decoupled` it is AdamW
/// (Loshchilov & Hutter): p ← p·(1 − lr·wd) before the Adam step instead of g += wd·p.
public final class Adam: Optimizer {
    public let beta1: Double, beta2: Double, eps: Double, weightDecay: Double, decoupled: Bool
    var moments: [ObjectIdentifier: (m: [Float], v: [Float], t: Int)] = [:]

    public init(_ parameters: [Parameter], lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                eps: Double = 1e-8,
                weightDecay: Double = 0, decoupled: Bool = false) throws {
        guard (0..<1).contains(betas.0), (0..<1).contains(betas.1), eps >= 0, weightDecay >= 0 else {
            throw TensorError(.value, "Adam: betas must be in [0, 1) and eps, weight_decay ≥ 0")
        }
        beta1 = betas.0; beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        self.decoupled = decoupled
        try super.init(parameters, lr: lr, name: decoupled ? "AdamW" : "Adam")
    }

    public override func step() throws {
        let lr = Float(self.lr), b1 = Float(beta1), b2 = Float(beta2), eps = Float(self.eps), wd = Float(weightDecay)
        for p in parameters {
            guard let g = p.grad?.floats else { continue }
            let key = ObjectIdentifier(p)
            // Taken out of the dictionary so the arrays are uniquely referenced and update in place.
            var state = moments.removeValue(forKey: key)
                ?? ([Float](repeating: 0, count: g.count), [Float](repeating: 0, count: g.count), 0)
            state.t += 1
            let bc1 = 1 - Float(FastMath.pow(beta1, Double(state.t)))
            let bc2 = 1 - Float(FastMath.pow(beta2, Double(state.t)))
            let stepSize = lr / bc1, bc2Sqrt = bc2.squareRoot()
            let decoupled = self.decoupled
            try p.value.updateValues { w in
                state.m.withUnsafeMutableBufferPointer { m in
                    state.v.withUnsafeMutableBufferPointer { v in
                        g.withUnsafeBufferPointer { gp in
                            // Branches hoisted out of the loops so they vectorise.
                            let shrink = 1 - lr * wd, l2 = decoupled ? 0 : wd
                            if decoupled && wd != 0 { for i in 0..<w.count { w[i] *= shrink } }
                            Kernels.adam(w, m: m, v: v, grad: gp, l2: l2, b1: b1, c1: 1 - b1, b2: b2, c2: 1 - b2,
                                         step: stepSize, bc2Sqrt: bc2Sqrt, eps: eps)
                        }
                    }
                }
            }
            moments[key] = state
        }
        try applyMasks()
    }
    public override var summary: String {
        "\(name)(lr: \(lr)\(weightDecay > 0 ? ", weight_decay: \(weightDecay)" : ""))"
    }
}
