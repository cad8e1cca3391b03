import Foundation
import Tensors
import Training

/// Partial dependence (Friedman 2001) and individual conditional expectation curves
/// (Goldstein et al. 2015), as sklearn.inspection.partial_dependence computes them by brute
/// force: each grid value is set in every row, and the model's predictions are averaged
/// over the rows. The rows of several grid values go through the model together.
public struct PartialDependence {
    public let featureNames: [String]
    /// The features varied (one, or two for a 2-D dependence).
    public let features: [Int]
    /// Each varied feature's grid values.
    public let axes: [[Double]]
    /// The average prediction at each grid point (2-D: row-major over the first axis, then the second).
    public let average: [Double]
    /// 1-D only: individual[i][k], row i's prediction with the feature at grid value k.
    public let individual: [[Double]]
    /// The feature's deciles (10% … 90%) over the rows, for the rug.
    public let deciles: [[Double]]
    public let target: Int
    public let targetName: String
    public let outputDescription: String
    public let rows: Int

    public init(model: Model, rows x: Tensor, features: [Int], grid: Int = 20,
                percentiles: (Double, Double) = (0.05, 0.95), target: Int?, output: OutputKind = .probability,
                names: [String] = [], chunk: Int = 8192) throws {
        guard features.count == 1 || features.count == 2 else {
            throw TensorError.value("partial dependence takes one or two features, found \(features.count)")
        }
        let scorer = try RowScorer(model: model, rows: x.toFloat(), target: target, output: output, names: names,
                                   chunk: chunk)
        let N = x.shape[0], F = x.shape[1]
        for j in features where j < 0 || j >= F {
            throw TensorError.index("feature index must be in 0..<\(F), found \(j)")
        }
        let data = x.toFloat().floats
        let columns = features.map { j in (0..<N).map { Double(data[$0 * F + j]) } }
        let axes = try columns.map { try PartialDependence.axis($0, percentiles: percentiles, resolution: grid) }
        self.axes = axes
        deciles = columns.map { c in (1...9).map { PartialDependence.mquantile(c.sorted(), Double($0) / 10) } }
        // The grid points: the cartesian product of the axes, the last axis varying fastest.
        var points: [[Double]] = axes[0].map { [$0] }
        if axes.count == 2 { points = axes[0].flatMap { a in axes[1].map { [a, $0] } } }
        let perCall = max(1, chunk / N)
        var individual = [[Double]](repeating: [], count: N)
        var average: [Double] = []
        var start = 0
        while start < points.count {
            try Interruption.check()
            let end = min(points.count, start + perCall)
            var flat = [Float]()
            flat.reserveCapacity((end - start) * N * F)
            for p in points[start..<end] {
                var copy = data
                for i in 0..<N { for (k, j) in features.enumerated() { copy[i * F + j] = Float(p[k]) } }
                flat += copy
            }
            let s = try scorer.scores(flat, count: (end - start) * N)
            for k in 0..<(end - start) {
                var acc = 0.0
                for i in 0..<N {
                    acc += s[k * N + i]
                    if features.count == 1 { individual[i].append(s[k * N + i]) }
                }
                average.append(acc / Double(N))
            }
            start = end
        }
        self.average = average
        self.individual = features.count == 1 ? individual : []
        featureNames = scorer.unitNames
        self.features = features
        self.target = scorer.target
        targetName = scorer.targetName
        outputDescription = scorer.outputDescription
        rows = N
    }

    /// sklearn's grid for one feature: its unique values when there are fewer than
    /// `resolution`, else `resolution` evenly spaced values between two percentiles (scipy's
    /// mquantiles).
    static func axis(_ column: [Double], percentiles p: (Double, Double), resolution: Int) throws -> [Double] {
        guard resolution > 1 else { throw TensorError.value("grid must be at least 2, found \(resolution)") }
        guard p.0 >= 0, p.1 <= 1, p.0 < p.1 else {
            throw TensorError.value("percentiles must be two numbers 0 ≤ low < high ≤ 1, found [\(p.0), \(p.1)]")
        }
        let sorted = column.sorted()
        var uniques: [Double] = []
        for v in sorted where uniques.last != v { uniques.append(v) }
        if uniques.count < resolution { return uniques }
        let lo = mquantile(sorted, p.0), hi = mquantile(sorted, p.1)
        guard abs(hi - lo) > 1e-8 + 1e-5 * abs(lo) else {
            throw TensorError.value("the percentiles are too close to each other to build a grid; choose ones "
                                    + "further apart")
        }
        let step = (hi - lo) / Double(resolution - 1)        // numpy.linspace: k·step + start, the end exact
        return (0..<resolution).map { k in k == resolution - 1 ? hi : Double(k) * step + lo }
    }

    /// scipy.stats.mstats.mquantiles with its defaults (alphap = betap = 0.4) of sorted data.
    static func mquantile(_ x: [Double], _ p: Double) -> Double {
        let n = x.count
        guard n > 1 else { return x.first ?? .nan }
        let m = 0.4 + p * (1 - 0.4 - 0.4)
        let aleph = Double(n) * p + m
        let k = Int(floor(min(max(aleph, 1), Double(n - 1))))
        let gamma = min(max(aleph - Double(k), 0), 1)
        return (1 - gamma) * x[k - 1] + gamma * x[k]
    }
}
