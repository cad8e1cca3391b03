import Foundation
import Layers
import Tensors
import Training

/// How a tabular counterfactual is searched.
public struct CounterfactualSettings {
    /// The class wanted; nil: the other class (two classes) or the runner-up.
    public var target: Int?
    /// Features that must keep their value (indices).
    public var immutable: [Int] = []
    /// Per-feature lower and upper bounds; nil: the data's minimum and maximum.
    public var lower: [Double]?
    public var upper: [Double]?
    /// The first λ tried; λ grows tenfold until the class flips, then is refined between the last two.
    public var lambda = 0.1
    public var steps = 200
    /// The step in MAD units.
    public var lr = 0.1
    public var seed: UInt64 = 0
    /// The probability of the target class the distance is traded against (p*).
    public var targetProbability = 1.0
    public init() {}
}

/// A counterfactual row: the nearest change (in L1 distance scaled by each feature's median absolute
/// deviation) the search found that gives the target class.
public struct TabularCounterfactual {
    public let original: [Double]
    public let counterfactual: [Double]
    public let mad: [Double]
    public let target: Int
    public let before: Prediction
    public let after: Prediction
    /// The λ whose search flipped the class (nil: none did).
    public let lambda: Double?
    public let immutable: [Int]

    public var flipped: Bool { after.cls == target && before.cls != target }
    /// The features that changed, largest change in MAD units first.
    public var changed: [Int] {
        original.indices.filter { abs(counterfactual[$0] - original[$0]) > 1e-6 * mad[$0] }
            .sorted { madChange($0) > madChange($1) }
    }
    public func madChange(_ i: Int) -> Double { abs(counterfactual[i] - original[i]) / mad[i] }
    /// Σ |x'ᵢ − xᵢ| / MADᵢ.
    public var distance: Double { original.indices.reduce(0) { $0 + madChange($1) } }
}

/// Wachter et al. (2017): minimise λ·(f_target(x') − p*)² + Σ |x'ᵢ − xᵢ| / MADᵢ by gradient steps,
/// with λ raised until the class flips. The search runs in MAD units u = (x' − x)/MAD, as proximal gradient
/// descent: a step on the squared term, then soft-thresholding for the L1 term (so unhelpful features
/// stay exactly unchanged); immutable features stay at 0 and x' within the bounds. Every λ of a
/// round is one row of the same batch. Last, changes are undone one at a time while the class stays the
/// target (a sparser counterfactual, never a farther one).
public enum Wachter {
    /// The median absolute deviation of each column of `data` [R, F]; a column with none counts 1.
    public static func mad(_ data: Tensor) -> [Double] {
        let R = data.shape[0], F = data.shape[1], f = data.floats
        return (0..<F).map { i in
            let column = (0..<R).map { Double(f[$0 * F + i]) }
            let m = median(column)
            let d = median(column.map { abs($0 - m) })
            return d > 0 ? d : 1
        }
    }

