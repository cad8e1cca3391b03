import Foundation
import Tensors

/// The Shapley family over many rows: rows with the same active features share one design
/// (all coalitions, KernelSHAP's coalitions or the permutations, which depend only on the
/// number of players and the seed), and each row's values are solved as `Shapley` solves one.
extension GlobalAttribution {
    static func shapley(_ scorer: RowScorer, _ data: [Float], _ N: Int, _ r: ExplainRequest) throws -> Part {
        if r.method == "permutation_shap", r.permutations < 1 {
            throw TensorError.value("permutation SHAP needs at least 1 permutation, found \(r.permutations)")
        }
        let F = scorer.features
        let game = CoalitionBatch(scorer: scorer, references: references(r, features: F))
        let fx = try scorer.scores(data, count: N)
        // Rows grouped by their active features, in order of first appearance.
        var groups: [[Int]: [Int]] = [:], keys: [[Int]] = []
        for i in 0..<N {
            let a = game.active(data[i * F..<(i + 1) * F])
            if groups[a] == nil { keys.append(a) }
            groups[a, default: []].append(i)
        }
        var part = Part(values: [Double](repeating: 0, count: N * F), predictions: fx,
                        base: [Double?](repeating: nil, count: N), settings: [])
        for active in keys {
            let rows = groups[active] ?? []
            let M = active.count
            let exact = r.method == "exact_shapley" || (r.method == "shap" && M <= Shapley.exactLimit)
            let solved: [(phi: [Double], base: Double)]
            if exact {
                solved = try exactValues(game, data, rows, active)
                part.settings = [("coalitions", "\(1 << M)")]
            } else if r.method == "permutation_shap" {
                solved = try permutationValues(game, data, rows, active, r)
                part.settings = [("permutations", "\(r.permutations)"), ("seed", "\(r.seed)")]
            } else {
                let k = try kernelValues(game, data, rows, active, r, fx: fx)
                solved = k.solved
                part.settings = [("samples", "\(k.samples)"), ("seed", "\(r.seed)")]
            }
            for (row, s) in zip(rows, solved) {
                for (j, u) in active.enumerated() { part.values[row * F + u] = s.phi[j] }
                part.base[row] = s.base
            }
        }
        return part
    }

    /// Exact Shapley values from all 2^M coalitions (M ≤ 16), as `Shapley.exact`.
    static func exactValues(_ game: CoalitionBatch, _ data: [Float], _ rows: [Int],
                            _ active: [Int]) throws -> [(phi: [Double], base: Double)] {
        let M = active.count
        guard M <= Shapley.exactLimit else {
            throw TensorError.value("exact Shapley values need at most \(Shapley.exactLimit) features, found \(M); "
                                    + "use method: \"kernel_shap\" or \"permutation_shap\"")
        }
        let masks = (0..<(1 << M)).map { bits in (0..<M).map { bits & (1 << $0) != 0 } }
        return try sliced(rows, coalitions: masks.count) { part in
            try game.values(data: data, rows: part, active: active, masks: masks).map { v in
                (Shapley.values(coalitions: v, players: M), v[0])
            }
        }
    }

    /// KernelSHAP with one coalition design for all rows, as `Shapley.kernel`.
    static func kernelValues(_ game: CoalitionBatch, _ data: [Float], _ rows: [Int], _ active: [Int],
                             _ r: ExplainRequest, fx: [Double]) throws
        -> (solved: [(phi: [Double], base: Double)], samples: Int) {
        let M = active.count
        let empty = [Bool](repeating: false, count: M)
        guard M >= 2 else {
            let v = try game.values(data: data, rows: rows, active: active, masks: [empty])
            return (zip(v, rows).map { v, row in (M == 1 ? [fx[row] - v[0]] : [], v[0]) }, 0)
        }
        var budget = r.samples ?? (2 * M + 2048)
        guard budget >= 2 else { throw TensorError.value("KernelSHAP needs at least 2 samples, found \(budget)") }
        if M <= 30 { budget = min(budget, (1 << M) - 2) }
        let design = try Shapley.kernelCoalitions(players: M, budget: budget, seed: r.seed)
        // The empty coalition first (each row's base value), then the design's.
        let masks = [empty] + design.masks
        let solved = try sliced(rows, coalitions: masks.count) { part in
            try zip(game.values(data: data, rows: part, active: active, masks: masks), part).map { v, row in
                let base = v[0], gap = fx[row] - base
                let w = Shapley.kernelSolve(design.masks, design.weights, Array(v[1...]), base: base, gap: gap,
                                            players: M)
                return (w + [gap - w.reduce(0, +)], base)
            }
        }
        return (solved, design.masks.count)
    }

    /// Antithetic permutation sampling with the same orders for all rows, as `Shapley.permutation`.
    static func permutationValues(_ game: CoalitionBatch, _ data: [Float], _ rows: [Int], _ active: [Int],
                                  _ r: ExplainRequest) throws -> [(phi: [Double], base: Double)] {
        let M = active.count
        let (masks, orders) = Shapley.antitheticPasses(units: M, permutations: r.permutations, seed: r.seed)
        let per = 2 * M + 1
        return try sliced(rows, coalitions: masks.count) { part in
            try permutationSolve(game.values(data: data, rows: part, active: active, masks: masks), orders, M, per)
        }
    }

    /// Each row's permutation SHAP values from its game values along the orders.
    static func permutationSolve(_ values: [[Double]], _ orders: [[Int]], _ M: Int,
                                 _ per: Int) -> [(phi: [Double], base: Double)] {
        values.map { v in
            var phi = [Double](repeating: 0, count: M)
            for (p, order) in orders.enumerated() {
                let o = p * per
                for (k, i) in order.enumerated() {
                    phi[i] += v[o + k + 1] - v[o + k]
                    phi[i] += v[o + M + k] - v[o + M + k + 1]
                }
            }
            return (phi.map { $0 / Double(2 * orders.count) }, v[0])
        }
    }

    /// Rows in slices whose game values (rows × coalitions) stay within a few million numbers.
    static func sliced<T>(_ rows: [Int], coalitions K: Int, _ body: ([Int]) throws -> [T]) rethrows -> [T] {
        let per = max(1, 4_000_000 / max(1, K))
        var out: [T] = []
        out.reserveCapacity(rows.count)
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + per)
            out += try body(Array(rows[start..<end]))
            start = end
        }
        return out
    }
}
