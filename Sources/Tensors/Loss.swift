// Losses, composed from differentiable ops so their gradients follow from those ops':
//   cross_entropy = nll(log_softmax(x))      nll = −Σ w[y]·logp[y] / Σ w[y]
//   bce_with_logits = (1−y)·x + (1+(pw−1)·y)·softplus(−x)
//                     (the stable form of −[pw·y·logσ + (1−y)·log(1−σ)])
//   mse = mean((x − y)²)

extension Tensor {
    public enum Reduction: String, Sendable { case mean, sum, none }

    static func reduce(_ t: Tensor, _ r: Reduction) throws -> Tensor {
        switch r {
        case .mean: return try t.mean()
        case .sum: return try t.sum()
        case .none: return t
        }
    }

    /// Negative log-likelihood of int64 class ids `target` [N] under log-probabilities [N, C].
    public static func nllLoss(_ logp: Tensor, _ target: Tensor, weight: Tensor? = nil, ignoreIndex: Int64 = -100,
                               reduction: Reduction = .mean) throws -> Tensor {
        guard logp.rank == 2 else {
            throw TensorError.shape(
                "nll_loss needs log-probabilities [batch, classes], found \(Shape.format(logp.shape))")
        }
        guard target.dtype != .float32, target.shape == [logp.shape[0]] else {
            throw TensorError.shape("nll_loss needs int64 targets of shape [\(logp.shape[0])], found \(target.dtype) "
                                    + "\(Shape.format(target.shape))")
        }
        let n = logp.shape[0], c = logp.shape[1]
        if let weight, weight.shape != [c] {
            throw TensorError.shape("class weights must have shape [\(c)], found \(Shape.format(weight.shape))")
        }
        var pick = [Float](repeating: 0, count: n * c)
        var wsum: Float = 0
        for (i, t) in target.ints.enumerated() where t != ignoreIndex {
            guard t >= 0, t < c else { throw TensorError.index("target class \(t) is out of range for \(c) classes") }
            let w = weight?.floats[Int(t)] ?? 1
            pick[i * c + Int(t)] = -w
            wsum += w
        }
        let perRow = try logp.mul(Tensor(unchecked: [n, c], floats: pick)).sum(dim: 1)
        switch reduction {
        case .mean: return try perRow.sum().scaled(by: 1 / wsum)
        case .sum: return try perRow.sum()
        case .none: return perRow
        }
    }

    /// Cross-entropy of logits [N, C] with int64 class ids [N] (class weights and label
    /// smoothing as in PyTorch), or with class probabilities [N, C] (soft targets).
    public static func crossEntropy(_ logits: Tensor, _ target: Tensor, weight: Tensor? = nil,
                                    labelSmoothing: Float = 0, ignoreIndex: Int64 = -100,
                                    reduction: Reduction = .mean) throws -> Tensor {
        guard logits.rank == 2 else {
            throw TensorError.shape("cross_entropy needs logits [batch, classes], found \(Shape.format(logits.shape))")
        }
        guard labelSmoothing >= 0, labelSmoothing <= 1 else {
            throw TensorError.value("label_smoothing must be in [0, 1], found \(labelSmoothing)")
        }
        let logp = try logits.logSoftmax(dim: 1)
        let c = logits.shape[1]
        if target.dtype == .float32 {
            guard target.shape == logits.shape else {
                throw TensorError.shape("cross_entropy with probability targets needs shape "
                                        + "\(Shape.format(logits.shape)), found \(Shape.format(target.shape))")
            }
            var t = target.detach()
            if labelSmoothing > 0 { t = t.scaled(by: 1 - labelSmoothing).adding(labelSmoothing / Float(c)) }
            var w = t
            if let weight { w = try t.mul(weight) }
            return try reduce(try logp.mul(w).sum(dim: 1).neg(), reduction)
        }
        let nll = try nllLoss(logp, target, weight: weight, ignoreIndex: ignoreIndex, reduction: reduction)
        guard labelSmoothing > 0 else { return nll }
        // Smoothing term: −Σ_c w_c·logp_c / C per row, normalised like the nll term.
        let n = logits.shape[0]
        var rowMask = [Float](repeating: 0, count: n)
        var wsum: Float = 0
        for (i, t) in target.ints.enumerated() where t != ignoreIndex {
            rowMask[i] = 1
            wsum += weight?.floats[Int(t)] ?? 1
        }
        var smooth = logp
        if let weight { smooth = try smooth.mul(weight) }
        let perRow = try smooth.sum(dim: 1).neg().mul(Tensor(unchecked: [n], floats: rowMask)).scaled(by: 1 / Float(c))
        let smoothLoss: Tensor
        switch reduction {
        case .mean: smoothLoss = try perRow.sum().scaled(by: 1 / wsum)
        case .sum: smoothLoss = try perRow.sum()
        case .none: smoothLoss = perRow
        }
        return try nll.scaled(by: 1 - labelSmoothing).add(smoothLoss.scaled(by: labelSmoothing))
    }

    /// Binary cross-entropy on logits; `posWeight` scales the positive term.
    public static func bceWithLogits(_ x: Tensor, _ y: Tensor, posWeight: Tensor? = nil,
                                     reduction: Reduction = .mean) throws -> Tensor {
        let yf = y.toFloat()  // targets may carry gradients too (d/dy = −x + (pw−1)·softplus(−x))
        guard yf.shape == x.shape else {
            throw TensorError.shape("bce_with_logits needs targets of the logits' shape \(Shape.format(x.shape)), "
                                    + "found \(Shape.format(y.shape))")
        }
        let one = try Tensor.ones(yf.shape)
        var coef = one
        if let pw = posWeight { coef = try one.add(try pw.adding(-1).mul(yf)) }
        let loss = try one.sub(yf).mul(x).add(coef.mul(x.neg().softplus()))
        return try reduce(loss, reduction)
    }

    public static func mse(_ x: Tensor, _ y: Tensor, reduction: Reduction = .mean) throws -> Tensor {
        let d = try x.sub(y.toFloat())
        guard d.shape == x.shape else {
            throw TensorError.shape(
                "mse needs targets of the input's shape \(Shape.format(x.shape)), found \(Shape.format(y.shape))")
        }
        return try reduce(d.mul(d), reduction)
    }
}
