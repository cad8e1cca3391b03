import Foundation
import Tensors

/// The coalition game of many table rows at once (interventional, as `Explainee.values`):
/// the value of a coalition for a row is the mean score over the reference rows (the
/// background, or the baseline) of the row with the absent features taken from the
/// reference. Rows that share their active features share one coalition design, and the
/// model sees whole blocks of rows × coalitions × references, one call per chunk.
struct CoalitionBatch {
    let scorer: RowScorer
    /// Reference rows: the background, or the one baseline.
    let references: [[Float]]

    /// Features whose value differs from some reference row (the others cannot change the
    /// game; shap leaves them out), as `Shapley.varying`.
    func active(_ x: ArraySlice<Float>) -> [Int] {
        let base = x.startIndex
        return (0..<scorer.features).filter { i in references.contains { abs($0[i] - x[base + i]) > 1e-7 } }
    }

    /// values[r][k]: the value of coalition `masks[k]` (over the `active` features; the other
    /// features are kept) for row `rows[r]` of `data` (row-major, `scorer.features` wide).
    func values(data: [Float], rows: [Int], active: [Int], masks: [[Bool]]) throws -> [[Double]] {
        let F = scorer.features, R = references.count, K = masks.count
        var out = [[Double]](repeating: [], count: rows.count)
        for r in out.indices { out[r].reserveCapacity(K) }
        guard K > 0, !rows.isEmpty else { return out }
        // Each mask as the full keep-list over all features (inactive features kept).
        var keep = [[Bool]]()
        keep.reserveCapacity(K)
        for m in masks {
            var full = [Bool](repeating: true, count: F)
            for (k, u) in active.enumerated() { full[u] = m[k] }
            keep.append(full)
        }
        let perCall = max(1, scorer.chunk / R)          // (row, coalition) blocks per model call
        let total = rows.count * K
        var buffer = [Float](repeating: 0, count: min(perCall, total) * R * F)
        var start = 0
        while start < total {
            try Interruption.check()
            let end = min(total, start + perCall)
            var at = 0
            buffer.withUnsafeMutableBufferPointer { b in
                for block in start..<end {
                    let x = rows[block / K] * F, m = keep[block % K]
                    for ref in references {
                        for i in 0..<F { b[at + i] = m[i] ? data[x + i] : ref[i] }
                        at += F
                    }
                }
            }
            let count = (end - start) * R
            let s = try scorer.scores(at == buffer.count ? buffer : Array(buffer[0..<at]), count: count)
            for block in start..<end {
                var acc = 0.0
                let o = (block - start) * R
                for r in 0..<R { acc += s[o + r] }
                out[block / K].append(acc / Double(R))
            }
            start = end
        }
        return out
    }
}
