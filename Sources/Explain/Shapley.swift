import Foundation
import Tensors

/// Shapley values of the explainee's coalition game (see `Explainee.values`): exact
/// enumeration, KernelSHAP (shap.KernelExplainer's sampling and solve), and antithetic
/// permutation sampling (shap.PermutationExplainer). Each reports the efficiency gap
/// Σφ − (f(x) − base) as a check.
public enum Shapley {
    public static let exactLimit = 16

    static func efficiency(_ phi: [Double], _ fx: Double, _ base: Double) -> Check {
        Check("efficiency gap", phi.reduce(0, +) - (fx - base),
              "Σ Shapley values − (f(x) − base value); 0 when the values split the prediction exactly")
    }

    /// Units whose value equals every background row's cannot change the game; shap leaves
    /// them out (their Shapley value is 0).
    static func varying(_ s: Explainee) -> [Int] {
        guard s.kind == .tabular else { return Array(0..<s.unitCount) }
        let x = s.input.floats
        let F = x.count
        let rows: [[Float]]
        if let bg = s.background {
            rows = (0..<bg.shape[0]).map { Array(bg.floats[$0 * F..<($0 + 1) * F]) }
        } else {
            rows = [s.baseline.floats]
        }
        return (0..<F).filter { i in rows.contains { abs($0[i] - x[i]) > 1e-7 } }
    }

    /// The game restricted to the varying units: coalitions over those, others kept.
    static func game(_ s: Explainee, _ active: [Int]) -> ([[Bool]]) throws -> [Double] {
        let n = s.unitCount
        return { masks in
            try s.values(masks.map { m in
                var full = [Bool](repeating: true, count: n)
                for (k, u) in active.enumerated() { full[u] = m[k] }
                return full
            })
        }
    }

    /// Exact Shapley values from all 2^M coalitions (M ≤ 16).
    public static func exact(_ s: Explainee) throws -> Explanation {
        let active = varying(s)
        let M = active.count
        guard M <= exactLimit else {
            throw TensorError.value("exact Shapley values need at most \(exactLimit) features, found \(M); "
                                    + "use method: \"kernel_shap\" or \"permutation_shap\""
                                    + (s.kind == .image ? " or a larger patch:" : ""))
        }
        let count = 1 << M
        var masks: [[Bool]] = []
        masks.reserveCapacity(count)
        for bits in 0..<count { masks.append((0..<M).map { bits & (1 << $0) != 0 }) }
        let v = try game(s, active)(masks)
        var phi = [Double](repeating: 0, count: s.unitCount)
        for (j, value) in values(coalitions: v, players: M).enumerated() { phi[active[j]] = value }
        let base = v[0], fx = v[count - 1]
        return Explanation(method: "exact_shapley", settings: [("coalitions", "\(count)")] + backgroundSetting(s),
                           subject: s, scores: phi, baseValue: base, checks: [efficiency(phi, fx, base)])
    }

    /// Shapley values of M players from the values of all 2^M coalitions (index bit j set =
    /// player j present): φⱼ = Σ over S without j of w(|S|)·(v(S ∪ j) − v(S)), with
    /// w(k) = k!(M−k−1)!/M!.
    static func values(coalitions v: [Double], players M: Int) -> [Double] {
        var w = [Double](repeating: 0, count: max(M, 1))
        for k in 0..<M { w[k] = 1 / (Double(M) * binomial(M - 1, k)) }
        return (0..<M).map { j in
            var acc = 0.0
            for bits in 0..<(1 << M) where bits & (1 << j) == 0 {
                acc += w[bits.nonzeroBitCount] * (v[bits | (1 << j)] - v[bits])
            }
            return acc
        }
    }

