import Foundation
import Tensors

/// Ghorbani et al.'s (2019) fragility attack: a perturbation δ with ‖δ‖∞ ≤ eps × the input's
/// range that keeps the model's predicted class but moves the explanation's top-k units as far
/// as it can. The search needs no second derivatives: each step draws `candidates` moves from
/// the current point (random signs on all values, or on a random quarter of them, with a step
/// that shrinks over the steps), drops those that change the predicted class (one batched model
/// call), re-explains the rest with the same method, and keeps the best if it lowers the top-k
/// overlap, or at the same overlap the share of |attribution| left on the original top k.
/// Text is attacked at the word embeddings (the words stay the same).
public struct Fragility {
    public let original: Explanation
    public let attacked: Explanation
    /// The budget as a fraction of the input's range, and in input units.
    public let eps: Double
    public let bound: Double
    /// ‖δ‖∞ of the perturbation found.
    public let largestChange: Double
    public let k: Int
    public let topK: Double
    public let spearman: Double
    public let classBefore: Int
    public let classAfter: Int
    public let steps: Int
    public let seed: UInt64
    /// Explanations computed, and candidates dropped because they changed the predicted class.
    public let explained: Int
    public let rejected: Int
    public static let topKMeaning = "lower means more fragile: the share of the original top-k units still in the "
        + "top k after the attack"
    public static let spearmanMeaning = "lower means more fragile: rank correlation of the attacked explanation "
        + "with the original"
}

extension ExplanationMetrics {
    /// How far `moved` departs from the original top k: its overlap, then the share of its
    /// |scores| still on those units (lower is further).
    static func departure(_ moved: Explanation, top: Set<Int>, k: Int) -> (overlap: Double, share: Double) {
        let mine = Set(moved.ranking(byMagnitude: true).prefix(k))
        let total = moved.scores.reduce(0) { $0 + abs($1) }
        let kept = top.reduce(0) { $0 + abs(moved.scores[$1]) }
        return (Double(mine.intersection(top).count) / Double(k), total > 0 ? kept / total : 0)
    }

    public static func fragility(_ e: Explanation, eps: Double = 0.05, k: Int = 5, steps: Int = 20,
                                 candidates: Int = 8, seed: UInt64 = 0) throws -> Fragility {
        let r = try reexplainable(e, "fragility")
        try checkPositive(eps, "eps", "fragility",
                          " (the largest change of a value, as a fraction of the input's range)")
        try checkTopK(k, "fragility")
        try checkCount(steps, "steps", "fragility", most: 10_000)
        try checkCount(candidates, "candidates", "fragility", most: 1024)
        let s = e.subject
        let x = s.input.floats, n = x.count
        let bound = eps * range(s.input)
        let kk = max(1, min(k, e.units.count))
        let top = Set(e.ranking(byMagnitude: true).prefix(kk))
        guard let classBefore = try s.predictedClasses(s.input.unsqueeze(0)).first else {
            throw TensorError.value("fragility: the model gave no prediction")
        }
        var g = RandomGenerator(seed: seed)
        var delta = [Double](repeating: 0, count: n)
        var best = (e, departure(e, top: top, k: kk))
        var explained = 0, rejected = 0
        for step in 0..<steps where best.1.overlap > 0 {
            try Interruption.check()
            let size = bound * (1 - Double(step) / Double(steps))
            var moves: [[Double]] = []
            var points = [Float]()
            points.reserveCapacity(candidates * n)
            for c in 0..<candidates {
                let density = c % 2 == 0 ? 1.0 : 0.25
                let d = delta.map { v -> Double in
                    guard g.uniformDouble() < density else { return v }
                    return min(bound, max(-bound, v + (g.uniformDouble() < 0.5 ? -size : size)))
                }
                moves.append(d)
                for i in 0..<n { points.append(x[i] + Float(d[i])) }
            }
            let classes = try s.predictedClasses(Tensor(shape: [candidates] + s.input.shape, floats: points))
            for c in 0..<candidates {
                guard classes[c] == classBefore else { rejected += 1; continue }
                let moved = try reexplain(e, r, at: Array(points[c * n..<(c + 1) * n]))
                explained += 1
                let d = departure(moved, top: top, k: kk)
                if d.overlap < best.1.overlap || (d.overlap == best.1.overlap && d.share < best.1.share) {
                    best = (moved, d)
                    delta = moves[c]
                }
            }
        }
        let attacked = best.0
        let after = try attacked.subject.predictedClasses(attacked.subject.input.unsqueeze(0)).first ?? classBefore
        let c = try compare(e, attacked, k: kk)
        let moved = attacked.subject.input.floats
        let largest = x.indices.reduce(0.0) { max($0, abs(Double(moved[$1]) - Double(x[$1]))) }
        return Fragility(original: e, attacked: attacked, eps: eps, bound: bound, largestChange: largest, k: kk,
                         topK: c.topK, spearman: c.spearman, classBefore: classBefore, classAfter: after,
                         steps: steps, seed: seed, explained: explained, rejected: rejected)
    }
}
