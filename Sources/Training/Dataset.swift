import Foundation
import Layers
import Tensors

/// Labelled examples: feature rows (tables, images) or texts, with int64 class labels.
public final class Dataset {
    public enum Inputs {
        case features(Tensor)          // [N, F] or [N, C, H, W]
        case text([String])
    }
    public let name: String
    public let inputs: Inputs
    public let labels: Tensor          // int64 [N]
    public let featureNames: [String]
    public let classNames: [String]
    /// Mean and standard deviation used to standardise these features, if they were.
    public let scaling: (mean: Tensor, std: Tensor)?
    /// Named blocks of columns when the rows join several views (modalities) of each example.
    public let views: [FeatureView]

    public init(name: String, inputs: Inputs, labels: Tensor, featureNames: [String] = [], classNames: [String] = [],
                scaling: (mean: Tensor, std: Tensor)? = nil, views: [FeatureView] = []) throws {
        let n: Int
        switch inputs {
        case .features(let x): n = x.shape.first ?? 0
        case .text(let t): n = t.count
        }
        guard labels.shape == [n] else {
            throw TensorError.shape("\(name): \(n) examples but labels of shape \(labels.shape)")
        }
        // Class labels index rows of one-hot targets and confusion matrices: a label of −1 or
        // 10⁹ would train to nonsense or allocate gigabytes.
        if labels.dtype != .float32,
           let bad = labels.ints.enumerated()
               .first(where: { $0.element < 0 || $0.element >= Int64(Dataset.maxClasses) }) {
            throw TensorError.value("\(name): class labels must be whole numbers from 0 to \(Dataset.maxClasses - 1), "
                                    + "found \(bad.element) in row \(bad.offset + 1) "
                                    + "(labels number the classes 0, 1, 2, …)")
        }
        self.name = name
        self.inputs = inputs
        self.labels = labels.dtype == .float32 ? labels : labels.toInt()
        self.featureNames = featureNames
        self.classNames = classNames
        self.scaling = scaling
        self.views = views
    }

    /// The most classes a dataset's labels may name.
    public static let maxClasses = 100_000

    public var count: Int { labels.count }
    public var classCount: Int { max(classNames.count, Int((labels.ints.max() ?? 0) + 1)) }
    public var texts: [String]? { if case .text(let t) = inputs { return t }; return nil }
    public var features: Tensor? { if case .features(let x) = inputs { return x }; return nil }

    func with(inputs: Inputs? = nil, labels: Tensor? = nil, name: String? = nil,
              scaling: (mean: Tensor, std: Tensor)?? = nil) throws -> Dataset {
        try Dataset(name: name ?? self.name, inputs: inputs ?? self.inputs, labels: labels ?? self.labels,
                    featureNames: featureNames,
                    classNames: classNames, scaling: scaling ?? self.scaling, views: views)
    }

    /// Feature tables of the same examples (same labels, in the same order) side by side,
    /// each kept as a named view.
    public static func joining(_ parts: [(name: String, data: Dataset)]) throws -> Dataset {
        guard let first = parts.first else { throw TensorError.value("joining views needs at least one dataset") }
        var views: [FeatureView] = [], names: [String] = [], tables: [Tensor] = []
        for (name, d) in parts {
            guard let x = d.features, x.rank == 2 else {
                throw TensorError.value("view '\(name)' must be a feature table [rows, columns]; \(d.name) is not")
            }
            guard d.labels.shape == first.data.labels.shape, d.labels.ints == first.data.labels.ints else {
                throw TensorError.value("view '\(name)' has other rows or labels than view '\(first.name)': "
                                        + "views must describe the same examples in the same order")
            }
            guard !views.contains(where: { $0.name == name }) else {
                throw TensorError.value("two views are named '\(name)'")
            }
            let start = names.count
            views.append(FeatureView(name, start..<start + x.shape[1]))
            names += (0..<x.shape[1]).map {
                $0 < d.featureNames.count ? "\(name).\(d.featureNames[$0])" : "\(name).\($0)"
            }
            tables.append(x)
        }
        return try Dataset(name: parts.map(\.name).joined(separator: "+"),
                           inputs: .features(Tensor.cat(tables, dim: 1)), labels: first.data.labels,
                           featureNames: names, classNames: first.data.classNames, views: views)
    }

