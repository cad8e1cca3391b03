import Tensors
import Training

/// A dataset in the language: its columns as properties, and rows by index (`data[0]` is
/// [features or text, label]).
public final class DatasetObject: HostObject {
    public let dataset: Dataset
    init(_ d: Dataset) { dataset = d }
    public var typeName: String { "Dataset" }
    public var summary: String { dataset.summary }
    public var propertyNames: [String] {
        ["length", "labels", "features", "texts", "feature_names", "classes", "name", "views"]
    }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "length": return .int(dataset.count)
        case "labels": return .tensor(dataset.labels)
        case "features": return dataset.features.map { .tensor($0) } ?? Value.none
        case "texts": return dataset.texts.map { .list($0.map { .string($0) }) } ?? Value.none
        case "feature_names": return .list(dataset.featureNames.map { .string($0) })
        case "classes": return .list(dataset.classNames.map { .string($0) })
        case "name": return .string(dataset.name)
        case "views": return .list(dataset.views.map { .string($0.name) })
        case "__getitem__":
            return .function(NativeFunction(name: "Dataset[]") { [dataset] _, args in
                let i = try Convert.int(args.positional.first ?? .none, what: "dataset index")
                let k = i < 0 ? i + dataset.count : i
                guard k >= 0, k < dataset.count else {
                    throw RuntimeError("index \(i) is out of range for \(dataset.count) rows")
                }
                let x: Value
                switch dataset.inputs {
                case .features(let f): x = .tensor(try f.select(dim: 0, index: k))
                case .text(let t): x = .string(t[k])
                }
                return .list([x, .int(Int(dataset.labels.ints[k]))])
            })
        default: return nil
        }
    }
}
