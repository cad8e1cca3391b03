import Foundation

/// Small dense linear systems in Double, for the least-squares fits explainers make
/// (at most a few hundred unknowns).
enum LinearSystem {
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

    /// A singular system (a feature that never varies): add a tiny ridge and solve again.
    static func leastNorm(_ A: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var a = A
        let scale = max(1e-12, (0..<n).map { abs(A[$0 * n + $0]) }.max() ?? 1)
        for j in 0..<n { a[j * n + j] += 1e-10 * scale }
        return solve(a, b, n) ?? [Double](repeating: 0, count: n)
    }
}
