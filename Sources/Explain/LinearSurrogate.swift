import Tensors

/// A global linear surrogate: ridge regression of the model's score on the rows, with its
/// R² (how much of the model's behaviour a linear model captures).
public struct LinearSurrogate {
    public let coefficients: [Double]
    public let intercept: Double
    public let r2: Double
    public let featureNames: [String]

    public init(x: Tensor, scores: [Double], featureNames: [String], alpha: Double = 1) throws {
        guard x.rank == 2, x.shape[0] == scores.count, x.shape[0] > 1 else {
            throw TensorError.shape("the linear surrogate needs rows [N, features] and one score per row, "
                                    + "found \(x.shape) and \(scores.count)")
        }
        let (N, F) = (x.shape[0], x.shape[1])
        let fit = try RidgeRegression.fit(x.floats.map(Double.init), scores, [Double](repeating: 1, count: N),
                                          rows: N, p: F, alpha: alpha)
        coefficients = fit.coef
        intercept = fit.intercept
        r2 = fit.r2
        self.featureNames = featureNames.count == F ? featureNames : (0..<F).map { "x\($0)" }
    }
}
