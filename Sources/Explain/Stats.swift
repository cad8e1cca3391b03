import Foundation
import Tensors

/// Small dense linear algebra and statistics in Double, for the regressions explainers fit
/// (systems of at most a few hundred unknowns).
enum Stats {
    /// Solves A x = b (A n×n, row-major) by Gaussian elimination with partial pivoting.
    /// Returns nil when A is singular.
    static func solve(_ A: [Double], _ b: [Double], _ n: Int) -> [Double]? {
        var a = A, x = b
        for col in 0..<n {
            var piv = col
            for r in col + 1..<max(col + 1, n) where abs(a[r * n + col]) > abs(a[piv * n + col]) { piv = r }
            if abs(a[piv * n + col]) < 1e-300 { return nil }
            if piv != col {
                for c in 0..<n { a.swapAt(col * n + c, piv * n + c) }
                x.swapAt(col, piv)
            }
            let d = a[col * n + col]
            for r in col + 1..<max(col + 1, n) {
                let f = a[r * n + col] / d
                if f == 0 { continue }
                for c in col..<n { a[r * n + c] -= f * a[col * n + c] }
                x[r] -= f * x[col]
            }
        }
        for col in stride(from: n - 1, through: 0, by: -1) {
            var s = x[col]
            for c in col + 1..<max(col + 1, n) { s -= a[col * n + c] * x[c] }
            x[col] = s / a[col * n + col]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }

    /// Weighted ridge regression with an intercept (sklearn's Ridge with sample_weight):
    /// centre X and y by their weighted means, solve (XᵀWX + αI)β = XᵀWy.
    /// `X` is rows × p, row-major. Returns coefficients, intercept, and the weighted R².
    static func ridge(_ X: [Double], _ y: [Double], _ w: [Double], rows: Int, p: Int, alpha: Double) throws
        -> (coef: [Double], intercept: Double, r2: Double) {
        let sw = w.reduce(0, +)
        guard sw > 0 else { throw TensorError.value("the regression's sample weights sum to zero") }
        var mx = [Double](repeating: 0, count: p)
        var my = 0.0
        for r in 0..<rows {
            my += w[r] * y[r]
            for j in 0..<p { mx[j] += w[r] * X[r * p + j] }
        }
        my /= sw
        for j in 0..<p { mx[j] /= sw }
        var A = [Double](repeating: 0, count: p * p), b = [Double](repeating: 0, count: p)
        var xc = [Double](repeating: 0, count: p)
        for r in 0..<rows {
            for j in 0..<p { xc[j] = X[r * p + j] - mx[j] }
            let yc = y[r] - my, wr = w[r]
            for j in 0..<p {
                let v = wr * xc[j]
                if v == 0 { continue }
                b[j] += v * yc
                for k in j..<p { A[j * p + k] += v * xc[k] }
            }
        }
        for j in 0..<p { for k in 0..<j { A[j * p + k] = A[k * p + j] }; A[j * p + j] += alpha }
        let coef = p == 0 ? [] : (solve(A, b, p) ?? leastNorm(A, b, p))
        let intercept = my - zip(coef, mx).reduce(0) { $0 + $1.0 * $1.1 }
        var ssRes = 0.0, ssTot = 0.0
        for r in 0..<rows {
            var pred = intercept
            for j in 0..<p { pred += coef[j] * X[r * p + j] }
            ssRes += w[r] * (y[r] - pred) * (y[r] - pred)
            ssTot += w[r] * (y[r] - my) * (y[r] - my)
        }
        return (coef, intercept, ssTot > 0 ? 1 - ssRes / ssTot : 1)
    }

    /// A singular system (a feature that never varies): add a tiny ridge and solve again.
    static func leastNorm(_ A: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var a = A
        let scale = max(1e-12, (0..<n).map { abs(A[$0 * n + $0]) }.max() ?? 1)
        for j in 0..<n { a[j * n + j] += 1e-10 * scale }
        return solve(a, b, n) ?? [Double](repeating: 0, count: n)
    }

    /// Ranks 1…n with ties given their average rank (as scipy.stats.rankdata).
    static func ranks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var r = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && v[order[j + 1]] == v[order[i]] { j += 1 }
            let avg = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = avg }
            i = j + 1
        }
        return r
    }

    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        guard a.count == b.count, a.count > 1 else { return .nan }
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : .nan
    }

    /// Spearman's rank correlation (Pearson correlation of the ranks).
    static func spearman(_ a: [Double], _ b: [Double]) -> Double { pearson(ranks(a), ranks(b)) }

    /// Trapezoid area under y over evenly spaced points on [0, 1].
    static func auc(_ y: [Double]) -> Double {
        guard y.count > 1 else { return y.first ?? 0 }
        var s = 0.0
        for i in 1..<y.count { s += (y[i - 1] + y[i]) / 2 }
        return s / Double(y.count - 1)
    }

    static func binomial(_ n: Int, _ k: Int) -> Double {
        guard k >= 0, k <= n else { return 0 }
        var r = 1.0
        for i in 0..<min(k, n - k) { r = r * Double(n - i) / Double(i + 1) }
        return r
    }
}
