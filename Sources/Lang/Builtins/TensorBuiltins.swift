import Foundation
import Tensors

/// Every engine op, reachable from the language as a function and (where PyTorch has one)
/// as a tensor method, with its help text.
enum TensorBuiltins {
    static func register(_ r: Registry) {
        registerCreation(r)
        registerElementwise(r)
        registerReductions(r)
        registerShape(r)
        registerNN(r)
        registerAutograd(r)
        registerProperties(r)
    }

    static func t(_ v: Tensor) -> Value { .tensor(v) }

    // MARK: creation

    static func registerCreation(_ r: Registry) {
        r.function("tensor", "data: any, dtype: string? = nil, requires_grad: bool = false", returns: "tensor",
                   "Makes a tensor from a number or a (nested) list of numbers.",
                   details: "Lists of ints give int64 tensors, any float gives float32, lists of booleans give bool masks.\ndtype: \"float32\", \"int64\" or \"bool\" converts.",
                   example: "tensor([[1.0, 2.0], [3.0, 4.0]])\ntensor([1, 2, 3], dtype: \"float32\", requires_grad: true)") { c in
            var x = try c.tensor("data")
            if let d = try c.optionalString("dtype") { x = try convert(x, to: d, fn: "tensor") }
            if try c.bool("requires_grad") { x = try x.requiringGrad() }
            return t(x)
        }
        for (name, value) in [("zeros", Float(0)), ("ones", Float(1))] {
            r.function(name, "*shape: int, dtype: string = \"float32\", requires_grad: bool = false", returns: "tensor",
                       "A tensor of the given shape filled with \(Int(value))s.", example: "\(name)(2, 3)\n\(name)([4], dtype: \"int64\")") { c in
                var x = try Tensor.full(try c.shape("shape"), value, dtype: try dtype(c.string("dtype"), fn: name))
                if try c.bool("requires_grad") { x = try x.requiringGrad() }
                return t(x)
            }
        }
        r.function("full", "shape: list, value: float, dtype: string = \"float32\"", returns: "tensor",
                   "A tensor of the given shape filled with one value.", example: "full([2, 2], 7)") { c in
            t(try Tensor.full(try c.shape("shape"), c.float("value"), dtype: try dtype(c.string("dtype"), fn: "full")))
        }
        r.function("zeros_like", "x: tensor", returns: "tensor", "Zeros with the shape and dtype of x.", example: "zeros_like(randn(2, 3))") { c in
            let x = try c.tensor("x"); return t(try Tensor.zeros(x.shape, dtype: x.dtype))
        }
        r.function("ones_like", "x: tensor", returns: "tensor", "Ones with the shape and dtype of x.", example: "ones_like(randn(2, 3))") { c in
            let x = try c.tensor("x"); return t(try Tensor.ones(x.shape, dtype: x.dtype))
        }
        r.function("arange", "start: float, end: float? = nil, step: float = 1, dtype: string? = nil", returns: "tensor",
                   "Values from start (inclusive) to end (exclusive) in steps; arange(n) is 0..n-1.",
                   details: "Integer arguments give an int64 tensor, as in PyTorch.",
                   example: "arange(5)\narange(0, 1, 0.25)") { c in
            var start = try c.double("start"), end = try c.optionalDouble("end")
            if end == nil { end = start; start = 0 }
            let allInts = ["start", "end", "step"].allSatisfy { n in
                guard let v = c.value(n) else { return true }
                if case .int = v { return true }; return false
            }
            let dt = try c.optionalString("dtype").map { try dtype($0, fn: "arange") } ?? (allInts ? .int64 : .float32)
            return t(try Tensor.arange(start, end ?? 0, step: try c.double("step"), dtype: dt))
        }
        r.function("linspace", "start: float, end: float, steps: int", returns: "tensor",
                   "steps evenly spaced values from start to end (both included).", example: "linspace(0, 1, 5)") { c in
            let a = try c.double("start"), b = try c.double("end"), n = try c.int("steps")
            guard n >= 0 else { throw RuntimeError("linspace: steps must be ≥ 0, found \(n)") }
            _ = try Shape.count([n])
            let vals = (0..<n).map { i in Float(n == 1 ? a : a + (b - a) * Double(i) / Double(n - 1)) }
            return t(Tensor(vals))
        }
        r.function("eye", "n: int, m: int? = nil", returns: "tensor", "The n×m identity matrix (m defaults to n).", example: "eye(3)") { c in
            t(try Tensor.eye(c.int("n"), try c.optionalInt("m")))
        }
        r.function("rand", "*shape: int, requires_grad: bool = false", returns: "tensor",
                   "Uniform random values in [0, 1) from the session's seeded generator.",
                   details: "The generator is xoshiro256** seeded through SplitMix64; seed(n) resets it, so a script gives the same numbers every run.",
                   example: "seed(0)\nrand(2, 2)") { c in
            var x = try Tensor.rand(try c.shape("shape"))
            if try c.bool("requires_grad") { x = try x.requiringGrad() }
            return t(x)
        }
        r.function("randn", "*shape: int, requires_grad: bool = false", returns: "tensor",
                   "Standard normal random values from the session's seeded generator (Box–Muller).",
                   example: "seed(0)\nrandn(2, 3)") { c in
            var x = try Tensor.randn(try c.shape("shape"))
            if try c.bool("requires_grad") { x = try x.requiringGrad() }
            return t(x)
        }
        r.function("randint", "low: int, high: int, shape: list", returns: "tensor",
                   "Random int64 values in [low, high).", example: "seed(0)\nrandint(0, 10, [5])") { c in
            t(try Tensor.randint(Int64(c.int("low")), Int64(c.int("high")), try c.shape("shape")))
        }
        r.function("randperm", "n: int", returns: "tensor", "A random permutation of 0..n-1 (int64).", example: "seed(0)\nrandperm(5)") { c in
            let n = try c.int("n")
            _ = try Shape.count([n])
            return t(try Tensor(shape: [n], ints: Random.shared.permutation(n).map(Int64.init)))
        }
        r.function("seed", "n: int", returns: "nil",
                   "Resets the session's random generator, making every random op that follows reproducible.",
                   example: "seed(42)\nrandn(2)") { c in
            let n = try c.int("n")
            Random.seed(UInt64(bitPattern: Int64(n)))
            c.interp.seedValue = n
            return .none
        }
    }

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

