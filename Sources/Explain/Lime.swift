import Foundation
import Tensors
import Training

/// LIME (Ribeiro et al. 2016) as the lime package computes it: perturb the input in an
/// interpretable binary space, weight each sample by an exponential kernel of its distance
/// to the input, and fit a weighted ridge regression whose coefficients are the explanation.
public enum Lime {
    /// How well the local linear model fits, the check every LIME explanation carries.
    static func localFit(_ r2: Double) -> Check {
        Check("local fit R²", r2, "weighted R² of the linear model on the perturbed samples; "
                                  + "low means the model is not locally linear here")
    }

    /// lime's kernel: √exp(−d²/width²).
    static func kernel(_ d: Double, width: Double) -> Double { FastMath.exp(-(d * d) / (width * width)).squareRoot() }

    /// Features for the final fit (lime's feature_selection "auto"): forward selection for
    /// up to 6 features, otherwise the largest |coefficient × value| of a ridge (α 0.01) fit.
    static func select(_ X: [Double], _ y: [Double], _ w: [Double], rows: Int, d: Int, count: Int) throws -> [Int] {
        guard count < d else { return Array(0..<d) }
        if count <= 6 {
            var used: [Int] = []
            for _ in 0..<count {
                var best = -Double.infinity, bestF = -1
                for f in 0..<d where !used.contains(f) {
                    let cols = used + [f]
                    let sub = columns(X, rows: rows, d: d, cols)
                    let r2 = try RidgeRegression.fit(sub, y, w, rows: rows, p: cols.count, alpha: 0).r2
                    if r2 > best { best = r2; bestF = f }
                }
                if bestF >= 0 { used.append(bestF) }
            }
            return used
        }
        let fit = try RidgeRegression.fit(X, y, w, rows: rows, p: d, alpha: 0.01)
        // The first row is the instance itself (all ones in the binary space).
        return (0..<d).sorted { abs(fit.coef[$0] * X[$0]) > abs(fit.coef[$1] * X[$1]) }.prefix(count).sorted()
    }

    static func columns(_ X: [Double], rows: Int, d: Int, _ cols: [Int]) -> [Double] {
        var out = [Double]()
        out.reserveCapacity(rows * cols.count)
        for r in 0..<rows { for c in cols { out.append(X[r * d + c]) } }
        return out
    }

    /// Fits the explanation on binary samples `Z` (rows × d), model outputs `y` and kernel
    /// weights; returns one coefficient per feature (0 when not selected) and the fit's R².
    static func fit(_ Z: [Double], _ y: [Double], _ w: [Double], rows: Int, d: Int,
                    features: Int) throws -> (coef: [Double], intercept: Double, r2: Double, used: [Int]) {
        let used = try select(Z, y, w, rows: rows, d: d, count: min(features, d))
        let fit = try RidgeRegression.fit(columns(Z, rows: rows, d: d, used), y, w, rows: rows, p: used.count, alpha: 1)
        var coef = [Double](repeating: 0, count: d)
        for (k, f) in used.enumerated() { coef[f] = fit.coef[k] }
        return (coef, fit.intercept, fit.r2, used)
    }

