/// Backward rules that attribution methods put in place of the chain rule at nonlinearities.
///
/// Ordinary backpropagation multiplies by each op's derivative. DeepLIFT, guided backpropagation
/// and deconvolution change what flows back through ReLU, Tanh, Sigmoid, Softplus and max pooling
/// (the modules Captum hooks for them); every other op keeps its gradient. An op reads the rule
/// once, when it is recorded: with none active (`BackwardRule.active == nil`, the default) it
/// records exactly its ordinary pullback, so training and gradients are unchanged.
public enum BackwardRule: Sendable, Equatable {
    /// DeepLIFT's rescale rule (Shrikumar et al. 2017). The batch holds the inputs then their
    /// references, [x; x0], halves of equal size along the first dimension; a nonlinearity
    /// passes g · Δy/Δx with Δ = first half − second half (the same multiplier for both halves),
    /// and the ordinary gradient where |Δx| < eps. Max pooling follows Captum's maxpool rule.
    ///
    /// `chained: false` is Captum 0.9's behaviour: there a hooked module reads the gradient at
    /// its output before the next hooked module rewrites it, so of two nonlinearities in a row
    /// (ReLU then MaxPool2d) the second passes its ordinary gradient, of three the middle one,
    /// and so on (fixed in Captum after 0.9). For ReLU then max pooling this is the DeepLIFT
    /// authors' default for max pooling: multipliers route like gradients. `chained: true`
    /// gives every op its rule, so Σ attributions = f(x) − f(x0) for any reference.
    case deepLift(eps: Float, chained: Bool)
    /// Guided backpropagation (Springenberg et al. 2015): ReLU passes the positive part of its
    /// ordinary gradient.
    case guidedBackprop
    /// Deconvolution (Zeiler & Fergus 2014): ReLU passes the positive part of the incoming
    /// gradient, whatever its input was.
    case deconvolution

    /// The rule ops record under; nil for ordinary gradients.
    nonisolated(unsafe) public private(set) static var active: BackwardRule?

    /// Runs `body` with `rule` in place for every op it records (calls may nest).
    public static func using<R>(_ rule: BackwardRule, _ body: () throws -> R) rethrows -> R {
        let outer = active
        active = rule
        defer { active = outer }
        return try body()
    }
}

/// The elementwise nonlinearities that have rules: ReLU has all three, the smooth ones DeepLIFT's.
enum Nonlinearity {
    case relu, smooth
}

extension Tensor {
    /// The backward of a nonlinearity y = f(x) under `rule`, or nil where the rule keeps the
    /// ordinary gradient (guided backpropagation and deconvolution change ReLU only).
    func ruledPullback(_ rule: BackwardRule, _ kind: Nonlinearity, _ name: String, x: Tensor, y: Tensor,
                       derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> ((Tensor) throws -> [Tensor?])? {
        switch (rule, kind) {
        case (.deepLift(let eps, let chained), _):
            guard chained || !feedsFromRescaling else { return nil }
            return { g in [try Tensor.rescaled(g, x: x, y: y, eps: eps, derivative: derivative, op: name)] }
        case (.guidedBackprop, .relu), (.deconvolution, .relu):
            let guided = rule == .guidedBackprop
            return { g in
                var d = [Float](repeating: 0, count: g.count)
                x.floats.withUnsafeBufferPointer { px in
                    y.floats.withUnsafeBufferPointer { py in
                        for (i, gi) in g.floats.enumerated() {
                            let passed = guided ? gi * derivative(px[i], py[i]) : gi
                            d[i] = passed > 0 ? passed : 0
                        }
                    }
                }
                return [Tensor(unchecked: g.shape, floats: d)]
            }
        default:
            return nil
        }
    }

    /// Whether this tensor comes straight from an op that passes back by DeepLIFT's rule.
    var feedsFromRescaling: Bool { meta?.gradFn?.rescales ?? false }

    /// Marks the op that produced this tensor as passing back by DeepLIFT's rule.
    func markedRescaling() -> Tensor {
        meta?.gradFn?.rescales = true
        return self
    }

    /// The same, if `rule` is DeepLIFT's.
    func marked(by rule: BackwardRule) -> Tensor {
        if case .deepLift = rule { return markedRescaling() }
        return self
    }

    /// The two halves [x; x0] of a DeepLIFT batch: the element count of one half.
    static func half(_ t: Tensor, _ op: String) throws -> Int {
        guard let n = t.shape.first, n % 2 == 0, n > 0 else {
            throw TensorError(.autograd, "DeepLIFT's rule at \(op) needs inputs and references as one batch "
                              + "[x; x0] of two equal halves, found shape \(Shape.format(t.shape))")
        }
        return t.count / 2
    }

    /// DeepLIFT's rescale rule: g · Δy/Δx per element (Δ between the halves, the same for both),
    /// the ordinary g · f′ where |Δx| < eps (Captum's `nonlinear`).
    static func rescaled(_ g: Tensor, x: Tensor, y: Tensor, eps: Float,
                         derivative: (Float, Float) -> Float, op: String) throws -> Tensor {
        let h = try half(x, op)
        var d = [Float](repeating: 0, count: x.count)
        x.floats.withUnsafeBufferPointer { px in
            y.floats.withUnsafeBufferPointer { py in
                g.floats.withUnsafeBufferPointer { pg in
                    for i in 0..<x.count {
                        let j = i < h ? i : i - h
                        let dx = px[j] - px[j + h], dy = py[j] - py[j + h]
                        d[i] = Swift.abs(dx) < eps ? pg[i] * derivative(px[i], py[i]) : pg[i] * dy / dx
                    }
                }
            }
        }
        return Tensor(unchecked: g.shape, floats: d)
    }

    /// DeepLIFT at max pooling (Captum's `maxpool`): with m = max(y, y0) per window, the input
    /// half's window maximum receives g · (m − y0) and the reference half's g · (y − m); the two
    /// are added position by position, divided by Δx, and given to both halves (the ordinary
    /// gradient where |Δx| < eps). `arg` is each output's input index (−1: an empty window).
    static func deepLiftMaxPool(_ g: Tensor, input x: Tensor, output y: Tensor, arg: [Int],
                                eps: Float) throws -> Tensor {
        let hIn = try half(x, "max_pool2d"), hOut = try half(y, "max_pool2d")
        var spread = [Float](repeating: 0, count: x.count), plain = [Float](repeating: 0, count: x.count)
        let gf = g.floats, yf = y.floats
        for k in 0..<hOut {
            let r = k + hOut
            let m = Swift.max(yf[k], yf[r])
            if arg[k] >= 0 { spread[arg[k]] += gf[k] * (m - yf[r]); plain[arg[k]] += gf[k] }
            if arg[r] >= 0 { spread[arg[r]] += gf[r] * (yf[k] - m); plain[arg[r]] += gf[r] }
        }
        var d = [Float](repeating: 0, count: x.count)
        let xf = x.floats
        for i in 0..<hIn {
            let dx = xf[i] - xf[i + hIn]
            let both = spread[i] + spread[i + hIn]
            let small = Swift.abs(dx) < eps
            d[i] = small ? plain[i] : both / dx
            d[i + hIn] = small ? plain[i + hIn] : both / dx
        }
        return Tensor(unchecked: x.shape, floats: d)
    }
}
