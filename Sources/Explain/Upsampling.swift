import Tensors

/// How a layer's map [N, C, h, w] is stretched to an image's size (torch.nn.functional.interpolate,
/// which Captum's LayerAttribution.interpolate calls): nearest neighbour, Captum's default, or
/// bilinear with align_corners=False.
public enum Upsampling: String, CaseIterable, Sendable {
    case nearest, bilinear

    /// The map resized to [N, C, rows, cols].
    public func resize(_ map: Tensor, rows: Int, cols: Int) throws -> Tensor {
        guard map.rank == 4, rows > 0, cols > 0 else {
            throw TensorError.shape("upsampling takes maps [N, C, h, w] to a positive size, found "
                                    + "\(Shape.format(map.shape)) to \(rows) × \(cols)")
        }
        let planes = map.shape[0] * map.shape[1], (h, w) = (map.shape[2], map.shape[3])
        let ys = taps(from: h, to: rows), xs = taps(from: w, to: cols)
        let v = map.floats
        var out = [Float]()
        out.reserveCapacity(planes * rows * cols)
        for p in 0..<planes {
            let base = p * h * w
            for y in ys {
                for x in xs {
                    let top = v[base + y.i0 * w + x.i0] * x.l0 + v[base + y.i0 * w + x.i1] * x.l1
                    let bottom = v[base + y.i1 * w + x.i0] * x.l0 + v[base + y.i1 * w + x.i1] * x.l1
                    out.append(top * y.l0 + bottom * y.l1)
                }
            }
        }
        return try Tensor(shape: [map.shape[0], map.shape[1], rows, cols], floats: out)
    }

    /// For each output index along one axis: the two source indices and their weights (nearest:
    /// one source with weight 1), with PyTorch's index arithmetic in Float.
    func taps(from n: Int, to m: Int) -> [(i0: Int, i1: Int, l0: Float, l1: Float)] {
        let scale = Float(n) / Float(m)
        return (0..<m).map { j in
            switch self {
            case .nearest:
                let i = n == m ? j : min(Int((Float(j) * scale).rounded(.down)), n - 1)
                return (i, i, 1, 0)
            case .bilinear:
                let src = max(0, scale * (Float(j) + 0.5) - 0.5)
                let i0 = min(Int(src), n - 1)
                let i1 = i0 + (i0 < n - 1 ? 1 : 0)
                let l1 = src - Float(i0)
                return (i0, i1, 1 - l1, l1)
            }
        }
    }
}
