import Foundation
import Tensors

/// A number that says how far to trust an explanation, with what it means.
public struct Check: Sendable {
    public let name: String
    public let value: Double
    public let note: String
    public init(_ name: String, _ value: Double, _ note: String) {
        self.name = name; self.value = value; self.note = note
    }
}

/// The result of explaining one prediction: a score per unit (feature, token or patch),
/// the method and its settings, and the checks that go with it.
public struct Explanation {
    public let method: String
    /// Settings as shown to people, in a stable order.
    public var settings: [(String, String)]
    public let subject: Explainee
    /// One attribution per unit, in the units' order.
    public var scores: [Double]
    /// The attribution in input space before reduction to units ([F], [C, H, W] or [T, E]), when there is one.
    public var raw: Tensor?
    /// The value attributions are measured from: f(baseline), or the expected value over the background.
    public var baseValue: Double?
    public var checks: [Check] = []
    /// For an attribution to a hidden layer: which layer, and the attribution with its shape.
    public var layer: LayerPart?
    /// What was asked, so that the same method can explain another input (robustness metrics
    /// re-explain perturbed inputs); nil for explanations not made by `Explainer.explain`.
    public var request: ExplainRequest?

    public init(method: String, settings: [(String, String)], subject: Explainee, scores: [Double], raw: Tensor? = nil,
                baseValue: Double? = nil, checks: [Check] = []) {
        self.method = method; self.settings = settings; self.subject = subject; self.scores = scores
        self.raw = raw; self.baseValue = baseValue; self.checks = checks
    }

    /// The units the scores are for: the input's, or a layer's own (hidden units, channels × positions).
    public var units: [String] { layer?.units ?? subject.unitNames }
    /// How the explanation is drawn: as its input, or as bars when the units are a layer's own.
    public var kind: InputKind { layer?.units != nil ? .tabular : subject.kind }
    public var prediction: Double { subject.prediction }

    public func check(_ name: String) -> Double? { checks.first { $0.name == name }?.value }

    /// Unit indices from the largest attribution to the smallest (ties by position).
    public func ranking(byMagnitude: Bool = false) -> [Int] {
        scores.indices.sorted {
            let a = byMagnitude ? abs(scores[$0]) : scores[$0], b = byMagnitude ? abs(scores[$1]) : scores[$1]
            return a != b ? a > b : $0 < $1
        }
    }

    /// For images: one attribution per pixel [H·W] — the raw attribution summed over
    /// channels, or each unit's score spread over its patch — with the image's size.
    public var pixelMap: (map: [Double], rows: Int, cols: Int)? {
        let x = subject.input
        guard kind == .image, x.rank == 3 else { return nil }
        let (H, W) = (x.shape[1], x.shape[2])
        var map = [Double](repeating: 0, count: H * W)
        if let raw, raw.rank == 3, raw.shape[1] == H, raw.shape[2] == W {
            for c in 0..<raw.shape[0] { for p in 0..<(H * W) { map[p] += Double(raw.floats[c * H * W + p]) } }
        } else {
            for (u, px) in subject.patchPixels.enumerated() where u < scores.count {
                for p in px { map[p] = scores[u] }
            }
        }
        return (map, H, W)
    }

    /// The k units with the largest attributions, as (name, score).
    public func top(_ k: Int, byMagnitude: Bool = true) -> [(String, Double)] {
        ranking(byMagnitude: byMagnitude).prefix(k).map { (units[$0], scores[$0]) }
    }
}

/// What an attribution to a hidden layer adds to an explanation.
public struct LayerPart {
    /// The layer's dotted name ("conv", "0", "fc").
    public let name: String
    /// Whether the layer's input, rather than its output, was attributed.
    public let input: Bool
    /// The attribution with the layer's shape, without the batch dimension (Grad-CAM: its map [1, …]).
    public let attribution: Tensor
    /// The units of the scores when they are the layer's own; nil when the scores are for the
    /// input's units (tokens, pixels, features).
    public let units: [String]?

    /// Whether perturbing the input's units can test these scores (deletion, faithfulness).
    public var onInputUnits: Bool { units == nil }
}

extension Explanation {
    /// Checks that perturb the input's units need scores for those units.
    func requireInputUnits(_ check: String) throws {
        guard let layer, !layer.onInputUnits else { return }
        throw TensorError.value("\(check) removes the input's units, but this explanation scores the units of "
                                + "layer \"\(layer.name)\"")
    }
}

/// Numbers shown to people: integers without a point, others with up to 4 significant decimals.
func fmtNumber(_ v: Double) -> String {
    if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
    return String(format: "%.4g", v)
}
