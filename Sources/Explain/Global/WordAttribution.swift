import Foundation
import Tensors
import Training

/// Words that matter to a text model over a dataset: each text is explained (each with its
/// own batched model calls), and every word type gets the mean |score| of its occurrences,
/// their mean signed score and how often it occurs. Words are compared lower-cased.
public struct WordAttribution {
    public let method: String
    public let targetName: String
    public let texts: Int
    /// Word types from the largest mean |score| to the smallest (ties: more occurrences, then alphabetical).
    public let words: [String]
    public let meanAbs: [Double]
    public let meanSigned: [Double]
    public let counts: [Int]

    public init(model: Model, texts: [String], request: ExplainRequest) throws {
        guard !texts.isEmpty else { throw TensorError.value("no texts to explain") }
        var r = request
        r.method = try ExplainRequest.canonical(r.method)
        r.target = r.target ?? 1
        var sumAbs: [String: Double] = [:], sum: [String: Double] = [:], count: [String: Int] = [:]
        var name = "class \(r.target ?? 1)"
        for (k, text) in texts.enumerated() {
            try Interruption.check()
            let s = try Explainer.subject(model, .text(text), r)
            let e = try Explainer.explain(s, r)
            if k == 0 { name = s.targetName }
            for (u, v) in zip(e.units, e.scores) where v.isFinite {
                let w = u.lowercased()
                sumAbs[w, default: 0] += abs(v)
                sum[w, default: 0] += v
                count[w, default: 0] += 1
            }
        }
        let types = count.keys.sorted { a, b in
            let ma = (sumAbs[a] ?? 0) / Double(count[a] ?? 1), mb = (sumAbs[b] ?? 0) / Double(count[b] ?? 1)
            if ma != mb { return ma > mb }
            if count[a] != count[b] { return (count[a] ?? 0) > (count[b] ?? 0) }
            return a < b
        }
        method = r.method
        targetName = name
        self.texts = texts.count
        words = types
        counts = types.map { count[$0] ?? 0 }
        meanAbs = types.map { (sumAbs[$0] ?? 0) / Double(count[$0] ?? 1) }
        meanSigned = types.map { (sum[$0] ?? 0) / Double(count[$0] ?? 1) }
    }
}