    // MARK: elementwise

    /// Registers `name(x)` and `x.name()` for a unary op.
    static func unary(_ r: Registry, _ name: String, _ summary: String, example: String = "", _ f: @escaping (Tensor) throws -> Tensor) {
        r.function(name, "x: tensor", returns: "tensor", summary, example: example.isEmpty ? "\(name)(tensor([-1.0, 0.5, 2.0]))" : example) { c in
            t(try f(c.tensor("x")))
        }
        r.method("tensor", name, "", returns: "tensor", summary, example: "tensor([-1.0, 0.5, 2.0]).\(name)()") { c in
            t(try f(c.receiverTensor()))
        }
    }

    static func registerElementwise(_ r: Registry) {
        unary(r, "exp", "e to the power of each element.") { $0.exp() }
        unary(r, "log", "Natural logarithm of each element.") { $0.log() }
        unary(r, "sqrt", "Square root of each element.") { $0.sqrt() }
        unary(r, "tanh", "Hyperbolic tangent of each element.") { $0.tanh() }
        unary(r, "sigmoid", "The logistic function 1/(1+e^-x) of each element.") { $0.sigmoid() }
        unary(r, "relu", "max(x, 0) of each element.") { $0.relu() }
        unary(r, "softplus", "log(1 + e^x) of each element (linear above 20, as PyTorch).") { $0.softplus() }
        unary(r, "sin", "Sine of each element.") { $0.sin() }
        unary(r, "cos", "Cosine of each element.") { $0.cos() }
        unary(r, "neg", "Negation of each element.") { try $0.neg() }
        r.function("gelu", "x: tensor, approximate: string = \"none\"", returns: "tensor",
                   "Gaussian error linear unit x·Φ(x); approximate: \"tanh\" uses PyTorch's tanh form.",
                   example: "gelu(tensor([-1.0, 0.0, 1.0]))") { c in
            t(try c.tensor("x").gelu(approximate: try c.string("approximate") == "tanh"))
        }
        r.method("tensor", "gelu", "approximate: string = \"none\"", returns: "tensor", "GELU of each element.",
                 example: "tensor([1.0]).gelu()") { c in
            t(try c.receiverTensor().gelu(approximate: try c.string("approximate") == "tanh"))
        }
        r.method("tensor", "abs", "", returns: "tensor", "Absolute value of each element.", example: "tensor([-2, 3]).abs()") { c in
            t(try c.receiverTensor().abs())
        }
        let clampSummary = "Limits each element to [min, max] (either may be nil)."
        r.function("clamp", "x: tensor, min: float? = nil, max: float? = nil", returns: "tensor", clampSummary,
                   example: "clamp(tensor([-2.0, 0.5, 3.0]), min: -1, max: 1)") { c in
            t(try c.tensor("x").clamp(min: try c.optionalDouble("min").map(Float.init), max: try c.optionalDouble("max").map(Float.init)))
        }
        r.method("tensor", "clamp", "min: float? = nil, max: float? = nil", returns: "tensor", clampSummary,
                 example: "tensor([-2.0, 3.0]).clamp(min: 0)") { c in
            t(try c.receiverTensor().clamp(min: try c.optionalDouble("min").map(Float.init), max: try c.optionalDouble("max").map(Float.init)))
        }
        r.method("tensor", "pow", "exponent: any", returns: "tensor", "Each element to a power (a number or a tensor).",
                 example: "tensor([1.0, 2.0, 3.0]).pow(2)") { c in
            let x = try c.receiverTensor()
            if case .tensor(let e)? = c.value("exponent") { return t(try x.pow(e)) }
            return t(x.pow(try c.float("exponent")))
        }
        for (name, summary, op) in [
            ("maximum", "Elementwise larger of two tensors (broadcast).", { (a: Tensor, b: Tensor) in try a.maximum(b) }),
            ("minimum", "Elementwise smaller of two tensors (broadcast).", { (a: Tensor, b: Tensor) in try a.minimum(b) }),
            ("matmul", "Matrix product with batch broadcasting (the @ operator).", { (a: Tensor, b: Tensor) in try a.matmul(b) }),
        ] as [(String, String, (Tensor, Tensor) throws -> Tensor)] {
            r.function(name, "a: tensor, b: tensor", returns: "tensor", summary, example: name == "matmul" ? "matmul(randn(2, 3), randn(3, 2))" : "\(name)(tensor([1.0, 5.0]), tensor([3.0, 2.0]))") { c in
                t(try op(c.tensor("a"), c.tensor("b")))
            }
            r.method("tensor", name, "other: tensor", returns: "tensor", summary, example: name == "matmul" ? "randn(2, 3).matmul(randn(3, 2))" : "tensor([1.0, 5.0]).\(name)(tensor([3.0, 2.0]))") { c in
                t(try op(c.receiverTensor(), c.tensor("other")))
            }
        }
        r.function("where", "condition: tensor, a: any, b: any", returns: "tensor",
                   "Elementwise choice: a where condition is true, else b (all broadcast).",
                   example: "x = tensor([-1.0, 2.0])\nwhere(x > 0, x, 0.0)") { c in
            t(try Tensor.where(c.tensor("condition"), c.tensor("a"), c.tensor("b")))
        }
        r.method("tensor", "any", "", returns: "bool", "True when any element is non-zero.", example: "(tensor([1, 5]) > 3).any()") { c in
            .bool(try c.receiverTensor().any())
        }
        r.method("tensor", "all", "", returns: "bool", "True when every element is non-zero.", example: "(tensor([1, 5]) > 0).all()") { c in
            .bool(try c.receiverTensor().all())
        }
        for (name, dt) in [("float", "float32"), ("long", "int64"), ("bool", "bool")] {
            r.method("tensor", name, "", returns: "tensor", "This tensor converted to \(dt).", example: "tensor([1, 2]).\(name)()") { c in
                t(try convert(c.receiverTensor(), to: dt, fn: name))
            }
        }
        r.method("tensor", "to", "dtype: string", returns: "tensor", "This tensor converted to a dtype (\"float32\", \"int64\", \"bool\").",
                 example: "tensor([1, 2]).to(\"float32\")") { c in
            t(try convert(c.receiverTensor(), to: c.string("dtype"), fn: "to"))
        }
    }

