import Foundation
import Tensors
import Training

/// Plausibility of several explanation methods over many texts: each method explains each
/// text's predicted class, and its words ranked by |score| are compared with the text's
/// VADER rationale (the words ten people rated strongly). Means over texts, as ERASER
/// averages instances: token F1 per text; IOU F1 from the mean precision and mean recall;
/// AUPRC over texts whose rationale leaves some word out (a text whose every word is in the
/// rationale says nothing about ranking).
public struct PlausibilityTable {
    public struct Row {
        public let method: String
        public let tokenF1: Double
        public let iouPrecision: Double, iouRecall: Double
        public var iouF1: Double { RationaleScores.f1(iouPrecision, iouRecall) }
        public let auprc: Double
        /// Mean Spearman correlation of |score| with |rating| over texts where it is defined.
        public let ratingCorrelation: Double
        public let texts: Int
        /// Whether the row is the chance level (scores drawn at random), not a method.
        public let chance: Bool

        public func value(_ measure: String) -> Double {
            switch measure {
            case "token_f1": return tokenF1
            case "iou_f1": return iouF1
            case "spearman": return ratingCorrelation
            default: return auprc
            }
        }
    }

    public static let measures = ["auprc", "token_f1", "iou_f1", "spearman"]

    public let rows: [Row]
    /// Texts compared (those with at least one rated word), and texts left out (none).
    public let texts: Int
    public let skipped: Int
    public let threshold: Double
    public let rankedBy: String
    /// Mean words per text and mean rationale size, over the texts compared.
    public let meanWords: Double
    public let meanRationale: Double

    /// What the means add up per method.
    struct Sums {
        var tokenF1 = 0.0, iouP = 0.0, iouR = 0.0, ap = 0.0, rho = 0.0
        var n = 0, apCount = 0, rhoCount = 0

        mutating func add(_ p: Plausibility) {
            tokenF1 += p.tokenF1; iouP += p.iouPrecision; iouR += p.iouRecall; n += 1
            if p.gold.contains(false) { ap += p.auprc; apCount += 1 }
            if let r = p.ratingCorrelation, r.isFinite { rho += r; rhoCount += 1 }
        }

        func row(_ method: String, chance: Bool) -> Row {
            func mean(_ s: Double, _ c: Int) -> Double { c > 0 ? s / Double(c) : .nan }
            return Row(method: method, tokenF1: mean(tokenF1, n), iouPrecision: mean(iouP, n), iouRecall: mean(iouR, n),
                       auprc: mean(ap, apCount), ratingCorrelation: mean(rho, rhoCount), texts: n, chance: chance)
        }
    }

    /// Runs every request on every text that has a VADER rationale (at most `limit` texts),
    /// plus a chance row of seeded random scores; rows ranked by `rankBy` (higher first).
    public static func measure(model: Model, texts: [String], requests: [ExplainRequest], lexicon: VaderLexicon,
                               threshold: Double, limit: Int?, seed: UInt64,
                               rankBy: String = "auprc") throws -> PlausibilityTable {
        guard measures.contains(rankBy) else {
            throw TensorError.value("rank_by must be one of " + measures.joined(separator: ", ")
                                    + ", found \"\(rankBy)\"")
        }
        if let limit, limit < 1 { throw TensorError.value("limit must be positive, found \(limit)") }
        guard !texts.isEmpty else { throw TensorError.value("plausibility_table needs at least one text") }
        guard !requests.isEmpty else { throw TensorError.value("plausibility_table needs at least one method") }
        model.module.eval()
        var sums = [Sums](repeating: Sums(), count: requests.count)
        var chance = Sums()
        var random = RandomGenerator(seed: seed)
        var used = 0, skipped = 0, words = 0, rationale = 0
        for text in texts {
            if let limit, used >= limit { break }
            try Interruption.check()
            let r = try lexicon.rationale(text, threshold: threshold)
            guard r.size > 0 else { skipped += 1; continue }
            var subjects: [OutputKind: Explainee] = [:]
            var aligned: AlignedRationale?
            for (m, req) in requests.enumerated() {
                let output = req.output ?? Explainer.defaultOutput(req.method)
                let s = try subjects[output] ?? Explainer.subject(model, .text(text), req)
                subjects[output] = s
                let e = try Explainer.explain(s, req)
                // The rationale may lie past the part of a long text the model reads.
                guard let a = aligned ?? (try? AlignedRationale.align(r, units: e.units)) else { break }
                aligned = a
                sums[m].add(try Plausibility(method: e.method, units: e.units, scores: e.scores, aligned: a))
            }
            guard let a = aligned else { skipped += 1; continue }
            let noise = a.gold.map { _ in random.uniformDouble() }
            chance.add(try Plausibility(method: "random", units: a.gold.map { _ in "" }, scores: noise, aligned: a))
            used += 1; words += a.gold.count; rationale += a.gold.filter { $0 }.count
        }
        guard used > 0 else {
            throw TensorError.value("none of the \(texts.count) texts has a word rated |mean| ≥ "
                                    + fmtNumber(threshold) + " "
                                    + "by VADER; lower threshold:")
        }
        let unranked = zip(requests, sums).map { req, s in s.row(req.method, chance: false) }
        // Higher first, NaN last, ties in the order asked.
        let order = unranked.indices.sorted { i, j in
            let x = unranked[i].value(rankBy), y = unranked[j].value(rankBy)
            if x.isNaN || y.isNaN { return x.isNaN == y.isNaN ? i < j : y.isNaN }
            return x != y ? x > y : i < j
        }
        var rows = order.map { unranked[$0] }
        rows.append(chance.row("random", chance: true))
        return PlausibilityTable(rows: rows, texts: used, skipped: skipped, threshold: threshold, rankedBy: rankBy,
                                 meanWords: Double(words) / Double(used),
                                 meanRationale: Double(rationale) / Double(used))
    }
}
