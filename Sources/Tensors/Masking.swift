// Elementwise choice by a boolean mask (the mask itself takes no gradient):
//   where(c, a, b)         d/da = c, d/db = ¬c   (summed back over broadcast dimensions)
//   masked_fill(x, m, v)   dX = dY where m is false, 0 where it was filled

extension Tensor {
    /// Elementwise choice: `a` where `condition` is true, else `b` (all broadcast together).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let c = condition.toBool().toFloat()
        let shape = try Shape.broadcast(Shape.broadcast(c.shape, a.shape), b.shape)
        if a.dtype != .float32 && b.dtype != .float32 {
            let ab = try Tensor.zipInts(try c.toInt().expand(shape), a) { $0 != 0 ? $1 : 0 }
            return try Tensor.zipInts(ab, try Tensor.zipInts(try c.toInt().expand(shape), b) { $0 != 0 ? 0 : $1 }, &+)
        }
        let ce = try c.expand(shape)
        let pickA = try Tensor.zipFloats(ce, a.detach()) { $0 != 0 ? $1 : 0 }
        let out = try Tensor.zipFloats(pickA, try Tensor.zipFloats(ce, b.detach()) { $0 != 0 ? 0 : $1 }, +)
        return out.recorded("where", [a, b]) { g in
            [a.requiresGrad ? try g.mul(ce).sumTo(a.shape) : nil,
             b.requiresGrad ? try g.mul(ce.mapFloats { 1 - $0 }).sumTo(b.shape) : nil]
        }
    }

    /// Replaces elements where `mask` (broadcast to this shape) is true by `value`.
    public func maskedFill(_ mask: Tensor, _ value: Float) throws -> Tensor {
        let m = try mask.toBool().toFloat().expand(shape)
        let x = toFloat()
        let out = try Tensor.zipFloats(x.detach(), m) { $1 != 0 ? value : $0 }
        return out.recorded("masked_fill", [self]) { g in [try Tensor.zipFloats(g, m) { $1 != 0 ? 0 : $0 }] }
    }
}
