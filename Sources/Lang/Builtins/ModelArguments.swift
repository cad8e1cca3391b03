import Layers
import Training

/// The argument shapes that builtins of several families read: a model, a dataset, a
/// vocabulary or a size, an optimizer with a family's default, a seed.
enum ModelArguments {
    static func model(_ v: Value?, _ what: String) throws -> ModuleObject {
        guard case .object(let o as ModuleObject)? = v else {
            throw RuntimeError("\(what) must be a model, found \(v?.typeName ?? "nil")")
        }
        return o
    }

    static func data(_ v: Value?, _ what: String) throws -> Dataset {
        guard case .object(let o as DatasetObject)? = v else {
            throw RuntimeError("\(what) must be a dataset (dataset(\"iris\"), load_csv(...)), "
                + "found \(v?.typeName ?? "nil")")
        }
        return o.dataset
    }

    /// `vocab:` as a vocabulary (data.vocab(), which the model keeps to read raw text) or a size.
    static func vocabularyOrSize(_ c: Call) throws -> (size: Int, vocabulary: Vocabulary?) {
        if case .object(let v as VocabObject)? = c.value("vocab") { return (v.vocabulary.count, v.vocabulary) }
        return (try c.int("vocab"), nil)
    }

    /// The optimizer given (SGD(...), Adam(...), AdamW(...)) made for these parameters, or the
    /// family's default when none was.
    static func optimizer(_ v: Value?, for parameters: [Parameter],
                          otherwise: ([Parameter]) throws -> Optimizer) throws -> Optimizer {
        if case .object(let o as OptimizerObject)? = v { return try o.make(parameters) }
        return try otherwise(parameters)
    }

    /// `seed:` as a generator's seed; `what` names the call in the error.
    static func seed(_ c: Call, _ what: String) throws -> UInt64 {
        let seed = try c.int("seed")
        guard seed >= 0 else { throw RuntimeError("\(what): seed must not be negative, found \(seed)") }
        return UInt64(seed)
    }
}

extension Call {
    /// A model argument; an error names the builtin and the argument (`c.dataset` reads a dataset so).
    func model(_ name: String) throws -> ModuleObject {
        try ModelArguments.model(value(name), "\(fn): \(name)")
    }
}