    /// The binomial coefficient C(n, k) as a Double (0 when k is outside 0…n).
    static func binomial(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return 0 }
        var r = 1.0
        for i in 0..<min(k, n - k) { r = r * Double(n - i) / Double(i + 1) }
        return r
    }

    static func backgroundSetting(_ s: Explainee) -> [(String, String)] {
        if let bg = s.background { return [("background", "\(bg.shape[0]) rows")] }
        return s.kind == .text ? [("removed", s.removedTokenName)] : [("removed", "baseline")]
    }

    /// KernelSHAP as shap.KernelExplainer: subset sizes weighted by the Shapley kernel,
    /// sizes enumerated completely (with their complements) while the budget allows, the
    /// rest sampled in complementary pairs; a weighted least-squares fit with the efficiency
    /// constraint eliminated exactly. No L1 feature selection (shap's "auto" only selects
    /// when fewer than 20% of coalitions are evaluated).
    public static func kernel(_ s: Explainee, samples: Int? = nil, seed: UInt64 = 0) throws -> Explanation {
        let active = varying(s)
        let M = active.count
        let fx = s.prediction
        let base = try game(s, active)([[Bool](repeating: false, count: M)])[0]
        var phi = [Double](repeating: 0, count: s.unitCount)
        var settings: [(String, String)] = [("seed", "\(seed)")] + backgroundSetting(s)
        if M == 1 { phi[active[0]] = fx - base }
        guard M >= 2 else {
            return Explanation(method: "kernel_shap", settings: settings, subject: s, scores: phi, baseValue: base,
                               checks: [efficiency(phi, fx, base)])
        }
        var budget = samples ?? (2 * M + 2048)
        guard budget >= 2 else { throw TensorError.value("KernelSHAP needs at least 2 samples, found \(budget)") }
        if M <= 30 { budget = min(budget, (1 << M) - 2) }
        let coalitions = try kernelCoalitions(players: M, budget: budget, seed: seed)
        let masks = coalitions.masks
        let ey = try game(s, active)(masks)
        let gap = fx - base
        let w = kernelSolve(masks, coalitions.weights, ey, base: base, gap: gap, players: M)
        for j in 0..<(M - 1) { phi[active[j]] = w[j] }
        phi[active[M - 1]] = gap - w.reduce(0, +)
        settings.insert(("samples", "\(masks.count)"), at: 0)
        let evaluated = Double(masks.count) / (Double(sign: .plus, exponent: M, significand: 1) - 2)
        return Explanation(method: "kernel_shap", settings: settings, subject: s, scores: phi, baseValue: base,
                           checks: [efficiency(phi, fx, base),
                                    Check("coalitions evaluated", min(1, evaluated),
                                          "fraction of all 2^M − 2 coalitions; 1 means the values are exact")])
    }

    /// KernelSHAP's coalitions (true = the player is present) with their weights.
    struct KernelCoalitions {
        var masks: [[Bool]] = []
        var weights: [Double] = []
        var index: [[Bool]: Int] = [:]
        mutating func add(_ m: [Bool], _ w: Double) { index[m] = masks.count; masks.append(m); weights.append(w) }
    }

    /// shap's choice of coalitions for M players within `budget`: whole subset sizes (and
    /// their complements), smallest first, while the budget covers them at their kernel
    /// weight; then random subsets of the remaining sizes.
    static func kernelCoalitions(players M: Int, budget: Int, seed: UInt64) throws -> KernelCoalitions {
        var c = KernelCoalitions()
        let sizes = M / 2, paired = (M - 1) / 2          // ceil((M−1)/2), floor((M−1)/2)
        var weightVector = (1...sizes).map { Double(M - 1) / (Double($0) * Double(M - $0)) }
        for i in 0..<paired { weightVector[i] *= 2 }
        let total = weightVector.reduce(0, +)
        weightVector = weightVector.map { $0 / total }
        var remaining = weightVector
        var full = 0
        var left = Double(budget)
        for size in 1...sizes {
            var nsubsets = binomial(M, size)
            if size <= paired { nsubsets *= 2 }
            guard left * remaining[size - 1] / nsubsets >= 1 - 1e-8 else { break }
            full += 1
            left -= nsubsets
            if remaining[size - 1] < 1 { let r = remaining[size - 1]; remaining = remaining.map { $0 / (1 - r) } }
            var w = weightVector[size - 1] / binomial(M, size)
            if size <= paired { w /= 2 }
            forEachCombination(M, size) { inds in
                var m = [Bool](repeating: false, count: M)
                for i in inds { m[i] = true }
                c.add(m, w)
                if size <= paired { c.add(m.map { !$0 }, w) }
            }
        }
        if full != sizes && budget - c.masks.count > 0 {
            try sampleCoalitions(&c, weightVector: weightVector, full: full, paired: paired, players: M, budget: budget,
                                 seed: seed)
        }
        return c
    }

    /// The coalitions past the `full` enumerated sizes: random subsets drawn by the remaining
    /// kernel weights (a repeat adds 1 to its weight), whose weights then share what the
    /// remaining sizes weigh.
    static func sampleCoalitions(_ c: inout KernelCoalitions, weightVector: [Double], full: Int, paired: Int,
                                 players M: Int, budget: Int, seed: UInt64) throws {
        let fixed = c.masks.count
        var samplesLeft = budget - c.masks.count
        var rw = weightVector
        for i in 0..<paired { rw[i] /= 2 }
        rw = Array(rw[full...])
        let sum = rw.reduce(0, +)
        rw = rw.map { $0 / sum }
        var g = RandomGenerator(seed: seed)
        var draws = 0
        while samplesLeft > 0 && draws < 4 * budget {
            draws += 1
            if draws % 256 == 0 { try Interruption.check() }
            // Draw a subset size by the remaining kernel weights, then a random subset of it.
            var u = g.uniformDouble(), k = 0
            while k < rw.count - 1 && u >= rw[k] { u -= rw[k]; k += 1 }
            let size = k + full + 1
            var m = [Bool](repeating: false, count: M)
            for i in g.permutation(M).prefix(size) { m[i] = true }
            let isNew: Bool
            if let at = c.index[m] {
                c.weights[at] += 1; isNew = false
            } else {
                c.add(m, 1); samplesLeft -= 1; isNew = true
            }
            if samplesLeft > 0 && size <= paired {
                let complement = m.map { !$0 }
                if isNew {
                    c.add(complement, 1); samplesLeft -= 1
                } else if let at = c.index[complement] {
                    c.weights[at] += 1
                }
            }
        }
        let leftWeight = weightVector[full...].reduce(0, +)
        let sampled = c.weights[fixed...].reduce(0, +)
        if sampled > 0 { for i in fixed..<c.weights.count { c.weights[i] *= leftWeight / sampled } }
    }

    /// shap's solve: eliminate the last player with the constraint Σφ = f(x) − base (`gap`),
    /// then solve (XᵀWX) w = XᵀW y for the others. Returns the first M − 1 values.
    static func kernelSolve(_ masks: [[Bool]], _ weights: [Double], _ ey: [Double], base: Double, gap: Double,
                            players M: Int) -> [Double] {
        let rows = masks.count, p = M - 1
        var X = [Double](repeating: 0, count: rows * p), y = [Double](repeating: 0, count: rows)
        for r in 0..<rows {
            let last = masks[r][M - 1] ? 1.0 : 0.0
            y[r] = (ey[r] - base) - last * gap
            for j in 0..<p { X[r * p + j] = (masks[r][j] ? 1.0 : 0.0) - last }
        }
        var A = [Double](repeating: 0, count: p * p), b = [Double](repeating: 0, count: p)
        for r in 0..<rows {
            let wr = weights[r]
            for j in 0..<p where X[r * p + j] != 0 {
                let v = wr * X[r * p + j]
                b[j] += v * y[r]
                for k in 0..<p { A[j * p + k] += v * X[r * p + k] }
            }
        }
        return LinearSystem.solve(A, b, p) ?? LinearSystem.leastNorm(A, b, p)
    }

    /// Calls `body` with every k-subset of 0..<n in lexicographic order (itertools.combinations).
    static func forEachCombination(_ n: Int, _ k: Int, _ body: ([Int]) -> Void) {
        guard k > 0, k <= n else { return }
        var idx = Array(0..<k)
        while true {
            body(idx)
            var i = k - 1
            while i >= 0 && idx[i] == n - k + i { i -= 1 }
            if i < 0 { return }
            idx[i] += 1
            for j in i + 1..<k { idx[j] = idx[j - 1] + 1 }
        }
    }

    /// The coalitions of antithetic permutation passes: for each seeded random order of `units`,
    /// the empty coalition, then each unit switched on in turn, then each switched off in the
    /// same order (2·units + 1 coalitions per order).
    static func antitheticPasses(units M: Int, permutations: Int,
                                 seed: UInt64) -> (masks: [[Bool]], orders: [[Int]]) {
        var g = RandomGenerator(seed: seed)
        var masks: [[Bool]] = [], orders: [[Int]] = []
        for _ in 0..<permutations {
            let order = g.permutation(M)
            orders.append(order)
            var m = [Bool](repeating: false, count: M)
            masks.append(m)
            for i in order { m[i] = true; masks.append(m) }
            for i in order { m[i] = false; masks.append(m) }
        }
        return (masks, orders)
    }

    /// Permutation SHAP with antithetic passes (shap.PermutationExplainer): for each random
    /// order, switch units on one by one from the empty coalition, then off again in the
    /// same order from the full one; each unit's marginal contributions are averaged.
    public static func permutation(_ s: Explainee, permutations: Int = 10, seed: UInt64 = 0) throws -> Explanation {
        guard permutations >= 1 else {
            throw TensorError.value("permutation SHAP needs at least 1 permutation, found \(permutations)")
        }
        let active = varying(s)
        let M = active.count
        let (masks, orders) = antitheticPasses(units: M, permutations: permutations, seed: seed)
        let v = try game(s, active)(masks)
        var phi = [Double](repeating: 0, count: s.unitCount)
        let per = 2 * M + 1
        for (p, order) in orders.enumerated() {
            let o = p * per
            for (k, i) in order.enumerated() {
                phi[active[i]] += v[o + k + 1] - v[o + k]                // switched on
                phi[active[i]] += v[o + M + k] - v[o + M + k + 1]        // switched off
            }
        }
        phi = phi.map { $0 / Double(2 * permutations) }
        let base = v.first ?? s.baselineScore
        let fx = v.count > M ? v[M] : s.prediction
        let settings = [("permutations", "\(permutations)"), ("seed", "\(seed)")] + backgroundSetting(s)
        return Explanation(method: "permutation_shap", settings: settings, subject: s, scores: phi, baseValue: base,
                           checks: [efficiency(phi, fx, base)])
    }
}