    /// The columns of one view as a dataset of its own (to train a model on that view alone).
    public func view(_ name: String) throws -> Dataset {
        guard let v = views.first(where: { $0.name == name }) else {
            let names = views.isEmpty ? "none" : views.map(\.name).joined(separator: ", ")
            throw TensorError.value("\(self.name) has no view '\(name)'; its views: \(names)")
        }
        guard let x = features else { throw TensorError.value("views need feature rows") }
        // The view's feature names without the "view." prefix joining() gave them.
        let prefix = name + "."
        let names = featureNames.count >= v.columns.upperBound
            ? featureNames[v.columns].map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 } : []
        return try Dataset(name: name, inputs: .features(v.take(x)), labels: labels, featureNames: names,
                           classNames: classNames)
    }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) throws -> Dataset {
        for i in indices where i < 0 || i >= count {
            throw TensorError.index("example index \(i) is out of range for \(count) examples")
        }
        let idx = try Tensor(shape: [indices.count], ints: indices.map(Int64.init))
        let newInputs: Inputs
        switch inputs {
        case .features(let x): newInputs = .features(try x.indexSelect(dim: 0, index: idx))
        case .text(let t): newInputs = .text(indices.map { t[$0] })
        }
        return try with(inputs: newInputs, labels: try labels.indexSelect(dim: 0, index: idx))
    }

    /// Shuffles with the session's generator (seed() makes it repeatable), then takes the
    /// first `fraction` for the first part.
    public func split(_ fraction: Double, using g: inout RandomGenerator) throws -> (Dataset, Dataset) {
        guard fraction > 0, fraction < 1 else {
            throw TensorError.value("split fraction must be between 0 and 1, found \(fraction)")
        }
        let perm = g.permutation(count)
        let k = Int((Double(count) * fraction).rounded())
        return (try subset(Array(perm[..<k])), try subset(Array(perm[k...])))
    }

    /// Splits by the given test indices (the rest, in order, is the first part).
    public func split(testIndices: [Int]) throws -> (Dataset, Dataset) {
        let test = Set(testIndices)
        guard test.count == testIndices.count else { throw TensorError.value("test indices repeat an example") }
        return (try subset((0..<count).filter { !test.contains($0) }), try subset(testIndices))
    }

    public func shuffled(using g: inout RandomGenerator) throws -> Dataset { try subset(g.permutation(count)) }

    /// Features standardised to mean 0 and standard deviation 1 per column, with this
    /// dataset's statistics or `reference`'s (use the training split's for the test split).
    public func standardized(like reference: Dataset? = nil) throws -> Dataset {
        guard let x = features, x.rank == 2 else {
            throw TensorError.value("standardize needs a table of features [rows, columns]")
        }
        let (mean, std): (Tensor, Tensor)
        if let s = reference?.scaling { (mean, std) = s } else {
            let src = reference?.features ?? x
            mean = try src.mean(dim: 0)
            // Population standard deviation (numpy's default), as the reference scripts use.
            // A constant column keeps scale 1 (as sklearn's StandardScaler does): dividing by
            // ~0 would turn any other value in a later split into an enormous input.
            let sd = try src.variance(dim: 0, correction: 0).sqrt()
            std = try Tensor(shape: sd.shape, floats: sd.floats.map { $0 < 1e-12 ? 1 : $0 })
        }
        return try with(inputs: .features(try x.sub(mean).div(std)), scaling: (mean, std))
    }

    /// Feature rows as images [N, channels, side, side].
    public func images(side: Int, channels: Int = 1) throws -> Dataset {
        guard let x = features else { throw TensorError.value("images() needs feature rows") }
        return try with(inputs: .features(try x.reshape([count, channels, side, side])))
    }

    public func vocabulary(minCount: Int = 1, maxSize: Int? = nil, tokenizer: Tokenizer = .words) throws -> Vocabulary {
        guard let t = texts else { throw TensorError.value("vocab() needs a text dataset; \(name) holds features") }
        return Vocabulary(texts: t, tokenizer: tokenizer, minCount: minCount, maxSize: maxSize)
    }

    /// Mini-batches in order (shuffle first for training). Texts need a vocabulary.
    public func batches(size: Int, vocabulary: Vocabulary? = nil, maxLength: Int = 40) throws -> [Batch] {
        guard size > 0 else { throw TensorError.value("batch size must be positive, found \(size)") }
        var out: [Batch] = []
        var start = 0
        while start < count {
            let idx = Array(start..<min(start + size, count))
            let y = try labels.slice(dim: 0, start: start, end: start + idx.count)
            switch inputs {
            case .features(let x):
                out.append(Batch(x: try x.slice(dim: 0, start: start, end: start + idx.count), lengths: nil, y: y,
                                 indices: idx))
            case .text(let t):
                guard let vocabulary else { throw TensorError.value("batching texts needs a vocabulary (the model's)") }
                let (ids, lengths) = try vocabulary.batch(idx.map { t[$0] }, maxLength: maxLength)
                out.append(Batch(x: ids, lengths: lengths, y: y, indices: idx))
            }
            start += size
        }
        return out
    }

    public var summary: String {
        let kind: String
        switch inputs {
        case .features(let x):
            let viewList = views.map { "\($0.name) \($0.width)" }.joined(separator: " + ")
            kind = x.rank == 2
                ? "\(x.shape[1]) features" + (views.isEmpty ? "" : " (views " + viewList + ")")
                : "images \(x.shape.dropFirst().map(String.init).joined(separator: "×"))"
        case .text: kind = "texts"
        }
        let counts = (0..<classCount).map { c in labels.ints.filter { $0 == Int64(c) }.count }
        let classes = counts.enumerated().map { c, n in "\(classNames.count > c ? classNames[c] : String(c)) \(n)" }
        return "dataset \(name) · \(count) rows · \(kind) · classes " + classes.joined(separator: ", ")
    }
}

public struct Batch {
    public let x: Tensor
    public let lengths: [Int]?
    public let y: Tensor
    public let indices: [Int]
    public init(x: Tensor, lengths: [Int]?, y: Tensor, indices: [Int]) {
        self.x = x; self.lengths = lengths; self.y = y; self.indices = indices
    }
}