    static func median(_ v: [Double]) -> Double {
        let s = v.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    public static func search(_ model: Model, row: Tensor, data: Tensor, _ s: CounterfactualSettings) throws
        -> TabularCounterfactual {
        let F = row.count
        guard row.rank == 1, data.rank == 2, data.shape[1] == F, data.shape[0] > 0 else {
            throw TensorError.shape("data must be rows [rows, \(F)] of the row's \(F) features, found \(data.shape)")
        }
        let free = (0..<F).filter { !s.immutable.contains($0) }
        guard !free.isEmpty else {
            throw TensorError.value("a counterfactual needs at least one feature it may change; "
                                    + "found all \(F) features immutable")
        }
        guard s.lambda.isFinite, s.lambda > 0, s.lr.isFinite, s.lr > 0, (1...100_000).contains(s.steps) else {
            throw TensorError.value("lambda and lr must be positive and steps between 1 and 100000, found "
                                    + "lambda \(s.lambda), lr \(s.lr), steps \(s.steps)")
        }
        let before = try Classifier.predict(model, row)
        let target = try chooseTarget(s.target, before)
        let x0 = row.floats.map(Double.init)
        let problem = try CounterfactualProblem(model: model, row: row, data: data, target: target, settings: s)
        // λ grows tenfold until the class flips. From the first counterfactual (near the boundary, where
        // the gradient is informative) every λ up to that one, and four between the last two, search again:
        // the distance term pulls the changes that do not pay back toward the row.
        let first = try problem.firstLambda()
        let grid = (0..<8).map { first * pow(10, Double($0)) }
        var found = zip(grid, try problem.solve(grid)).compactMap { l, r in r.map { ($0.row, $0.distance, l) } }
        if let (start, _, flipAt) = found.first {
            let k = grid.firstIndex(of: flipAt) ?? 0
            var lambdas = Array(grid[...k])
            if k > 0 {
                let (a, b) = (log10(grid[k - 1]), log10(grid[k]))
                lambdas += (1...4).map { pow(10, a + (b - a) * Double($0) / 5) }
            }
            found += zip(lambdas, try problem.solve(lambdas, from: start)).compactMap { l, r in
                r.map { ($0.row, $0.distance, l) }
            }
        }
        let nearest = found.min { $0.1 < $1.1 }
        var best = nearest?.0 ?? x0, lambda = nearest?.2
        if lambda != nil { best = try problem.undoChanges(best) }
        let after = try Classifier.predict(model, Tensor(shape: [F], floats: best.map(Float.init)))
        return TabularCounterfactual(original: row.floats.map(Double.init), counterfactual: best, mad: problem.mad,
                                     target: target, before: before, after: after,
                                     lambda: lambda, immutable: s.immutable.sorted())
    }

    static func chooseTarget(_ t: Int?, _ p: Prediction) throws -> Int {
        let n = p.probabilities.count
        if let t {
            guard t >= 0, t < n else { throw TensorError.index("target class must be in 0..<\(n), found \(t)") }
            guard t != p.cls else {
                throw TensorError.value("target must be a class other than the predicted one, found \(t) "
                                        + "(the model already predicts it)")
            }
            return t
        }
        let others = (0..<n).filter { $0 != p.cls }
        return others.max { p.probabilities[$0] < p.probabilities[$1] } ?? 0
    }
}

/// One counterfactual search: the row, its MADs and bounds, and the proximal gradient steps.
struct CounterfactualProblem {
    let model: Model
    let x: [Double]
    let mad: [Double]
    let lower: [Double], upper: [Double]
    let movable: [Bool]
    let target: Int
    let settings: CounterfactualSettings

    init(model: Model, row: Tensor, data: Tensor, target: Int, settings s: CounterfactualSettings) throws {
        self.model = model
        x = row.floats.map(Double.init)
        mad = Wachter.mad(data)
        let F = x.count, d = data.floats, R = data.shape[0]
        let dataLow = (0..<F).map { i in (0..<R).map { Double(d[$0 * F + i]) }.min() ?? 0 }
        let dataHigh = (0..<F).map { i in (0..<R).map { Double(d[$0 * F + i]) }.max() ?? 0 }
        var lo = s.lower ?? dataLow, hi = s.upper ?? dataHigh
        guard lo.count == F, hi.count == F else {
            throw TensorError.shape("bounds need one lower and one upper value per feature (\(F)), found "
                                    + "\(lo.count) and \(hi.count)")
        }
        for i in 0..<F {
            guard lo[i] <= hi[i] else {
                throw TensorError.value("bounds of feature \(i) must have lower ≤ upper, found [\(lo[i]), \(hi[i])]")
            }
            // The row itself is always allowed.
            (lo[i], hi[i]) = (min(lo[i], x[i]), max(hi[i], x[i]))
        }
        (lower, upper) = (lo, hi)
        movable = (0..<F).map { !s.immutable.contains($0) }
        self.target = target
        settings = s
    }