    /// Text (LimeTextExplainer, bow=True): the features are the distinct words; a sample
    /// removes a random number (1…d) of them — every occurrence — and the model sees the
    /// remaining words. Distance: cosine distance to the full text × 100, kernel width 25.
    /// Each token gets its word's coefficient.
    public static func text(_ s: Explainee, samples: Int = 5000, features: Int = 10, kernelWidth: Double = 25,
                            seed: UInt64 = 0) throws -> Explanation {
        guard s.kind == .text else { throw TensorError.value("LIME for text needs a text input") }
        guard samples >= 2 else { throw TensorError.value("LIME needs at least 2 samples, found \(samples)") }
        guard features >= 1 else { throw TensorError.value("LIME needs at least 1 feature, found \(features)") }
        var words: [String] = []
        var wordOf: [Int] = []
        for name in s.unitNames {
            if let i = words.firstIndex(of: name) {
                wordOf.append(i)
            } else {
                wordOf.append(words.count); words.append(name)
            }
        }
        let d = words.count
        var g = RandomGenerator(seed: seed)
        var Z = [Double](repeating: 1, count: samples * d)
        var rows: [[Int]] = [s.tokenIds]
        rows.reserveCapacity(samples)
        var distances = [Double](repeating: 0, count: samples)
        for r in 1..<samples {
            let k = 1 + Int(g.below(UInt64(d)))
            for f in g.permutation(d).prefix(k) { Z[r * d + f] = 0 }
            var kept: [Int] = []
            for (t, id) in s.tokenIds.enumerated() where s.tokenUnits[t].map({ Z[r * d + wordOf[$0]] == 1 }) ?? true {
                kept.append(id)
            }
            rows.append(kept)
            let active = Double(d - k)
            distances[r] = (1 - (active / Double(d)).squareRoot()) * 100
        }
        let y = try s.tokenScores(rows, keepLength: false)
        let w = distances.map { kernel($0, width: kernelWidth) }
        let result = try fit(Z, y, w, rows: samples, d: d, features: features)
        let scores = wordOf.map { result.coef[$0] }
        let settings = [("samples", "\(samples)"), ("features", "\(features)"),
                        ("kernel_width", fmtNumber(kernelWidth)), ("seed", "\(seed)")]
        return Explanation(method: "lime", settings: settings, subject: s, scores: scores, baseValue: result.intercept,
                           checks: [localFit(result.r2)])
    }

    /// Tables (LimeTabularExplainer, discretize_continuous with quartiles): each feature is
    /// binned by the training quartiles; samples draw each feature's bin by its training
    /// frequency and a value inside the bin (a normal truncated to the bin, with the bin's
    /// mean and spread); the interpretable feature is "same bin as x". Euclidean distance in
    /// that binary space, kernel width 0.75·√features.
    public static func tabular(_ s: Explainee, training: Tensor, samples: Int = 5000, features: Int = 10,
                               kernelWidth: Double? = nil, seed: UInt64 = 0) throws -> Explanation {
        guard s.kind == .tabular else { throw TensorError.value("LIME for tables needs a table row") }
        let F = s.input.count
        guard training.rank == 2, training.shape[1] == F, training.shape[0] >= 2 else {
            throw TensorError.shape("LIME needs training rows [rows ≥ 2, \(F)] to learn the feature distributions, "
                                    + "found \(training.shape)")
        }
        guard samples >= 2 else { throw TensorError.value("LIME needs at least 2 samples, found \(samples)") }
        let width = kernelWidth ?? (Double(F).squareRoot() * 0.75)
        let bins = quartileBins(training)
        var g = RandomGenerator(seed: seed)
        let x = s.input.floats.map(Double.init)
        let xBin = (0..<F).map { bin(x[$0], bins[$0].borders) }
        var Z = [Double](repeating: 1, count: samples * F)
        var inputs = [Float](s.input.floats)
        inputs.reserveCapacity(samples * F)
        var distances = [Double](repeating: 0, count: samples)
        for r in 1..<samples {
            var off = 0.0
            for f in 0..<F {
                let b = bins[f]
                var u = g.uniformDouble(), k = 0
                while k < b.freq.count - 1 && u >= b.freq[k] { u -= b.freq[k]; k += 1 }
                let same = k == xBin[f]
                Z[r * F + f] = same ? 1 : 0
                if !same { off += 1 }
                inputs.append(Float(truncatedNormal(mean: b.mean[k], std: b.std[k], lo: b.lo[k], hi: b.hi[k], &g)))
            }
            distances[r] = off.squareRoot()
        }
        let y = try s.scores(Tensor(shape: [samples, F], floats: inputs))
        let w = distances.map { kernel($0, width: width) }
        let result = try fit(Z, y, w, rows: samples, d: F, features: features)
        let settings = [("samples", "\(samples)"), ("features", "\(features)"), ("kernel_width", fmtNumber(width)),
                        ("discretizer", "quartile"), ("seed", "\(seed)")]
        return Explanation(method: "lime", settings: settings, subject: s, scores: result.coef,
                           baseValue: result.intercept, checks: [localFit(result.r2)])
    }