    // MARK: reductions

    static func registerReductions(_ r: Registry) {
        typealias Reduce = (Tensor, Int?, Bool) throws -> Tensor
        let reductions: [(String, String, Reduce)] = [
            ("sum", "Sum of all elements, or along dim.", { x, d, k in try d.map { try x.sum(dim: $0, keepdim: k) } ?? x.sum() }),
            ("mean", "Mean of all elements, or along dim.", { x, d, k in try d.map { try x.mean(dim: $0, keepdim: k) } ?? x.mean() }),
            ("var", "Variance (with Bessel's correction, as PyTorch) of all elements, or along dim.", { x, d, k in try x.variance(dim: d, keepdim: k) }),
            ("std", "Standard deviation (Bessel's correction) of all elements, or along dim.", { x, d, k in try x.std(dim: d, keepdim: k) }),
            ("argmax", "Index of the largest element (flattened), or along dim.", { x, d, k in try x.argmax(dim: d, keepdim: k) }),
            ("argmin", "Index of the smallest element (flattened), or along dim.", { x, d, k in try x.argmin(dim: d, keepdim: k) }),
        ]
        for (name, summary, f) in reductions {
            r.method("tensor", name, "dim: int? = nil, keepdim: bool = false", returns: "tensor", summary,
                     example: "x = tensor([[1.0, 2.0], [3.0, 4.0]])\nx.\(name)()\nx.\(name)(dim: 1)") { c in
                t(try f(c.receiverTensor(), try c.optionalInt("dim"), try c.bool("keepdim")))
            }
            if name != "sum" {
                r.function(name, "x: tensor, dim: int? = nil, keepdim: bool = false", returns: "tensor", summary,
                           example: "\(name)(tensor([1.0, 2.0, 4.0]))") { c in
                    t(try f(c.tensor("x"), try c.optionalInt("dim"), try c.bool("keepdim")))
                }
            }
        }
        for (name, greater) in [("max", true), ("min", false)] {
            r.method("tensor", name, "dim: int? = nil, keepdim: bool = false", returns: "tensor or [values, indices]",
                     "The \(greater ? "largest" : "smallest") element; with dim, a list [values, indices] along that dimension (as torch.\(name)).",
                     example: "x = tensor([[1.0, 5.0], [3.0, 2.0]])\nx.\(name)()\nvalues, indices = x.\(name)(dim: 1)") { c in
                let x = try c.receiverTensor()
                guard let d = try c.optionalInt("dim") else { return t(greater ? try x.max() : try x.min()) }
                let (v, i) = greater ? try x.max(dim: d, keepdim: try c.bool("keepdim")) : try x.min(dim: d, keepdim: try c.bool("keepdim"))
                return .list([t(v), t(i)])
            }
        }
        for (name, isLog) in [("softmax", false), ("log_softmax", true)] {
            let summary = isLog ? "Logarithm of softmax along dim, computed stably." : "Exponentials normalised to sum to 1 along dim."
            r.function(name, "x: tensor, dim: int = -1", returns: "tensor", summary, example: "\(name)(tensor([1.0, 2.0, 3.0]))") { c in
                let x = try c.tensor("x"), d = try c.int("dim")
                return t(isLog ? try x.logSoftmax(dim: d) : try x.softmax(dim: d))
            }
            r.method("tensor", name, "dim: int = -1", returns: "tensor", summary, example: "tensor([1.0, 2.0]).\(name)()") { c in
                let x = try c.receiverTensor(), d = try c.int("dim")
                return t(isLog ? try x.logSoftmax(dim: d) : try x.softmax(dim: d))
            }
        }
    }

