import Foundation
import Tensors

/// Attribution by removal: how much the score drops when a unit (or an image window) is
/// replaced by the baseline — Captum's FeatureAblation and Occlusion.
public enum Occlusion {
    /// Tables: f(x) − f(x with feature i = baseline i), one feature at a time.
    /// Text: f(x) − f(x with token t replaced by <pad>), lengths unchanged.
    /// Images: windows of `window`×`window` slide by `stride`; each pixel gets the mean drop
    /// of the windows that cover it (Captum Occlusion).
    public static func explain(_ s: Explainee, window: Int = 2, stride: Int = 1) throws -> Explanation {
        let fx = s.prediction
        switch s.kind {
        case .tabular:
            let x = s.input.floats, b = s.baseline.floats, n = x.count
            var rows = [Float]()
            rows.reserveCapacity(n * n)
            for i in 0..<n { var r = x; r[i] = b[i]; rows += r }
            let v = try s.scores(Tensor(shape: [n, n], floats: rows))
            let scores = v.map { fx - $0 }
            return Explanation(method: "feature_ablation", settings: [("baseline", "per feature")], subject: s,
                               scores: scores, raw: try Tensor(shape: [n], floats: scores.map(Float.init)))
        case .text:
            let n = s.unitCount
            let coalitions = (0..<n).map { i in (0..<n).map { $0 != i } }
            let scores = try s.values(coalitions).map { fx - $0 }
            return Explanation(method: "occlusion", settings: [("replacement", s.removedTokenName)], subject: s,
                               scores: scores)
        case .image:
            guard window >= 1, stride >= 1 else {
                throw TensorError.value("occlusion window and stride must be positive, found \(window) and \(stride)")
            }
            let C = s.input.shape[0], H = s.input.shape[1], W = s.input.shape[2]
            guard window <= H, window <= W else {
                throw TensorError.value("occlusion window \(window) is larger than the \(H)×\(W) image")
            }
            let x = s.input.floats, b = s.baseline.floats
            var positions: [(Int, Int)] = []
            for r in Swift.stride(from: 0, through: H - window, by: stride) {
                for c in Swift.stride(from: 0, through: W - window, by: stride) { positions.append((r, c)) }
            }
            var rows = [Float]()
            rows.reserveCapacity(positions.count * x.count)
            for (r, c) in positions {
                var img = x
                for ch in 0..<C {
                    for rr in r..<(r + window) {
                        for cc in c..<(c + window) { img[(ch * H + rr) * W + cc] = b[(ch * H + rr) * W + cc] }
                    }
                }
                rows += img
            }
            let v = try s.scores(Tensor(shape: [positions.count, C, H, W], floats: rows))
            var sum = [Double](repeating: 0, count: H * W), count = [Double](repeating: 0, count: H * W)
            for (k, (r, c)) in positions.enumerated() {
                for rr in r..<(r + window) {
                    for cc in c..<(c + window) { sum[rr * W + cc] += fx - v[k]; count[rr * W + cc] += 1 }
                }
            }
            let px = (0..<(H * W)).map { count[$0] > 0 ? sum[$0] / count[$0] : 0 }
            let raw = try Tensor(shape: [1, H, W], floats: px.map(Float.init))
            return Explanation(method: "occlusion", settings: [("window", "\(window)"), ("stride", "\(stride)")],
                               subject: s, scores: s.perUnit(raw), raw: raw)
        }
    }
}
