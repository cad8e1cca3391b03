import Foundation
import XCTest
@testable import Tensors

/// Layer norm and attention's softmax run their rows in C kernels, split across workers. Each
/// row is its scalar definition, with every sum in element order, on every path and with
/// any number of workers.
final class RowKernelTests: XCTestCase {
    private var saved = Kernels.settings
    override func setUp() { super.setUp(); saved = Kernels.settings }
    override func tearDown() { Kernels.settings = saved; super.tearDown() }

    /// Every path this CPU runs, each with 1, 2, 3 and 8 workers.
    var settings: [(Kernels.Path, Int)] { Kernels.supported.flatMap { p in [1, 2, 3, 8].map { (p, $0) } } }

    func bits(_ t: Tensor?) -> [UInt32] { (t?.floats ?? []).map(\.bitPattern) }

    /// The defining loops: y, and the gradients of Σ y·u for x, w and b.
    func layerNormDefinition(_ x: [Float], _ w: [Float], _ b: [Float], _ u: [Float], rows: Int, n: Int, eps: Float)
        -> (y: [Float], dx: [Float], dw: [Float], db: [Float]) {
        var y = x, dx = x, dw = [Float](repeating: 0, count: n), db = dw, xhat = x
        for r in 0..<rows {
            var mean: Float = 0
            for j in 0..<n { mean += x[r * n + j] }
            mean /= Float(n)
            var v: Float = 0
            for j in 0..<n { let d = x[r * n + j] - mean; v += d * d }
            v /= Float(n)
            let rs = 1 / (v + eps).squareRoot()
            for j in 0..<n { xhat[r * n + j] = (x[r * n + j] - mean) * rs; y[r * n + j] = xhat[r * n + j] * w[j] + b[j] }
            var mg: Float = 0, mgx: Float = 0
            for j in 0..<n { let gw = u[r * n + j] * w[j]; mg += gw; mgx += gw * xhat[r * n + j] }
            mg /= Float(n); mgx /= Float(n)
            for j in 0..<n { dx[r * n + j] = rs * (u[r * n + j] * w[j] - mg - xhat[r * n + j] * mgx) }
        }
        for r in 0..<rows { for j in 0..<n { dw[j] += u[r * n + j] * xhat[r * n + j]; db[j] += u[r * n + j] } }
        return (y, dx, dw, db)
    }

    func testLayerNormRowsAreTheirDefinitionOnEveryPathAndWorkerCount() throws {
        var g = RandomGenerator(seed: 31)
        for (rows, n) in [(1, 1), (3, 7), (65, 17), (300, 128), (1024, 129)] {
            let x = (0..<rows * n).map { _ in g.uniform() * 6 - 3 }, u = (0..<rows * n).map { _ in g.uniform() * 2 - 1 }
            let w = (0..<n).map { _ in g.uniform() + 0.5 }, b = (0..<n).map { _ in g.uniform() - 0.5 }
            let expected = layerNormDefinition(x, w, b, u, rows: rows, n: n, eps: 1e-5)
            for (path, workers) in settings {
                Kernels.path = path; Kernels.threads = workers
                let xt = try Tensor(shape: [rows, n], floats: x).requiringGrad()
                let wt = try Tensor(shape: [n], floats: w).requiringGrad(), bt = try Tensor(shape: [n], floats: b).requiringGrad()
                let y = try Tensor.layerNorm(xt, normalizedShape: [n], weight: wt, bias: bt)
                try y.backward(Tensor(shape: [rows, n], floats: u))
                let context = "\(rows)×\(n), \(path), \(workers) workers"
                XCTAssertEqual(bits(y), expected.y.map(\.bitPattern), "y, " + context)
                XCTAssertEqual(bits(xt.grad), expected.dx.map(\.bitPattern), "dx, " + context)
                XCTAssertEqual(bits(wt.grad), expected.dw.map(\.bitPattern), "dw, " + context)
                XCTAssertEqual(bits(bt.grad), expected.db.map(\.bitPattern), "db, " + context)
            }
        }
    }

    /// softmax(s·q·kᵀ + mask) by its definition from the product's scores, NaN rows where
    /// everything is masked.
    func softmaxDefinition(_ scores: [Float], _ mask: [Float], rows: Int, S: Int, s: Float) -> [Float] {
        var out = scores
        for r in 0..<rows {
            var row = (0..<S).map { out[r * S + $0] * s + mask[r * S + $0] }
            let mx = row.reduce(-Float.infinity) { Swift.max($0, $1) }
            if mx == -.infinity { row = row.map { _ in .nan } } else {
                row = row.map { FastMath.exp($0 - mx) }
                var sum: Float = 0
                for v in row { sum += v }
                row = row.map { $0 / sum }
            }
            for j in 0..<S { out[r * S + j] = row[j] }
        }
        return out
    }

    func testAttentionWeightsAreTheSoftmaxDefinitionOnEveryPathAndWorkerCount() throws {
        var g = RandomGenerator(seed: 37)
        for (B, H, T, d) in [(1, 1, 1, 1), (2, 3, 7, 5), (4, 4, 64, 32)] {
            let q = try Tensor.randn([B, H, T, d], using: &g), k = try Tensor.randn([B, H, T, d], using: &g)
            let v = try Tensor.randn([B, H, T, d], using: &g)
            // A causal mask, and the same with row 0 of the first head fully masked (NaN weights).
            var causal = [Float](repeating: 0, count: H * T * T)
            for h in 0..<H { for t in 0..<T { for j in t + 1..<T { causal[(h * T + t) * T + j] = -.infinity } } }
            var masked = causal
            for j in 0..<T { masked[j] = -.infinity }
            let s = 1 / Float(d).squareRoot()
            Kernels.path = Kernels.supported[0]; Kernels.threads = 1
            let scores = try q.matmul(k.transpose(2, 3)).floats
            var firstGrads: [[UInt32]]?
            for (path, workers) in settings {
                Kernels.path = path; Kernels.threads = workers
                let context = "\(B)×\(H)×\(T)×\(d), \(path), \(workers) workers"
                for mask in [causal, masked] {
                    let expected = softmaxDefinition(scores, (0..<B).flatMap { _ in mask }, rows: B * H * T, S: T, s: s)
                    let weights = try Tensor.attention(q, k, v, mask: Tensor(shape: [1, H, T, T], floats: mask)).weights.floats
                    XCTAssertEqual(weights.map(\.isNaN), expected.map(\.isNaN), context)
                    XCTAssertEqual(weights.filter { !$0.isNaN }.map(\.bitPattern), expected.filter { !$0.isNaN }.map(\.bitPattern), context)
                }
                // The gradients: the same bits for every path and worker count.
                let (qt, kt, vt) = (try q.requiringGrad(), try k.requiringGrad(), try v.requiringGrad())
                let out = try Tensor.attention(qt, kt, vt, mask: Tensor(shape: [1, H, T, T], floats: causal)).output
                let u = try Tensor(shape: out.shape, floats: (0..<out.count).map { Float($0 % 7) - 3 })
                try out.mul(u).sum().backward()
                let grads = [bits(qt.grad), bits(kt.grad), bits(vt.grad)]
                if let firstGrads { XCTAssertEqual(grads, firstGrads, "gradients, " + context) } else { firstGrads = grads }
            }
        }
    }
}