    // MARK: shape

    static func registerShape(_ r: Registry) {
        for name in ["reshape", "view"] {
            r.method("tensor", name, "*shape: int", returns: "tensor", "The same values in a new shape; one dimension may be -1.",
                     example: "arange(6).\(name)(2, 3)\narange(6).\(name)([-1, 2])") { c in
                t(try c.receiverTensor().reshape(try c.shape("shape")))
            }
        }
        r.method("tensor", "flatten", "start_dim: int = 0", returns: "tensor", "Flattens dimensions from start_dim on.",
                 example: "zeros(2, 3, 4).flatten(1).shape") { c in
            t(try c.receiverTensor().flatten(from: c.int("start_dim")))
        }
        r.method("tensor", "transpose", "dim0: int = 0, dim1: int = 1", returns: "tensor", "Swaps two dimensions.",
                 example: "randn(2, 3).transpose(0, 1).shape") { c in
            t(try c.receiverTensor().transpose(c.int("dim0"), c.int("dim1")))
        }
        r.method("tensor", "t", "", returns: "tensor", "Transpose of a matrix (the last two dimensions).", example: "randn(2, 3).t().shape") { c in
            t(try c.receiverTensor().transpose(-2, -1))
        }
        r.method("tensor", "permute", "*dims: int", returns: "tensor", "Reorders dimensions: output dim i is input dim dims[i].",
                 example: "zeros(2, 3, 4).permute(2, 0, 1).shape") { c in
            t(try c.receiverTensor().permute(try c.shape("dims")))
        }
        r.method("tensor", "unsqueeze", "dim: int", returns: "tensor", "Inserts a dimension of size 1.", example: "zeros(3).unsqueeze(0).shape") { c in
            t(try c.receiverTensor().unsqueeze(c.int("dim")))
        }
        r.method("tensor", "squeeze", "dim: int? = nil", returns: "tensor", "Removes dimensions of size 1 (only dim, if given).",
                 example: "zeros(1, 3, 1).squeeze().shape") { c in
            t(try c.receiverTensor().squeeze(try c.optionalInt("dim")))
        }
        r.method("tensor", "expand", "*shape: int", returns: "tensor", "Broadcasts to a larger shape (-1 keeps a dimension).",
                 example: "tensor([[1.0], [2.0]]).expand(2, 3)") { c in
            t(try c.receiverTensor().expand(try c.shape("shape")))
        }
        r.method("tensor", "index_select", "dim: int, index: tensor", returns: "tensor", "Picks entries of dim by an int64 index vector.",
                 example: "arange(10).index_select(0, tensor([3, 1]))") { c in
            t(try c.receiverTensor().indexSelect(dim: c.int("dim"), index: c.tensor("index")))
        }
        r.method("tensor", "gather", "dim: int, index: tensor", returns: "tensor", "out[i][j] = x[i][index[i][j]] for dim 1 (torch.gather).",
                 example: "tensor([[1, 2], [3, 4]]).gather(1, tensor([[1], [0]]))") { c in
            t(try c.receiverTensor().gather(dim: c.int("dim"), index: c.tensor("index")))
        }
        r.method("tensor", "masked_fill", "mask: tensor, value: float", returns: "tensor", "Replaces elements where mask is true by value.",
                 example: "zeros(3).masked_fill(tensor([true, false, true]), -1)") { c in
            t(try c.receiverTensor().maskedFill(c.tensor("mask"), c.float("value")))
        }
        r.method("tensor", "size", "dim: int? = nil", returns: "list or int", "The shape, or the size of one dimension.",
                 example: "zeros(2, 3).size()\nzeros(2, 3).size(1)") { c in
            let x = try c.receiverTensor()
            guard let d = try c.optionalInt("dim") else { return .list(x.shape.map { .int($0) }) }
            return .int(x.shape[try Shape.dim(d, rank: x.rank)])
        }
        r.method("tensor", "numel", "", returns: "int", "Number of elements.", example: "zeros(2, 3).numel()") { c in .int(try c.receiverTensor().count) }
        r.method("tensor", "dim", "", returns: "int", "Number of dimensions.", example: "zeros(2, 3).dim()") { c in .int(try c.receiverTensor().rank) }
        r.method("tensor", "item", "", returns: "number", "The value of a one-element tensor as a number.", example: "tensor([2.5]).item()") { c in
            let x = try c.receiverTensor()
            let v = try x.item()
            return x.dtype == .float32 ? .float(Double(v)) : (x.dtype == .bool ? .bool(v != 0) : .int(Int(x.ints[0])))
        }
        r.method("tensor", "tolist", "", returns: "list", "The values as (nested) lists of numbers.", example: "tensor([[1, 2], [3, 4]]).tolist()") { c in
            Convert.list(try c.receiverTensor())
        }
        for (name, isStack) in [("cat", false), ("stack", true)] {
            r.function(name, "tensors: list, dim: int = 0", returns: "tensor",
                       isStack ? "Stacks equal-shaped tensors along a new dimension." : "Joins tensors along an existing dimension.",
                       example: "\(name)([ones(2, 2), zeros(2, 2)], dim: 0).shape") { c in
                let ts = try c.list("tensors").map { try Convert.tensor($0, what: "\(name): each element") }
                return t(isStack ? try Tensor.stack(ts, dim: c.int("dim")) : try Tensor.cat(ts, dim: c.int("dim")))
            }
        }
    }

