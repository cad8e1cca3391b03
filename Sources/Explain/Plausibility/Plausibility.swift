import Foundation
import Tensors

/// How far one explanation agrees with a human rationale (ERASER's plausibility measures,
/// DeYoung et al. 2020). Units are ranked by |score|: a word can be a reason either way.
public struct Plausibility {
    public let method: String
    public let units: [String]
    public let scores: [Double]
    /// The rationale's units, and the explanation's top-k units (its hard rationale).
    public let gold: [Bool]
    public let predicted: [Bool]
    public let k: Int
    public let tokenPrecision: Double, tokenRecall: Double, tokenF1: Double
    public let iouPrecision: Double, iouRecall: Double, iouF1: Double
    /// Average precision of |score| against the rationale (scikit-learn's, ties together).
    public let auprc: Double
    /// Spearman correlation of |score| with |rating| (0 for unrated words); nil without ratings.
    public let ratingCorrelation: Double?

    public var rationaleWords: [String] { units.indices.filter { gold[$0] }.map { units[$0] } }
    public var topWords: [String] { units.indices.filter { predicted[$0] }.map { units[$0] } }

    public init(method: String, units: [String], scores: [Double], aligned: AlignedRationale, k: Int? = nil) throws {
        guard units.count == scores.count, aligned.gold.count == units.count else {
            throw TensorError.shape("plausibility needs one score and one rationale flag per unit: \(units.count) "
                                    + "units, \(scores.count) scores, \(aligned.gold.count) flags")
        }
        let size = aligned.gold.filter { $0 }.count
        let k = k ?? size
        guard k >= 1, k <= units.count else {
            throw TensorError.value("k must be between 1 and the \(units.count) units, found \(k)")
        }
        let magnitude = scores.map { $0.isNaN ? -Double.infinity : abs($0) }
        self.method = method; self.units = units; self.scores = scores; self.k = k
        gold = aligned.gold
        predicted = RationaleScores.topK(magnitude, k: k)
        (tokenPrecision, tokenRecall, tokenF1) = RationaleScores.tokenPRF(predicted: predicted, gold: gold)
        (iouPrecision, iouRecall, iouF1) = RationaleScores.iouPRF(predicted: predicted, gold: gold)
        auprc = RationaleScores.averagePrecision(magnitude, labels: gold)
        ratingCorrelation = aligned.graded ? Correlation.spearman(magnitude, aligned.relevance) : nil
    }
}

extension ExplanationMetrics {
    /// ERASER's token F1, IOU F1 and AUPRC of an explanation of a text against a rationale;
    /// k (default: the rationale's size) units form the explanation's hard rationale.
    public static func plausibility(_ e: Explanation, _ r: Rationale, k: Int? = nil) throws -> Plausibility {
        try e.requireInputUnits("plausibility")
        guard e.kind == .text else {
            throw TensorError.value("plausibility compares the words of a text explanation with a human rationale; "
                                    + "this explanation is of a \(e.kind.rawValue) input")
        }
        let aligned = try AlignedRationale.align(r, units: e.units)
        return try Plausibility(method: e.method, units: e.units, scores: e.scores, aligned: aligned, k: k)
    }
}
