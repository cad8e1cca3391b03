import Foundation
import Layers
import Tensors
import Training

/// What is being explained: a table row, an image, or a token sequence.
public enum InputKind: String, Sendable {
    case tabular, image, text
}

/// The model output an explanation attributes.
public enum OutputKind: String, Sendable {
    /// The raw logit of the target class (Captum's convention for gradient methods).
    case logit
    /// The target's probability: softmax over classes, or the sigmoid of a single logit.
    case probability
}

/// A model and one input, seen the way every explainer needs them:
/// - a differentiable **score** of a batch of points in input space — feature rows [N, F],
///   images [N, C, H, W], or token embeddings [N, T, E] (text is explained at the
///   embedding layer, as Captum's LayerIntegratedGradients does);
/// - a **coalition game** over units — features, image patches, or tokens — whose value for
///   a coalition is the score when only those units keep their value and the others take
///   the baseline's (for tables, averaged over background rows: interventional SHAP).
public final class Explainee {
    public let model: Model
    public let kind: InputKind
    public let target: Int?
    public let output: OutputKind
    /// The input in input space, without a batch dimension: [F], [C, H, W] or [T, E].
    public let input: Tensor
    /// The reference point gradients integrate from and removed units take: same shape.
    public let baseline: Tensor
    /// One name per unit: feature names, tokens, or patch positions.
    public let unitNames: [String]
    /// Text: the token ids, and the words shown for them.
    public let tokenIds: [Int]
    /// Text: the unit each token is a piece of (a word split by a subword tokenizer), or nil
    /// for a special token ([CLS], [SEP]) that is never removed; by default each token is a unit.
    public private(set) var tokenUnits: [Int?] = []
    /// Text: the id each token takes when its unit is removed (pad by default), and its name.
    public private(set) var removedIds: [Int] = []
    public internal(set) var removedTokenName = "<pad>"
    /// Tables: rows [R, F] that removed features are drawn from (interventional games).
    public let background: Tensor?
    /// Images: units are patch × patch squares.
    public let patch: Int
    /// Rows per model call for perturbation games (memory bound).
    public var chunk = 8192

    let textModel: TextClassifier?
    let layer: Layer?

    public init(model: Model, kind: InputKind, input: Tensor, baseline: Tensor?, target: Int?, output: OutputKind,
                unitNames: [String] = [], tokenIds: [Int] = [], background: Tensor? = nil, patch: Int = 1) throws {
        self.model = model
        self.kind = kind
        self.output = output
        self.tokenIds = tokenIds
        tokenUnits = tokenIds.indices.map { $0 }
        removedIds = [Int](repeating: Vocabulary.pad, count: tokenIds.count)
        self.patch = max(1, patch)
        textModel = model.module as? TextClassifier
        layer = model.module as? Layer
        switch kind {
        case .text:
            guard textModel?.readsText == true else { throw Explainee.takesNoText(model) }
        case .tabular, .image:
            guard layer != nil else {
                throw TensorError.value("\(model.module.typeName) does not take feature rows or images")
            }
        }
        self.input = input
        let base = try baseline ?? Tensor.zeros(input.shape)
        guard base.shape == input.shape else {
            throw TensorError.shape("the baseline must have the input's shape \(input.shape), found \(base.shape)")
        }
        // A NaN or infinity would spread into every score: refuse it where it enters.
        for (what, t) in [("input", input), ("baseline", base)] where t.dtype == .float32 {
            if let bad = t.floats.first(where: { !$0.isFinite }) {
                throw TensorError.value("the \(what) must hold finite numbers, found \(bad)")
            }
        }
        self.baseline = base
        if let bg = background {
            try Explainee.check(background: bg, kind: kind, input: input)
            if let bad = bg.floats.first(where: { !$0.isFinite }) {
                throw TensorError.value("background rows must hold finite numbers, found \(bad)")
            }
        }
        self.background = background
        // The target: given, or the predicted class.
        let (tm, ly) = (textModel, layer)
        let logits = try Tensor.withoutGrad {
            try Explainee.rawLogits(tm, ly, kind, input.unsqueeze(0), tokenIds.count)
        }
        let classes = logits.rank == 2 ? logits.shape[1] : 1
        singleLogit = classes == 1
        if let t = target {
            let limit = max(classes, 2)
            guard t >= 0, t < limit else { throw TensorError.index("target class must be in 0..<\(limit), found \(t)") }
            self.target = t
        } else if classes == 1 {
            self.target = logits.floats[0] > 0 ? 1 : 0
        } else {
            self.target = try logits.argmax(dim: 1).ints.first.map(Int.init)
        }
        // Every unit loop runs over the names: a table row needs exactly one per feature.
        if kind == .tabular, !unitNames.isEmpty, unitNames.count != input.count {
            throw TensorError.value("names must give one name for each of the \(input.count) features, "
                                    + "found \(unitNames.count)")
        }
        self.unitNames = unitNames.isEmpty
            ? Explainee.defaultUnitNames(kind, input: input, tokenIds: tokenIds, patch: self.patch) : unitNames
    }

