import Foundation
import Tensors

/// Weighted ridge regression, the linear model LIME and the linear surrogate fit.
enum RidgeRegression {
    /// Weighted ridge regression with an intercept (sklearn's Ridge with sample_weight):
    /// centre X and y by their weighted means, solve (XᵀWX + αI)β = XᵀWy.
    /// `X` is rows × p, row-major. Returns coefficients, intercept, and the weighted R².
    static func fit(_ X: [Double], _ y: [Double], _ w: [Double], rows: Int, p: Int, alpha: Double) throws
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
        let coef = p == 0 ? [] : (LinearSystem.solve(A, b, p) ?? LinearSystem.leastNorm(A, b, p))
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
}
