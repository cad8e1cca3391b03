import Foundation

/// ERASER's measures of agreement between an explanation and a human rationale (DeYoung et
/// al. 2020), on one text: the explanation's units ranked by |score| against the rationale.
public enum RationaleScores {
    /// The k units with the largest |score| (ties by position): the explanation's hard rationale.
    public static func topK(_ scores: [Double], k: Int) -> [Bool] {
        let order = scores.indices.sorted {
            abs(scores[$0]) != abs(scores[$1]) ? abs(scores[$0]) > abs(scores[$1]) : $0 < $1
        }
        var mask = [Bool](repeating: false, count: scores.count)
        for u in order.prefix(max(0, k)) { mask[u] = true }
        return mask
    }

    /// Precision, recall and F1 of a predicted set of units against the rationale's.
    public static func tokenPRF(predicted: [Bool], gold: [Bool]) -> (p: Double, r: Double, f1: Double) {
        var both = 0, pred = 0, truth = 0
        for i in predicted.indices {
            if predicted[i] { pred += 1 }
            if gold[i] { truth += 1 }
            if predicted[i] && gold[i] { both += 1 }
        }
        let p = pred > 0 ? Double(both) / Double(pred) : 0, r = truth > 0 ? Double(both) / Double(truth) : 0
        return (p, r, f1(p, r))
    }

    /// ERASER's F1: 0 when either part is 0.
    public static func f1(_ p: Double, _ r: Double) -> Double { p == 0 || r == 0 ? 0 : 2 * p * r / (p + r) }

    /// The maximal runs of consecutive marked units.
    public static func spans(_ mask: [Bool]) -> [Range<Int>] {
        var out: [Range<Int>] = [], start: Int?
        for (i, m) in mask.enumerated() {
            if m, start == nil { start = i }
            if !m, let s = start { out.append(s..<i); start = nil }
        }
        if let s = start { out.append(s..<mask.count) }
        return out
    }

    /// Intersection over union of two spans of units.
    public static func iou(_ a: Range<Int>, _ b: Range<Int>) -> Double {
        let inter = max(0, min(a.upperBound, b.upperBound) - max(a.lowerBound, b.lowerBound))
        let union = a.count + b.count - inter
        return union > 0 ? Double(inter) / Double(union) : 0
    }

    /// ERASER's partial match: a predicted span counts when its best IOU with a rationale span
    /// reaches `threshold`; precision over predicted spans, recall over rationale spans.
    public static func iouPRF(predicted: [Bool], gold: [Bool], threshold: Double = 0.5)
        -> (p: Double, r: Double, f1: Double) {
        let ps = spans(predicted), gs = spans(gold)
        let hits = ps.filter { p in (gs.map { iou(p, $0) }.max() ?? 0) >= threshold }.count
        let p = ps.isEmpty ? 0 : Double(hits) / Double(ps.count), r = gs.isEmpty ? 0 : Double(hits) / Double(gs.count)
        return (p, r, f1(p, r))
    }

    /// Average precision as scikit-learn's average_precision_score computes it: Σ (Rₙ − Rₙ₋₁) Pₙ
    /// over the distinct scores from the highest, units with equal scores entering together.
    /// NaN when no unit is labelled.
    public static func averagePrecision(_ scores: [Double], labels: [Bool]) -> Double {
        let positives = labels.filter { $0 }.count
        guard positives > 0 else { return .nan }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var tp = 0, seen = 0, ap = 0.0, lastRecall = 0.0, i = 0
        while i < order.count {
            let s = scores[order[i]]
            while i < order.count, scores[order[i]] == s {
                seen += 1
                if labels[order[i]] { tp += 1 }
                i += 1
            }
            let recall = Double(tp) / Double(positives)
            ap += (recall - lastRecall) * Double(tp) / Double(seen)
            lastRecall = recall
        }
        return ap
    }
}