    /// Background inputs must be table rows [R ≥ 1, F] of the input's features, or images
    /// [R ≥ 1, C, H, W] of the input's size.
    static func check(background bg: Tensor, kind: InputKind, input: Tensor) throws {
        switch kind {
        case .tabular:
            guard bg.rank == 2, bg.shape[1] == input.shape[0] else {
                throw TensorError.shape("background rows must be [rows, \(input.shape.first ?? 0)] for a table row, "
                                        + "found \(bg.shape)")
            }
        case .image:
            guard bg.rank == input.rank + 1, Array(bg.shape.dropFirst()) == input.shape else {
                let size = input.shape.map(String.init).joined(separator: ", ")
                throw TensorError.shape("background images must be [images, \(size)] for this image, found \(bg.shape)")
            }
        case .text:
            throw TensorError.value("background inputs are for feature rows and images, not text")
        }
        guard bg.shape[0] > 0 else {
            throw TensorError.shape("background needs at least one row, found \(bg.shape) "
                                    + "(leave it out to use the baseline)")
        }
    }

    /// Unit names when none are given: x0, x1, … for features, token ids for text, and
    /// each patch's top-left "(row,col)" for images.
    static func defaultUnitNames(_ kind: InputKind, input: Tensor, tokenIds: [Int], patch: Int) -> [String] {
        switch kind {
        case .tabular: return (0..<input.count).map { "x\($0)" }
        case .text: return tokenIds.map(String.init)
        case .image:
            var names: [String] = []
            let (h, w) = (input.shape[1], input.shape[2])
            for r in stride(from: 0, to: h, by: patch) {
                for c in stride(from: 0, to: w, by: patch) { names.append("(\(r),\(c))") }
            }
            return names
        }
    }

    /// Text explained at the embedding layer: the input is the token embeddings, the
    /// baseline the embeddings of `baselineId` (pad, whose embedding is zero) at every position.
    public static func text(model: Model, ids: [Int], words: [String], target: Int?, output: OutputKind,
                            baselineId: Int = Vocabulary.pad) throws -> Explainee {
        try text(model: model, ids: ids, units: ids.indices.map { $0 }, names: words,
                 removedIds: [Int](repeating: baselineId, count: ids.count), target: target, output: output)
    }

    /// Text whose units group tokens: `units[t]` is the unit token t is a piece of (nil: a
    /// special token, never removed), `names` one name per unit, and `removedIds[t]` the id
    /// token t takes when its unit is removed. The baseline is the embeddings of `removedIds`
    /// (special tokens keep their own, as Captum's BERT tutorial keeps [CLS] and [SEP]).
    public static func text(model: Model, ids: [Int], units: [Int?], names: [String], removedIds: [Int],
                            target: Int?, output: OutputKind) throws -> Explainee {
        guard let tm = model.module as? TextClassifier, tm.readsText else { throw takesNoText(model) }
        guard !ids.isEmpty, !names.isEmpty else { throw TensorError.value("the text has no tokens to explain") }
        guard units.count == ids.count, removedIds.count == ids.count else {
            throw TensorError.shape("each of the \(ids.count) tokens needs a unit and a removed id, found "
                                    + "\(units.count) and \(removedIds.count)")
        }
        var covered = [Bool](repeating: false, count: names.count)
        for case let u? in units {
            guard u >= 0, u < names.count else {
                throw TensorError.index("a token's unit must be in 0..<\(names.count), found \(u)")
            }
            covered[u] = true
        }
        guard !covered.contains(false) else { throw TensorError.value("every unit of the text needs a token") }
        let idT = try Tensor(shape: [1, ids.count], ints: ids.map(Int64.init))
        let emb = try Tensor.withoutGrad { try tm.embedding.forward(idT).squeeze(0) }
        let removed = zip(ids, zip(units, removedIds)).map { id, ur in ur.0 == nil ? id : ur.1 }
        let baseIds = try Tensor(shape: [1, ids.count], ints: removed.map(Int64.init))
        let base = try Tensor.withoutGrad { try tm.embedding.forward(baseIds).squeeze(0) }
        let s = try Explainee(model: model, kind: .text, input: emb, baseline: base, target: target, output: output,
                              unitNames: names, tokenIds: ids)
        s.tokenUnits = units
        s.removedIds = removed
        return s
    }