    /// One feature's bins: quartile borders (unique), each bin's training frequency, mean,
    /// standard deviation and bounds.
    struct Bins { var borders: [Double], freq: [Double], mean: [Double], std: [Double], lo: [Double], hi: [Double] }

    /// The bins of every column of training rows [N, F].
    static func quartileBins(_ training: Tensor) -> [Bins] {
        let (N, F) = (training.shape[0], training.shape[1])
        var bins: [Bins] = []
        for f in 0..<F {
            let col = (0..<N).map { Double(training.floats[$0 * F + f]) }
            let sorted = col.sorted()
            func pct(_ q: Double) -> Double {
                let pos = q * Double(N - 1), lo = Int(pos.rounded(.down)), hi = min(N - 1, lo + 1)
                return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - Double(lo))
            }
            var borders: [Double] = []
            for q in [pct(0.25), pct(0.5), pct(0.75)] where !borders.contains(q) { borders.append(q) }
            let nb = borders.count + 1
            var count = [Double](repeating: 0, count: nb), sum = [Double](repeating: 0, count: nb)
            var sq = [Double](repeating: 0, count: nb)
            for v in col {
                let b = bin(v, borders)
                count[b] += 1; sum[b] += v; sq[b] += v * v
            }
            let mean = (0..<nb).map { count[$0] > 0 ? sum[$0] / count[$0] : 0 }
            let std = (0..<nb).map {
                count[$0] > 0 ? max(0, sq[$0] / count[$0] - mean[$0] * mean[$0]).squareRoot() + 1e-11 : 1e-11
            }
            bins.append(Bins(borders: borders, freq: count.map { $0 / Double(N) }, mean: mean, std: std,
                             lo: [sorted[0]] + borders, hi: borders + [sorted[N - 1]]))
        }
        return bins
    }

    /// Images (LimeImageExplainer with patches as superpixels): each sample keeps a random
    /// subset of patches (each on with probability ½) and sets the others to the baseline;
    /// cosine distance to the full image, kernel width 0.25, every patch in the fit.
    public static func image(_ s: Explainee, samples: Int = 1000, kernelWidth: Double = 0.25,
                             seed: UInt64 = 0) throws -> Explanation {
        guard samples >= 2 else { throw TensorError.value("LIME needs at least 2 samples, found \(samples)") }
        let d = s.unitCount
        var g = RandomGenerator(seed: seed)
        var Z = [Double](repeating: 1, count: samples * d)
        var masks: [[Bool]] = [[Bool](repeating: true, count: d)]
        var distances = [Double](repeating: 0, count: samples)
        for r in 1..<samples {
            var m = [Bool](repeating: true, count: d)
            var on = 0
            for u in 0..<d { m[u] = g.next() & 1 == 1; Z[r * d + u] = m[u] ? 1 : 0; if m[u] { on += 1 } }
            masks.append(m)
            distances[r] = 1 - (Double(on) / Double(d)).squareRoot()
        }
        let y = try s.values(masks)
        let w = distances.map { kernel($0, width: kernelWidth) }
        let result = try fit(Z, y, w, rows: samples, d: d, features: d)
        let settings = [("samples", "\(samples)"), ("kernel_width", fmtNumber(kernelWidth)), ("patch", "\(s.patch)"),
                        ("seed", "\(seed)")]
        return Explanation(method: "lime", settings: settings, subject: s, scores: result.coef,
                           baseValue: result.intercept, checks: [localFit(result.r2)])
    }

    /// lime's bin index: the number of borders strictly below v (numpy.searchsorted, side left).
    static func bin(_ v: Double, _ borders: [Double]) -> Int { borders.reduce(0) { $0 + (v > $1 ? 1 : 0) } }

    /// A normal draw truncated to [lo, hi], by rejection (bins hold most of their mass),
    /// falling back to a uniform draw in the bin.
    static func truncatedNormal(mean: Double, std: Double, lo: Double, hi: Double,
                                _ g: inout RandomGenerator) -> Double {
        guard hi > lo else { return lo }
        for _ in 0..<64 {
            let v = mean + std * g.normal()
            if v >= lo && v <= hi { return v }
        }
        return lo + (hi - lo) * g.uniformDouble()
    }
}