    // MARK: neural-network functions and losses

    static func registerNN(_ r: Registry) {
        r.function("embedding", "ids: tensor, weight: tensor, padding_idx: int? = nil", returns: "tensor",
                   "Rows of weight picked by int64 ids; rows of padding_idx get no gradient.",
                   example: "embedding(tensor([[0, 2]]), randn(3, 4)).shape") { c in
            t(try Tensor.embedding(c.tensor("ids"), c.tensor("weight"), paddingIndex: try c.optionalInt("padding_idx")))
        }
        r.function("layer_norm", "x: tensor, normalized_shape: list, weight: tensor? = nil, bias: tensor? = nil, eps: float = 0.00001",
                   returns: "tensor", "Normalises over the last dimensions to mean 0, variance 1, then scales and shifts.",
                   example: "layer_norm(randn(2, 4), [4])") { c in
            t(try Tensor.layerNorm(c.tensor("x"), normalizedShape: try c.shape("normalized_shape"), weight: try c.optionalTensor("weight"),
                                   bias: try c.optionalTensor("bias"), eps: c.float("eps")))
        }
        r.function("conv2d", "x: tensor, weight: tensor, bias: tensor? = nil, stride: int = 1, padding: int = 0", returns: "tensor",
                   "2-D convolution of [batch, channels, h, w] by weight [out, in, kh, kw].",
                   example: "conv2d(randn(1, 1, 8, 8), randn(4, 1, 3, 3), padding: 1).shape") { c in
            t(try Tensor.conv2d(c.tensor("x"), c.tensor("weight"), bias: try c.optionalTensor("bias"), stride: c.int("stride"), padding: c.int("padding")))
        }
        for (name, isMax) in [("max_pool2d", true), ("avg_pool2d", false)] {
            r.function(name, "x: tensor, kernel: int, stride: int? = nil, padding: int = 0", returns: "tensor",
                       (isMax ? "Maximum" : "Mean") + " over kernel×kernel windows (stride defaults to kernel).",
                       example: "\(name)(randn(1, 1, 4, 4), 2).shape") { c in
                let x = try c.tensor("x"), k = try c.int("kernel"), s = try c.optionalInt("stride"), p = try c.int("padding")
                return t(isMax ? try x.maxPool2d(kernel: k, stride: s, padding: p) : try x.avgPool2d(kernel: k, stride: s, padding: p))
            }
        }
        r.function("dropout", "x: tensor, p: float = 0.5", returns: "tensor",
                   "Zeros each element with probability p and scales the rest by 1/(1-p) (seeded).",
                   example: "seed(0)\ndropout(ones(6), p: 0.5)") { c in
            t(try c.tensor("x").dropout(p: c.float("p")))
        }
        r.function("one_hot", "ids: tensor, classes: int", returns: "tensor", "int64 class ids as one-hot float rows.",
                   example: "one_hot(tensor([0, 2]), 3)") { c in
            t(try c.tensor("ids").oneHot(classes: c.int("classes")))
        }
        r.function("cross_entropy", "logits: tensor, target: tensor, weight: tensor? = nil, label_smoothing: float = 0, reduction: string = \"mean\"",
                   returns: "tensor", "Cross-entropy of logits [N, C] with class ids [N] (or class probabilities [N, C]).",
                   details: "As torch.nn.functional.cross_entropy: optional class weights and label smoothing.",
                   example: "cross_entropy(tensor([[2.0, 0.5], [0.1, 1.0]]), tensor([0, 1]))") { c in
            t(try Tensor.crossEntropy(c.tensor("logits"), c.tensor("target"), weight: try c.optionalTensor("weight"),
                                      labelSmoothing: c.float("label_smoothing"), reduction: try reduction(c)))
        }
        r.function("nll_loss", "logp: tensor, target: tensor, weight: tensor? = nil, reduction: string = \"mean\"", returns: "tensor",
                   "Negative log-likelihood of class ids under log-probabilities [N, C].",
                   example: "nll_loss(log_softmax(tensor([[2.0, 0.5]]), dim: 1), tensor([0]))") { c in
            t(try Tensor.nllLoss(c.tensor("logp"), c.tensor("target"), weight: try c.optionalTensor("weight"), reduction: try reduction(c)))
        }
        r.function("bce_with_logits", "logits: tensor, target: tensor, pos_weight: tensor? = nil, reduction: string = \"mean\"", returns: "tensor",
                   "Binary cross-entropy on logits (numerically stable); pos_weight scales the positive term.",
                   example: "bce_with_logits(tensor([1.5, -0.3]), tensor([1.0, 0.0]))") { c in
            t(try Tensor.bceWithLogits(c.tensor("logits"), c.tensor("target"), posWeight: try c.optionalTensor("pos_weight"), reduction: try reduction(c)))
        }
        r.function("mse_loss", "input: tensor, target: tensor, reduction: string = \"mean\"", returns: "tensor",
                   "Mean squared error.", example: "mse_loss(tensor([1.0, 2.0]), tensor([1.5, 2.0]))") { c in
            t(try Tensor.mse(c.tensor("input"), c.tensor("target"), reduction: try reduction(c)))
        }
    }