    /// The same model, target, units, baseline and background at another point of input space
    /// (robustness metrics re-explain perturbed inputs with the same method).
    public func moved(to point: Tensor) throws -> Explainee {
        guard point.shape == input.shape else {
            throw TensorError.shape("a moved input must have the input's shape \(input.shape), found \(point.shape)")
        }
        let s = try Explainee(model: model, kind: kind, input: point, baseline: baseline, target: target,
                              output: output, unitNames: unitNames, tokenIds: tokenIds, background: background,
                              patch: patch)
        s.tokenUnits = tokenUnits
        s.removedIds = removedIds
        s.removedTokenName = removedTokenName
        s.chunk = chunk
        return s
    }

    /// Text: per-token scores added up per unit (special tokens left out).
    func unitSums(ofTokens perToken: [Double]) -> [Double] {
        if tokenUnits.count == unitCount, tokenUnits.enumerated().allSatisfy({ $0.element == $0.offset }) {
            return perToken
        }
        var out = [Double](repeating: 0, count: unitCount)
        for (t, u) in tokenUnits.enumerated() where t < perToken.count { if let u { out[u] += perToken[t] } }
        return out
    }

    /// Whether the model has one logit z (a sigmoid classifier): class 1 is z, class 0 is −z.
    public private(set) var singleLogit = false

    /// What f(x) is, for headers: "logit", "probability", or for class 0 of a one-logit model
    /// "−logit", since its score is the model's logit negated.
    public var outputDescription: String {
        singleLogit && target == 0 && output == .logit ? "−logit: the model's one logit, negated" : output.rawValue
    }

    public var unitCount: Int { unitNames.count }
    public var targetName: String {
        guard let t = target else { return "output" }
        if let named = model.module as? NamedClasses, t < named.classNames.count {
            // A one-output model's named output is its score itself (a similarity).
            return singleLogit ? named.classNames[t] : "class \(t) \"\(named.classNames[t])\""
        }
        if let tok = model.tokenizer, model.module is NextTokenModel {
            return "next \"" + tok.decode([t], skippingSpecialTokens: false) + "\""
        }
        // A character model's classes are characters: name the one explained.
        if let v = model.vocabulary, v.tokenizer == .characters, t > 1, t < v.tokens.count {
            let ch = v.tokens[t]
            return "next \"" + (ch == "\n" ? "⏎" : ch == " " ? "␣" : ch) + "\""
        }
        return "class \(t)"
    }

    /// The error for text given to a model that does not read text.
    static func takesNoText(_ model: Model) -> TensorError {
        TensorError.value("\(model.module.typeName) does not take text; explain a text classifier such as SentimentNet")
    }

    // MARK: scores

    static func rawLogits(_ tm: TextClassifier?, _ layer: Layer?, _ kind: InputKind, _ batch: Tensor,
                          _ length: Int) throws -> Tensor {
        if kind == .text, let tm {
            return try tm.logits(embedded: batch, lengths: [Int](repeating: length, count: batch.shape[0]))
        }
        guard let layer else { throw TensorError.value("the model cannot score this input") }
        return try layer.forward(batch)
    }

    /// The target's score for each point of a batch in input space: [N] (differentiable).
    public func score(_ batch: Tensor) throws -> Tensor {
        try select(Explainee.rawLogits(textModel, layer, kind, batch, tokenIds.count))
    }

