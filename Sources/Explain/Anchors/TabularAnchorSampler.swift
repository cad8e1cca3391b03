import Foundation
import Tensors

/// Anchors for a table row: each feature is cut at the training rows' quartiles, and the
/// predicates are "feature ≤ upper edge" and "feature > lower edge" of the row's own bin.
/// Perturbed rows are training rows whose anchored features are replaced by those of
/// training rows where the whole anchor holds (Ribeiro et al. 2018; alibi's sampler).
struct TabularAnchorSampler: AnchorSampler {
    struct Predicate {
        let feature: Int
        let above: Bool
        let edge: Double
        /// The bins it allows.
        let bins: ClosedRange<Int>
    }

    let subject: Explainee
    let rows: [Float]
    let rowCount: Int, featureCount: Int
    let cuts: [Quartiles]
    /// The bin of every training row's every feature, row-major.
    let rowBins: [Int]
    let predicates: [Predicate]
    /// Whether each predicate holds on each training row (predicate-major).
    let rowHolds: [[Bool]]
    let target: Int
    var random: RandomGenerator

    var predicateCount: Int { predicates.count }

    init(subject: Explainee, data: Tensor, target: Int, seed: UInt64) throws {
        guard data.rank == 2, data.shape[1] == subject.input.count, data.shape[0] > 0 else {
            throw TensorError.shape("anchor: data: must be training rows [rows, \(subject.input.count)], "
                                    + "found \(data.shape)")
        }
        self.subject = subject
        rows = data.floats
        (rowCount, featureCount) = (data.shape[0], data.shape[1])
        let (R, F) = (rowCount, featureCount)
        let columns = (0..<F).map { f in (0..<R).map { Double(data.floats[$0 * F + f]) } }
        cuts = columns.map(Quartiles.init)
        var bins = [Int](repeating: 0, count: R * F)
        for f in 0..<F { for r in 0..<R { bins[r * F + f] = cuts[f].bin(columns[f][r]) } }
        rowBins = bins
        var preds: [Predicate] = []
        let x = subject.input.floats
        for f in 0..<F {
            let b = cuts[f].bin(Double(x[f])), last = cuts[f].bins - 1
            if b > 0 { preds.append(Predicate(feature: f, above: true, edge: cuts[f].edges[b - 1], bins: b...last)) }
            if b < last { preds.append(Predicate(feature: f, above: false, edge: cuts[f].edges[b], bins: 0...b)) }
        }
        predicates = preds
        rowHolds = preds.map { pr in (0..<R).map { pr.bins.contains(bins[$0 * F + pr.feature]) } }
        self.target = target
        random = RandomGenerator(seed: seed)
    }

    func coverage(_ anchor: [Int]) -> Double {
        guard !anchor.isEmpty else { return 1 }
        let covered = (0..<rowCount).filter { r in anchor.allSatisfy { rowHolds[$0][r] } }.count
        return Double(covered) / Double(rowCount)
    }

    mutating func draw(_ anchor: [Int], _ n: Int) throws -> (holds: [Bool], same: [Bool]) {
        let F = featureCount
        var out = [Float](repeating: 0, count: n * F)
        for i in 0..<n {
            let r = Int(random.below(UInt64(rowCount)))
            for f in 0..<F { out[i * F + f] = rows[r * F + f] }
        }
        try condition(&out, n: n, on: anchor)
        let decided = try subject.decisions(Tensor(shape: [n, F], floats: out))
        var holds = [Bool](repeating: false, count: n * predicates.count)
        for i in 0..<n {
            for (k, pr) in predicates.enumerated() {
                let bin = cuts[pr.feature].bin(Double(out[i * F + pr.feature]))
                holds[i * predicates.count + k] = pr.bins.contains(bin)
            }
        }
        return (holds, decided.map { $0 == target })
    }

    /// Puts the anchor's features into every sample: jointly from training rows where the
    /// whole anchor holds, or feature by feature when no row satisfies it all.
    mutating func condition(_ out: inout [Float], n: Int, on anchor: [Int]) throws {
        guard !anchor.isEmpty else { return }
        let F = featureCount
        let features = Array(Set(anchor.map { predicates[$0].feature })).sorted()
        let joint = (0..<rowCount).filter { r in anchor.allSatisfy { rowHolds[$0][r] } }
        if !joint.isEmpty {
            for i in 0..<n {
                let r = joint[Int(random.below(UInt64(joint.count)))]
                for f in features { out[i * F + f] = rows[r * F + f] }
            }
            return
        }
        let x = subject.input.floats
        for f in features {
            let own = anchor.filter { predicates[$0].feature == f }
            let allowed = (0..<rowCount).filter { r in own.allSatisfy { rowHolds[$0][r] } }
            for i in 0..<n {
                guard !allowed.isEmpty else { out[i * F + f] = x[f]; continue }
                out[i * F + f] = rows[allowed[Int(random.below(UInt64(allowed.count)))] * F + f]
            }
        }
    }

    /// "worst_radius > 0.97", with the feature's name and the edge to 4 significant digits.
    func describe(_ k: Int) -> String {
        let pr = predicates[k]
        let name = pr.feature < subject.unitNames.count ? subject.unitNames[pr.feature] : "x\(pr.feature)"
        return name + (pr.above ? " > " : " ≤ ") + fmtNumber(pr.edge)
    }
}