    static func reduction(_ c: Call) throws -> Tensor.Reduction {
        let s = try c.string("reduction")
        guard let r = Tensor.Reduction(rawValue: s) else {
            throw RuntimeError("\(c.builtin.qualifiedName): reduction must be \"mean\", \"sum\" or \"none\", found \"\(s)\"")
        }
        return r
    }

    // MARK: autodiff

    static func registerAutograd(_ r: Registry) {
        r.method("tensor", "backward", "gradient: tensor? = nil", returns: "nil",
                 "Backpropagates from this tensor, accumulating into .grad of every leaf that requires grad.",
                 details: "A one-element tensor needs no gradient; otherwise pass one of the same shape.\nGradients accumulate across calls: use zero_grad() between steps.",
                 example: "w = tensor([2.0], requires_grad: true)\n(w * w).sum().backward()\nw.grad") { c in
            try c.receiverTensor().backward(try c.optionalTensor("gradient"))
            return .none
        }
        r.method("tensor", "detach", "", returns: "tensor", "The same values cut from the autodiff graph.",
                 example: "tensor([1.0], requires_grad: true).detach().requires_grad") { c in
            t(try c.receiverTensor().detach())
        }
        r.method("tensor", "zero_grad", "", returns: "nil", "Clears the accumulated gradient of a leaf.",
                 example: "w = tensor([1.0], requires_grad: true)\nw.zero_grad()") { c in
            try c.receiverTensor().zeroGrad(); return .none
        }
        r.method("tensor", "requires_grad_", "flag: bool = true", returns: "tensor",
                 "Returns this tensor as a leaf that records gradients (assign it: w = w.requires_grad_()).",
                 example: "w = randn(3).requires_grad_()") { c in
            t(try c.receiverTensor().requiringGrad(try c.bool("flag")))
        }
        r.function("no_grad", "body: function", returns: "any",
                   "Calls body() without recording gradients (for evaluation and manual updates).",
                   example: "w = tensor([1.0], requires_grad: true)\ny = no_grad(fn() { w * 2 })\ny.requires_grad") { c in
            guard case .function(let f)? = c.value("body") else { throw RuntimeError("no_grad needs a function, e.g. no_grad(fn() { ... })") }
            return try Tensor.withoutGrad { try f.call(c.interp, Arguments()) }
        }
    }

    static func registerProperties(_ r: Registry) {
        for (name, summary) in [
            ("shape", "The sizes of the dimensions, as a list."), ("dtype", "The element type: \"float32\", \"int64\" or \"bool\"."),
            ("grad", "The accumulated gradient (nil until backward() reaches this leaf)."),
            ("requires_grad", "Whether this tensor records gradients."), ("ndim", "The number of dimensions."),
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