    /// Picks the explained output from logits [N] / [N, 1] / [N, C].
    func select(_ logits: Tensor) throws -> Tensor {
        if logits.rank == 1 || (logits.rank == 2 && logits.shape[1] == 1) {
            let z = logits.rank == 2 ? try logits.squeeze(1) : logits
            // One logit: class 1's logit is z and class 0's is −z (so sigmoid gives each probability).
            let signed = target == 0 ? try z.neg() : z
            return output == .probability ? signed.sigmoid() : signed
        }
        guard logits.rank == 2 else {
            throw TensorError.shape("expected logits [batch, classes], found \(logits.shape)")
        }
        let t = target ?? 0
        guard t < logits.shape[1] else {
            throw TensorError.index("target class \(t) but the model has \(logits.shape[1]) outputs")
        }
        return output == .probability
            ? try logits.softmax(dim: 1).select(dim: 1, index: t) : try logits.select(dim: 1, index: t)
    }

    /// Scores without gradients, as Doubles, in chunks.
    public func scores(_ batch: Tensor) throws -> [Double] {
        try Tensor.withoutGrad {
            let n = batch.shape[0]
            var out: [Double] = []
            out.reserveCapacity(n)
            var start = 0
            while start < n {
                try Interruption.check()
                let end = min(n, start + chunk)
                let part = start == 0 && end == n ? batch : try batch.slice(dim: 0, start: start, end: end)
                out += try score(part).floats.map(Double.init)
                start = end
            }
            return out
        }
    }

    /// The score of the input itself, f(x), and of the baseline.
    public lazy var prediction: Double = (try? scores(input.unsqueeze(0)).first) ?? .nan
    public lazy var baselineScore: Double = (try? scores(baseline.unsqueeze(0)).first) ?? .nan

    /// Scores and their gradients with respect to each point of a batch [N, ...].
    /// Parameters are frozen meanwhile so no gradient accumulates on them.
    public func gradients(_ points: Tensor) throws -> (scores: [Double], grads: Tensor) {
        try Explainee.differentiating(model.module) {
            let x = try points.detach().requiringGrad()
            let s = try score(x)
            try s.sum().backward()
            guard let g = x.grad else { throw TensorError.value("the model's output does not depend on its input") }
            return (s.floats.map(Double.init), g)
        }
    }

    /// Runs `body` with gradients recorded and `module`'s parameters frozen, so that gradients reach
    /// only the tensors `body` asks for and none accumulates on the parameters.
    static func differentiating<T>(_ module: Module, _ body: () throws -> T) rethrows -> T {
        let params = module.parameters
        let wasFrozen = params.map(\.frozen)
        for p in params { p.frozen = true }
        defer { for (p, f) in zip(params, wasFrozen) { p.frozen = f } }
        let saved = GradMode.enabled
        GradMode.enabled = true
        defer { GradMode.enabled = saved }
        return try body()
    }

    // MARK: coalition games

    /// For images: the pixels (flat indices within one channel) of each unit.
    lazy var patchPixels: [[Int]] = {
        guard kind == .image, input.rank == 3 else { return [] }
        let (h, w) = (input.shape[1], input.shape[2])
        var out: [[Int]] = []
        for r in stride(from: 0, to: h, by: patch) {
            for c in stride(from: 0, to: w, by: patch) {
                var px: [Int] = []
                for rr in r..<min(h, r + patch) { for cc in c..<min(w, c + patch) { px.append(rr * w + cc) } }
                out.append(px)
            }
        }
        return out
    }()