    /// Runs the steps for every λ at once (from the row, or from `start`); returns for each λ its
    /// nearest iterate that gave the target class, if any did.
    func solve(_ lambdas: [Double], from start: [Double]? = nil) throws -> [(row: [Double], distance: Double)?] {
        let K = lambdas.count, F = x.count
        var rng = RandomGenerator(seed: settings.seed)
        var u = [Double](repeating: 0, count: K * F)
        for j in u.indices where movable[j % F] {
            let i = j % F
            // A seeded start within a hundredth of a MAD (soft-thresholding removes what does not help).
            u[j] = start.map { ($0[i] - x[i]) / mad[i] } ?? 0.01 * (2 * rng.uniformDouble() - 1)
        }
        var best = [(row: [Double], distance: Double)?](repeating: nil, count: K)
        let lr = settings.lr, maxStep = max(2 * settings.lr, 0.25)
        for _ in 0..<settings.steps {
            try Interruption.check()
            clamp(&u)
            let points = (0..<K * F).map { Float(x[$0 % F] + u[$0] * mad[$0 % F]) }
            let (pred, g) = try Classifier.probabilityGradients(model, Tensor(shape: [K, F], floats: points),
                                                                 cls: target)
            for k in 0..<K {
                if pred[k].cls == target {
                    let dist = (0..<F).reduce(0.0) { $0 + abs(u[k * F + $1]) }
                    if dist < best[k]?.distance ?? .infinity {
                        best[k] = ((0..<F).map { Double(points[k * F + $0]) }, dist)
                    }
                }
                let scale = 2 * lambdas[k] * (pred[k].probability(of: target) - settings.targetProbability)
                var step = (0..<F).map { movable[$0] ? lr * scale * g[k * F + $0] * mad[$0] : 0 }
                // A large λ gives huge first steps: the step is shrunk (direction kept) to at most `maxStep`
                // MADs per feature. Fixed points are unchanged: there every step is at most lr.
                let largest = step.reduce(0) { max($0, abs($1)) }
                if largest > maxStep { step = step.map { $0 * maxStep / largest } }
                for i in 0..<F where movable[i] {
                    let z = u[k * F + i] - step[i]
                    u[k * F + i] = z > lr ? z - lr : z < -lr ? z + lr : 0
                }
            }
        }
        return best
    }

    /// Undoes changes while the class stays the target: each round scores every single change undone
    /// (one batch) and undoes the largest (in MADs) that keeps the target.
    func undoChanges(_ cf: [Double]) throws -> [Double] {
        let F = x.count, layer = try Classifier.layer(model)
        var row = cf
        while true {
            try Interruption.check()
            let changed = (0..<F).filter { row[$0] != x[$0] }
            guard changed.count > 1 else { return row }
            var flat = [Float]()
            flat.reserveCapacity(changed.count * F)
            for i in changed { for j in 0..<F { flat.append(Float(j == i ? x[j] : row[j])) } }
            let predictions = try Classifier.predictions(layer, Tensor(shape: [changed.count, F], floats: flat))
            let undoable = changed.indices.filter { predictions[$0].cls == target }
            guard let k = undoable.max(by: { abs(row[changed[$0]] - x[changed[$0]]) / mad[changed[$0]]
                                             < abs(row[changed[$1]] - x[changed[$1]]) / mad[changed[$1]] })
            else { return row }
            row[changed[k]] = x[changed[k]]
        }
    }

    /// The λ to start from: the one given, or, where a confident model's probability is so flat at x
    /// that steps with it would not move any feature past the L1 threshold, the smallest λ whose first
    /// step does.
    func firstLambda() throws -> Double {
        let F = x.count
        let (pred, g) = try Classifier.probabilityGradients(model, Tensor(shape: [1, F], floats: x.map(Float.init)),
                                                             cls: target)
        let slope = (0..<F).filter { movable[$0] }.map { abs(g[$0]) * mad[$0] }.max() ?? 0
        let pull = 2 * abs(settings.targetProbability - pred[0].probability(of: target)) * slope
        guard pull > 0, pull.isFinite else { return settings.lambda }
        return max(settings.lambda, 1 / pull)
    }

    func distance(_ row: [Double]) -> Double { x.indices.reduce(0) { $0 + abs(row[$1] - x[$1]) / mad[$1] } }

    /// Keeps x + u·MAD within the bounds and immutable features at 0.
    func clamp(_ u: inout [Double]) {
        let F = x.count
        for j in u.indices {
            let i = j % F
            guard movable[i] else { u[j] = 0; continue }
            u[j] = min(max(u[j], (lower[i] - x[i]) / mad[i]), (upper[i] - x[i]) / mad[i])
        }
    }
}
