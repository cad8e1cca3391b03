import Foundation

/// A feature cut at the quartiles of the training rows (numpy's percentiles, linear
/// interpolation; repeated edges merged): bin b holds edges[b−1] < v ≤ edges[b].
struct Quartiles {
    let edges: [Double]

    init(_ values: [Double]) {
        let v = values.sorted()
        var e: [Double] = []
        for q in [0.25, 0.5, 0.75] where !v.isEmpty {
            let pos = q * Double(v.count - 1)
            let lo = Int(pos.rounded(.down)), hi = min(lo + 1, v.count - 1)
            let x = v[lo] + (v[hi] - v[lo]) * (pos - Double(lo))
            if e.last != x { e.append(x) }
        }
        edges = e
    }

    var bins: Int { edges.count + 1 }

    func bin(_ v: Double) -> Int {
        var b = 0
        while b < edges.count, edges[b] < v { b += 1 }
        return b
    }
}