    /// The value of each coalition (true = the unit keeps the input's value).
    /// Tables average over the background rows when there are any; text replaces removed
    /// tokens by `<pad>` (lengths unchanged); images set removed patches to the baseline.
    public func values(_ coalitions: [[Bool]]) throws -> [Double] {
        guard !coalitions.isEmpty else { return [] }
        let n = unitCount
        for c in coalitions where c.count != n {
            throw TensorError.shape("a coalition needs \(n) entries, found \(c.count)")
        }
        switch kind {
        case .tabular:
            let bgRows: [[Float]]
            if let bg = background {
                let F = bg.shape[1]
                bgRows = (0..<bg.shape[0]).map { Array(bg.floats[$0 * F..<($0 + 1) * F]) }
            } else {
                bgRows = [baseline.floats]
            }
            let R = bgRows.count
            let x = input.floats
            var out: [Double] = []
            out.reserveCapacity(coalitions.count)
            // Chunks of whole coalitions, each expanded over the background.
            let per = max(1, chunk / R)
            var start = 0
            while start < coalitions.count {
                let end = min(coalitions.count, start + per)
                var rows = [Float]()
                rows.reserveCapacity((end - start) * R * n)
                for c in coalitions[start..<end] {
                    for b in bgRows { for i in 0..<n { rows.append(c[i] ? x[i] : b[i]) } }
                }
                let s = try scores(Tensor(shape: [(end - start) * R, n], floats: rows))
                for k in 0..<(end - start) {
                    var acc = 0.0
                    for r in 0..<R { acc += s[k * R + r] }
                    out.append(acc / Double(R))
                }
                start = end
            }
            return out
        case .image:
            let C = input.shape[0], HW = input.shape[1] * input.shape[2]
            let x = input.floats, b = baseline.floats
            var rows = [Float]()
            rows.reserveCapacity(coalitions.count * x.count)
            for c in coalitions {
                var img = x
                for (u, keep) in c.enumerated() where !keep {
                    for ch in 0..<C { for p in patchPixels[u] { img[ch * HW + p] = b[ch * HW + p] } }
                }
                rows += img
            }
            return try scores(Tensor(shape: [coalitions.count] + input.shape, floats: rows))
        case .text:
            let rows = coalitions.map { c in
                tokenIds.indices.map { t in tokenUnits[t].map { c[$0] } ?? true ? tokenIds[t] : removedIds[t] }
            }
            return try tokenScores(rows, keepLength: true)
        }
    }

    /// Text: scores of token-id rows. `keepLength`: every row has the input's length (removed
    /// tokens are pads); otherwise rows may be shorter (removed words, as LIME does).
    public func tokenScores(_ rows: [[Int]], keepLength: Bool) throws -> [Double] {
        try tokenLogits(rows, keepLength: keepLength) { try self.select($0).floats.map(Double.init) }
    }

    /// Runs token-id rows through the text model in chunks and reads each chunk's logits
    /// [rows, classes] with `read` (an empty row is read as one unknown token).
    func tokenLogits<T>(_ rows: [[Int]], keepLength: Bool, _ read: (Tensor) throws -> [T]) throws -> [T] {
        guard let tm = textModel else { throw TensorError.value("token rows need a text model") }
        var out: [T] = []
        out.reserveCapacity(rows.count)
        let per = max(1, chunk / max(1, tokenIds.count))
        var start = 0
        try Tensor.withoutGrad {
            while start < rows.count {
                try Interruption.check()
                let end = min(rows.count, start + per)
                let part = rows[start..<end].map { $0.isEmpty ? [Vocabulary.unk] : $0 }
                let L = part.map(\.count).max() ?? 1
                var ids = [Int64](repeating: 0, count: part.count * L)
                for (r, row) in part.enumerated() { for (t, v) in row.enumerated() { ids[r * L + t] = Int64(v) } }
                let lengths = keepLength ? [Int](repeating: L, count: part.count) : part.map(\.count)
                out += try read(tm.logits(ids: Tensor(shape: [part.count, L], ints: ids), lengths: lengths))
                start = end
            }
        }
        return out
    }

    /// Reduces an attribution in input space to one score per unit: features as they are,
    /// tokens summed over the embedding, pixels summed over channels then over each patch.
    func perUnit(_ a: Tensor) -> [Double] {
        switch kind {
        case .tabular: return a.floats.map(Double.init)
        case .text:
            let T = a.shape[0], E = a.shape[1]
            return unitSums(ofTokens: (0..<T).map { t in (0..<E).reduce(0.0) { $0 + Double(a.floats[t * E + $1]) } })
        case .image:
            let C = a.shape[0], HW = a.shape[1] * a.shape[2]
            var px = [Double](repeating: 0, count: HW)
            for c in 0..<C { for p in 0..<HW { px[p] += Double(a.floats[c * HW + p]) } }
            return patchPixels.map { $0.reduce(0.0) { $0 + px[$1] } }
        }
    }
}
