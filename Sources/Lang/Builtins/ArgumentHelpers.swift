import Foundation
import Tensors
import Training

/// Arguments of shapes that several builtins take, each read in one place.
extension Call {
    /// A file path argument, resolved against the session's folder.
    func url(_ name: String) throws -> URL {
        try interp.resolve(string(name))
    }

    /// The items of a list (or anything iterable) as text: names, labels.
    func texts(_ name: String) throws -> [String] {
        try interp.iterate(value(name) ?? .none).map(\.display)
    }

    /// `texts`, or nil when the argument is absent.
    func optionalTexts(_ name: String) throws -> [String]? {
        try value(name).map { try interp.iterate($0).map(\.display) }
    }

    /// A dataset argument; an error names the builtin and the argument.
    func dataset(_ name: String) throws -> Dataset {
        try TrainingBuiltins.data(value(name), "\(fn): \(name)")
    }

    /// `dataset`, or nil when the argument is absent.
    func optionalDataset(_ name: String) throws -> Dataset? {
        try value(name).map { try TrainingBuiltins.data($0, "\(fn): \(name)") }
    }

    /// A dtype name ("float32", "int64", "bool" and their aliases).
    func dtype(_ name: String) throws -> DType {
        try TensorBuiltins.dtype(string(name), fn: fn)
    }

    /// `dtype`, or nil when the argument is absent.
    func optionalDType(_ name: String) throws -> DType? {
        try optionalString(name).map { try TensorBuiltins.dtype($0, fn: fn) }
    }

    /// x as a leaf that records gradients when the call says `requires_grad: true`.
    func requiringGradIfAsked(_ x: Tensor) throws -> Tensor {
        try bool("requires_grad") ? x.requiringGrad() : x
    }

    /// Optional float bounds, e.g. clamp's `min` and `max`.
    func optionalFloat(_ name: String) throws -> Float? {
        try optionalDouble(name).map(Float.init)
    }

    /// A loss's `reduction`: "mean", "sum" or "none".
    func reduction() throws -> Tensor.Reduction {
        let s = try string("reduction")
        guard let r = Tensor.Reduction(rawValue: s) else {
            throw RuntimeError("\(fn): reduction must be \"mean\", \"sum\" or \"none\", found \"\(s)\"")
        }
        return r
    }
}
