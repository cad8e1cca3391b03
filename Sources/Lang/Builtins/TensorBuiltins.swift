import Foundation
import Tensors

/// Every engine op, reachable from the language as a function and (where PyTorch has one)
/// as a tensor method, with its help text. The families live in the Tensor*Builtins files;
/// this one holds what a tensor is: its dtype, its properties and what it can say about itself.
enum TensorBuiltins {
    static func register(_ r: Registry) {
        registerCreation(r)
        registerRanges(r)
        registerRandom(r)
        registerUnaryMath(r)
        registerElementwiseOptions(r)
        registerBinary(r)
        registerConversions(r)
        registerReductions(r)
        registerExtrema(r)
        registerSoftmax(r)
        registerReshaping(r)
        registerIndexing(r)
        registerInspection(r)
        registerLayerFunctions(r)
        registerLosses(r)
        registerAutograd(r)
        registerProperties(r)
    }

    static func t(_ v: Tensor) -> Value { .tensor(v) }

    // MARK: dtypes

    static func dtype(_ s: String, fn: String) throws -> DType {
        switch s {
        case "float32", "float": return .float32
        case "int64", "long", "int": return .int64
        case "bool": return .bool
        default: throw RuntimeError("\(fn): dtype must be \"float32\", \"int64\" or \"bool\", found \"\(s)\"")
        }
    }

    static func convert(_ x: Tensor, to s: String, fn: String) throws -> Tensor {
        switch try dtype(s, fn: fn) {
        case .float32: return x.toFloat()
        case .int64: return try x.toIntChecked()
        case .bool: return x.toBool()
        }
    }

    static func registerConversions(_ r: Registry) {
        for (name, dt) in [("float", "float32"), ("long", "int64"), ("bool", "bool")] {
            r.method("tensor", name, "", returns: "tensor", "This tensor converted to \(dt).",
                     example: "tensor([1, 2]).\(name)()") { c in
                t(try convert(c.receiverTensor(), to: dt, fn: name))
            }
        }
        r.method("tensor", "to", "dtype: string", returns: "tensor",
                 "This tensor converted to a dtype (\"float32\", \"int64\", \"bool\").",
                 example: "tensor([1, 2]).to(\"float32\")") { c in
            t(try convert(c.receiverTensor(), to: c.string("dtype"), fn: "to"))
        }
    }

    // MARK: what a tensor says about itself

    static func registerInspection(_ r: Registry) {
        r.method("tensor", "size", "dim: int? = nil", returns: "list or int",
                 "The shape, or the size of one dimension.",
                 example: """
                 zeros(2, 3).size()
                 zeros(2, 3).size(1)
                 """) { c in
            let x = try c.receiverTensor()
            guard let d = try c.optionalInt("dim") else { return .list(x.shape.map { .int($0) }) }
            return .int(x.shape[try Shape.dim(d, rank: x.rank)])
        }
        r.method("tensor", "numel", "", returns: "int", "Number of elements.", example: "zeros(2, 3).numel()") { c in
            .int(try c.receiverTensor().count)
        }
        r.method("tensor", "dim", "", returns: "int", "Number of dimensions.", example: "zeros(2, 3).dim()") { c in
            .int(try c.receiverTensor().rank)
        }
        r.method("tensor", "item", "", returns: "number", "The value of a one-element tensor as a number.",
                 example: "tensor([2.5]).item()") { c in
            let x = try c.receiverTensor()
            let v = try x.item()
            return x.dtype == .float32 ? .float(Double(v)) : (x.dtype == .bool ? .bool(v != 0) : .int(Int(x.ints[0])))
        }
        r.method("tensor", "tolist", "", returns: "list", "The values as (nested) lists of numbers.",
                 example: "tensor([[1, 2], [3, 4]]).tolist()") { c in
            Convert.list(try c.receiverTensor())
        }
    }

    static func registerProperties(_ r: Registry) {
        for (name, summary) in [
            ("shape", "The sizes of the dimensions, as a list."),
            ("dtype", "The element type: \"float32\", \"int64\" or \"bool\"."),
            ("grad", "The accumulated gradient (nil until backward() reaches this leaf)."),
            ("requires_grad", "Whether this tensor records gradients."),
            ("ndim", "The number of dimensions."),
            ("T", "The dimensions in reverse order, as in PyTorch and NumPy (for a matrix, its transpose)."),
            ("mT", "The transpose of the last two dimensions (of each matrix in a batch)."),
            ("is_leaf", "True unless an op produced this tensor."),
            ("grad_fn", "Name of the op that produced this tensor, or nil."),
        ] { r.property("tensor", name, summary) }
    }

    /// `t.name` for the properties above.
    static func property(_ x: Tensor, _ name: String) throws -> Value? {
        switch name {
        case "shape": return .list(x.shape.map { .int($0) })
        case "dtype": return .string(x.dtype.rawValue)
        case "grad": return x.grad.map { .tensor($0) } ?? Value.none
        case "requires_grad": return .bool(x.requiresGrad)
        case "ndim": return .int(x.rank)
        case "T": return .tensor(x.rank < 2 ? x : try x.permute(Array((0..<x.rank).reversed())))
        case "mT": return .tensor(try x.transpose(-2, -1))
        case "is_leaf": return .bool(x.isLeaf)
        case "grad_fn": return x.gradFnName.map { .string($0) } ?? Value.none
        default: return nil
        }
    }
}
