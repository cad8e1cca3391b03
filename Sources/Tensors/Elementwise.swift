// Elementwise ops with PyTorch broadcasting. Each op's derivative sits beside it:
//   add  d/da = 1, d/db = 1          sub  d/da = 1, d/db = -1
//   mul  d/da = b, d/db = a          div  d/da = 1/b, d/db = -a/b²
//   pow  d/da = p·a^(p-1)            maximum/minimum: the gradient goes to the chosen side
// Gradients of broadcast inputs are summed back to the input's shape (`sumTo`). The
// activations (relu, sigmoid, tanh, softplus, gelu) are in Activations.swift.

extension Tensor {
    // MARK: kernels

    /// out = f(a, b) over the broadcast shape; fast paths for equal shapes and scalars.
    @inline(__always)
    static func zipFloats(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws -> Tensor {
        let a = a.toFloat(), b = b.toFloat()
        if a.shape == b.shape {
            let out = a.floats.withUnsafeBufferPointer { pa in
                b.floats.withUnsafeBufferPointer { pb in
                    Parallel.floats(pa.count) { po, r in for i in r { po[i] = f(pa[i], pb[i]) } }
                }
            }
            return Tensor(unchecked: a.shape, floats: out)
        }
        let shape = try Shape.broadcast(a.shape, b.shape)
        let n = try Shape.count(shape)
        var out = [Float](repeating: 0, count: n)
        if b.floats.count == 1 {
            let s = b.floats[0]
            a.floats.withUnsafeBufferPointer { pa in
                out.withUnsafeMutableBufferPointer { po in
                    if pa.count == n { for i in 0..<n { po[i] = f(pa[i], s) } } else {
                        for i in 0..<n { po[i] = f(pa[0], s) }
                    }
                }
            }
            return Tensor(unchecked: shape, floats: out)
        }
        if a.floats.count == 1 && b.floats.count == n {
            let s = a.floats[0]
            b.floats.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in for i in 0..<n { po[i] = f(s, pb[i]) } }
            }
            return Tensor(unchecked: shape, floats: out)
        }
        let sa = Shape.broadcastStrides(a.shape, to: shape), sb = Shape.broadcastStrides(b.shape, to: shape)
        a.floats.withUnsafeBufferPointer { pa in
            b.floats.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    forEachOffset2(shape, sa, sb) { o, oa, ob, len, da, db in
                        for j in 0..<len { po[o + j] = f(pa[oa + j * da], pb[ob + j * db]) }
                    }
                }
            }
        }
        return Tensor(unchecked: shape, floats: out)
    }

    @inline(__always)
    static func zipInts(_ a: Tensor, _ b: Tensor, dtype: DType = .int64,
                        _ f: (Int64, Int64) -> Int64) throws -> Tensor {
        try zipCheckedInts(a, b, dtype: dtype, "") { (f($0, $1), false) }
    }

    /// Elementwise int64 arithmetic where an overflow is an error, never a wrap: `symbol`
    /// names the operation in the message.
    @inline(__always)
    static func zipCheckedInts(_ a: Tensor, _ b: Tensor, dtype: DType = .int64, _ symbol: String,
                               _ f: (Int64, Int64) -> (partialValue: Int64, overflow: Bool)) throws -> Tensor {
        let shape = try Shape.broadcast(a.shape, b.shape)
        let n = try Shape.count(shape)
        var out = [Int64](repeating: 0, count: n)
        let sa = Shape.broadcastStrides(a.shape, to: shape), sb = Shape.broadcastStrides(b.shape, to: shape)
        let ai = a.intValues, bi = b.intValues
        var overflow: (Int64, Int64)?
        forEachOffset2(shape, sa, sb) { o, oa, ob, len, da, db in
            for j in 0..<len {
                let (x, y) = (ai[oa + j * da], bi[ob + j * db])
                let r = f(x, y)
                if r.overflow && overflow == nil { overflow = (x, y) }
                out[o + j] = r.partialValue
            }
        }
        if let (x, y) = overflow { throw Tensor.intOverflow("\(x) \(symbol) \(y)") }
        return Tensor(unchecked: shape, ints: out, dtype: dtype)
    }

    /// The error for int64 arithmetic whose result does not fit.
    static func intOverflow(_ what: String) -> TensorError {
        TensorError.value("integer overflow: \(what) is outside int64 (-9223372036854775808 to 9223372036854775807); "
            + "convert to float first (.float())")
    }

    @inline(__always)
    func mapFloats(_ f: (Float) -> Float) -> Tensor {
        let out = floats.withUnsafeBufferPointer { p in
            Parallel.floats(p.count) { o, r in for i in r { o[i] = f(p[i]) } }
        }
        return Tensor(unchecked: shape, floats: out)
    }

    /// Sums a broadcast gradient back to `target` (the shape of the input it belongs to).
    public func sumTo(_ target: [Int]) throws -> Tensor {
        if shape == target { return self }
        let n = try Shape.count(target)
        guard target.count <= shape.count, (try? Shape.broadcast(target, shape)) == shape else {
            throw TensorError.shape("cannot sum a gradient of shape \(Shape.format(shape)) to \(Shape.format(target))")
        }
        var out = [Float](repeating: 0, count: n)
        let st = Shape.broadcastStrides(target, to: shape), sg = Shape.strides(shape)
        let g = toFloat()
        g.floats.withUnsafeBufferPointer { pg in
            out.withUnsafeMutableBufferPointer { po in
                forEachOffset2(shape, st, sg) { _, ot, og, len, dt, dg in
                    for j in 0..<len { po[ot + j * dt] += pg[og + j * dg] }
                }
            }
        }
        return Tensor(unchecked: target, floats: out)
    }

    // MARK: binary arithmetic

    public func add(_ b: Tensor) throws -> Tensor {
        if dtype != .float32 && b.dtype != .float32 {
            return try Tensor.zipCheckedInts(self, b, "+") { $0.addingReportingOverflow($1) }
        }
        let a = self
        return try Tensor.zipFloats(a, b, +).recorded("add", [a, b]) { g in
            [try g.sumTo(a.shape), try g.sumTo(b.shape)]
        }
    }
    public func sub(_ b: Tensor) throws -> Tensor {
        if dtype != .float32 && b.dtype != .float32 {
            return try Tensor.zipCheckedInts(self, b, "-") { $0.subtractingReportingOverflow($1) }
        }
        let a = self
        return try Tensor.zipFloats(a, b, -).recorded("sub", [a, b]) { g in
            [try g.sumTo(a.shape), try g.neg().sumTo(b.shape)]
        }
    }
    public func mul(_ b: Tensor) throws -> Tensor {
        if dtype != .float32 && b.dtype != .float32 {
            return try Tensor.zipCheckedInts(self, b, "*") { $0.multipliedReportingOverflow(by: $1) }
        }
        let a = self
        return try Tensor.zipFloats(a, b, *).recorded("mul", [a, b]) { g in
            [a.requiresGrad ? try g.mul(b.detach()).sumTo(a.shape) : nil,
             b.requiresGrad ? try g.mul(a.detach()).sumTo(b.shape) : nil]
        }
    }
    public func div(_ b: Tensor) throws -> Tensor {
        let a = self
        return try Tensor.zipFloats(a, b, /).recorded("div", [a, b]) { g in
            let bd = b.detach()
            return [a.requiresGrad ? try g.div(bd).sumTo(a.shape) : nil,
                    b.requiresGrad ? try g.mul(a.detach()).div(bd.mul(bd)).neg().sumTo(b.shape) : nil]
        }
    }
    /// Elementwise a^b for tensors (d/da = b·a^(b-1), d/db = a^b·ln a).
    public func pow(_ b: Tensor) throws -> Tensor {
        let a = self
        let out = try Tensor.zipFloats(a, b) { FastMath.pow($0, $1) }
        return out.recorded("pow", [a, b]) { g in
            let ad = a.detach(), bd = b.detach()
            let da = a.requiresGrad ? try g.mul(bd.mul(ad.pow(bd.sub(Tensor(scalar: 1))))).sumTo(a.shape) : nil
            let logA = ad.mapFloats { $0 > 0 ? FastMath.log($0) : 0 }
            let db = b.requiresGrad ? try g.mul(out.detach().mul(logA)).sumTo(b.shape) : nil
            return [da, db]
        }
    }
    public func maximum(_ b: Tensor) throws -> Tensor {
        let a = self
        return try Tensor.zipFloats(a, b) { Swift.max($0, $1) }.recorded("maximum", [a, b]) { g in
            let pick = try Tensor.zipFloats(a, b) { $0 >= $1 ? 1 : 0 }
            return [try g.mul(pick).sumTo(a.shape), try g.mul(pick.mapFloats { 1 - $0 }).sumTo(b.shape)]
        }
    }
    public func minimum(_ b: Tensor) throws -> Tensor {
        let a = self
        return try Tensor.zipFloats(a, b) { Swift.min($0, $1) }.recorded("minimum", [a, b]) { g in
            let pick = try Tensor.zipFloats(a, b) { $0 <= $1 ? 1 : 0 }
            return [try g.mul(pick).sumTo(a.shape), try g.mul(pick.mapFloats { 1 - $0 }).sumTo(b.shape)]
        }
    }
    /// Remainder with the sign of the divisor (Python's and PyTorch's `%`); no gradient.
    public func remainder(_ b: Tensor) throws -> Tensor {
        if dtype != .float32 && b.dtype != .float32 {
            guard !b.ints.contains(0) else { throw TensorError.value("integer remainder by zero") }
            return try Tensor.zipInts(self, b) { x, y in
                let r = y == -1 ? 0 : x % y
                return (r != 0 && (r < 0) != (y < 0)) ? r + y : r
            }
        }
        return try Tensor.zipFloats(self, b) { x, y in x - y * (x / y).rounded(.down) }
    }

    // MARK: scalar forms (no broadcast bookkeeping)

    public func adding(_ s: Float) -> Tensor {
        return toFloat().mapFloats { $0 + s }.recorded("add_scalar", [self]) { g in [g] }
    }
    public func scaled(by s: Float) -> Tensor {
        return toFloat().mapFloats { $0 * s }.recorded("mul_scalar", [self]) { g in [g.scaled(by: s)] }
    }
    /// −x; on int64, −(−2^63) is an overflow error.
    public func neg() throws -> Tensor {
        if dtype == .int64 {
            if let bad = ints.first(where: { $0 == .min }) { throw Tensor.intOverflow("-(\(bad))") }
            return Tensor(unchecked: shape, ints: ints.map { -$0 })
        }
        return toFloat().mapFloats { -$0 }.recorded("neg", [self]) { g in [try g.neg()] }
    }
    /// x^p for a constant exponent (d/dx = p·x^(p-1)).
    public func pow(_ p: Float) -> Tensor {
        let x = self.toFloat()
        let out: Tensor
        if p == 2 { out = x.mapFloats { $0 * $0 } } else if p == 3 { out = x.mapFloats { $0 * $0 * $0 } } else {
            out = x.mapFloats { FastMath.pow($0, p) }
        }
        return out.recorded("pow", [self]) { g in
            let d: Tensor
            if p == 2 { d = x.detach().scaled(by: 2) } else { d = x.detach().mapFloats { p * FastMath.pow($0, p - 1) } }
            return [try g.mul(d)]
        }
    }

    // MARK: unary maps, each with its derivative

    /// A unary op whose derivative is a function of its input x and output y. A nonlinearity
    /// (`rules`) passes back by the active BackwardRule's rule instead, if there is one.
    @inline(__always)
    func unary(_ name: String, _ f: (Float) -> Float, derivative: @escaping (_ x: Float, _ y: Float) -> Float,
               rules kind: Nonlinearity? = nil) -> Tensor {
        let x = self.toFloat()
        let y = x.mapFloats(f)
        if let kind, let rule = BackwardRule.active,
           let pullback = ruledPullback(rule, kind, name, x: x, y: y, derivative: derivative) {
            return y.recorded(name, [self], pullback).marked(by: rule)
        }
        return y.recorded(name, [self]) { g in
            let d = x.floats.withUnsafeBufferPointer { px in
                y.floats.withUnsafeBufferPointer { py in
                    g.floats.withUnsafeBufferPointer { pg in
                        Parallel.floats(pg.count) { pd, r in
                            for i in r { pd[i] = pg[i] * derivative(px[i], py[i]) }
                        }
                    }
                }
            }
            return [Tensor(unchecked: g.shape, floats: d)]
        }
    }

    // Scalar math comes from FastMath (the same bits on every machine).
    public func exp() -> Tensor { unary("exp", { FastMath.exp($0) }, derivative: { _, y in y }) }
    public func log() -> Tensor { unary("log", { FastMath.log($0) }, derivative: { x, _ in 1 / x }) }
    public func sqrt() -> Tensor { unary("sqrt", { $0.squareRoot() }, derivative: { _, y in 0.5 / y }) }
    /// |x|; on int64, |−2^63| is an overflow error.
    public func abs() throws -> Tensor {
        if dtype == .int64 {
            if let bad = ints.first(where: { $0 == .min }) { throw Tensor.intOverflow("abs(\(bad))") }
            return Tensor(unchecked: shape, ints: ints.map { Swift.abs($0) })
        }
        return unary("abs", { Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) })
    }
    public func sin() -> Tensor { unary("sin", { FastMath.sin($0) }, derivative: { x, _ in FastMath.cos(x) }) }
    public func cos() -> Tensor { unary("cos", { FastMath.cos($0) }, derivative: { x, _ in -FastMath.sin(x) }) }
    /// Clamps into [low, high]; the gradient passes where the value was inside the range.
    public func clamp(min low: Float? = nil, max high: Float? = nil) -> Tensor {
        let lo = low ?? -.infinity, hi = high ?? .infinity
        return unary("clamp", { Swift.min(Swift.max($0, lo), hi) },
                     derivative: { x, _ in x >= lo && x <= hi ? 1 : 0 })
    }

    // MARK: operators (throwing where shapes can mismatch)

    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try a.add(b) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try a.sub(b) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try a.mul(b) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try a.div(b) }
    public static func + (a: Tensor, s: Float) -> Tensor { a.adding(s) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.adding(-s) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.scaled(by: s) }
    public static func * (s: Float, a: Tensor) -> Tensor { a.scaled(by: s) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.scaled(by: 1 / s) }
    public static prefix func - (a: Tensor) throws -> Tensor { try a.neg() }
}
