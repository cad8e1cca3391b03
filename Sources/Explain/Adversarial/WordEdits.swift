import Foundation
import Layers
import Tensors
import Training

/// One word changed by the word search: replaced by `new`, or deleted (`new` nil).
public struct WordEdit: Equatable, Sendable {
    /// The word's place in the original text.
    public let position: Int
    public let old: String
    public let new: String?
}

/// The fewest word edits the greedy search found that change a text classifier's decision.
public struct WordEditResult {
    /// The original words, and what each is now (nil: deleted).
    public let words: [String]
    public let current: [String?]
    public let edits: [WordEdit]
    public let before: Prediction
    public let after: Prediction
    /// The class asked for; nil: any class but the predicted one.
    public let target: Int?
    /// How many edited sentences the model scored.
    public let evaluations: Int

    public var flipped: Bool { target.map { after.cls == $0 && before.cls != $0 } ?? (after.cls != before.cls) }
    public var editedText: String { current.compactMap { $0 }.joined(separator: " ") }
}

/// A word-level search for the edits that flip a text classifier, greedy by importance:
/// each round scores every sentence with one unedited word deleted (one batch), takes the words whose
/// deletion helps most, proposes substitutes for them by HotFlip's first-order estimate
/// (Ebrahimi et al. 2018: the change of the log-probability is about (e_new − e_old)·∇ at the word's
/// embedding, over the whole vocabulary), scores those in one batch, and keeps the best edit.
/// Word models substitute vocabulary words; subword models whole words that are one piece.
public enum WordSearch {
    public static func run(_ model: Model, text: String, maxEdits: Int, target: Int? = nil, positions: Int = 6,
                           candidates: Int = 12) throws -> WordEditResult {
        guard (1...50).contains(maxEdits) else {
            throw TensorError.value("max_edits must be between 1 and 50, found \(maxEdits)")
        }
        guard let tm = model.module as? TextClassifier, tm.readsText else { throw Explainee.takesNoText(model) }
        var s = try WordSentence(model, text)
        let before = try s.predictions(tm, [s.ids()])[0]
        if let t = target {
            let n = before.probabilities.count
            guard t >= 0, t < n else { throw TensorError.index("target class must be in 0..<\(n), found \(t)") }
        }
        let goal = Goal(original: before.cls, target: target)
        let vocabulary = try s.candidateIds(tm)
        var edits: [WordEdit] = [], evaluations = 0, now = before
        while edits.count < maxEdits, !goal.reached(now) {
            try Interruption.check()
            var options = s.deletions()
            let deleted = try s.predictions(tm, options.map(\.ids))
            evaluations += options.count
            // The words whose deletion helps most get substitutes.
            let ranked = options.indices.sorted { goal.cost(deleted[$0]) < goal.cost(deleted[$1]) }
            let slots = ranked.prefix(positions).map { options[$0].slot }
            var outcomes = deleted
            if !slots.isEmpty, !vocabulary.isEmpty {
                let subs = try s.substitutions(tm, slots: slots, vocabulary: vocabulary, goal: goal, per: candidates)
                outcomes += try s.predictions(tm, subs.map(\.ids))
                evaluations += subs.count
                options += subs
            }
            guard let best = options.indices.min(by: { a, b in
                let (fa, fb) = (goal.reached(outcomes[a]), goal.reached(outcomes[b]))
                return fa != fb ? fa : goal.cost(outcomes[a]) < goal.cost(outcomes[b])
            }), goal.reached(outcomes[best]) || goal.cost(outcomes[best]) < goal.cost(now) else { break }
            edits.append(s.apply(options[best]))
            now = outcomes[best]
        }
        return WordEditResult(words: s.words, current: s.current, edits: edits, before: before, after: now,
                              target: target, evaluations: evaluations)
    }
}

/// What the search minimises: how far the original class's logit leads the others, or how far the
/// target's trails the best other (logit margins, which keep their resolution where probabilities saturate).
struct Goal {
    let original: Int
    let target: Int?
    func cost(_ p: Prediction) -> Double { target.map { -p.margin(of: $0) } ?? p.margin(of: original) }
    func reached(_ p: Prediction) -> Bool { target.map { p.cls == $0 && original != $0 } ?? (p.cls != original) }
    /// The class whose log-probability's gradient guides substitutions, and which way it should move.
    var gradientClass: Int { target ?? original }
    var direction: Double { target == nil ? -1 : 1 }
}

/// A candidate edit: the sentence's ids after it, the word slot and its new piece (nil: deleted).
struct WordOption {
    let ids: [Int]
    let slot: Int
    let newId: Int?
}

/// A text as word slots, each holding its token ids (empty once deleted), between fixed special tokens.
struct WordSentence {
    var prefix: [Int] = [], suffix: [Int] = []
    var slots: [[Int]] = []
    var edited: [Bool] = []
    var words: [String] = []
    var current: [String?] = []
    let pad: Int
    let tokenizer: SubwordTokenizer?
    let vocabulary: Vocabulary?

    init(_ model: Model, _ text: String) throws {
        tokenizer = model.tokenizer
        vocabulary = model.vocabulary
        if let tok = model.tokenizer {
            pad = tok.paddingId
            var enc = try tok.encode(text, pair: nil, specialTokens: true)
            if let bounded = model.module as? BoundedTextModel { enc = enc.truncated(to: bounded.maxTokens) }
            var slotOf: [Int: Int] = [:]
            for (t, id) in enc.ids.enumerated() {
                guard let w = enc.wordOf[t], !enc.special[t] else {
                    if slots.isEmpty { prefix.append(id) } else { suffix.append(id) }
                    continue
                }
                if let s = slotOf[w] { slots[s].append(id); continue }
                slotOf[w] = slots.count
                slots.append([id])
                words.append(SubwordText.display(w < enc.words.count ? enc.words[w] : "?"))
            }
        } else {
            guard let v = model.vocabulary else {
                throw TensorError.value("a word search needs the model's vocabulary: "
                                        + "set model.vocab = data.vocab() first")
            }
            guard v.tokenizer != .characters else {
                throw TensorError.value("a word search needs a word-level model; this one reads characters")
            }
            pad = Vocabulary.pad
            words = Explainer.words(text)
            slots = words.map { [v.id($0.lowercased())] }
        }
        guard !slots.isEmpty else { throw TensorError.value("the text \"\(text)\" has no words to edit") }
        edited = [Bool](repeating: false, count: slots.count)
        current = words
    }

    func ids(_ slots: [[Int]]) -> [Int] { prefix + slots.flatMap { $0 } + suffix }
    func ids() -> [Int] { ids(slots) }

    /// The word a piece id stands for.
    func word(_ id: Int) -> String {
        if let tok = tokenizer {
            return SubwordText.display(tok.readablePiece(tok.token(of: id) ?? "?", id: id))
        }
        guard let v = vocabulary, id >= 0, id < v.tokens.count else { return "id \(id)" }
        return v.tokens[id]
    }

    /// The ids a word may become: vocabulary words (not <pad>, <unk>), or for a subword tokenizer the
    /// pieces that are whole words (letters only, not a continuation "##…", not a special token).
    func candidateIds(_ tm: TextClassifier) throws -> [Int] {
        let rows = tm.embedding.weight.value.shape[0]
        if let tok = tokenizer {
            return (0..<min(rows, tok.vocabularySize)).filter { id in
                guard let piece = tok.token(of: id) else { return false }
                let readable = tok.readablePiece(piece, id: id)
                let body = tok.kind == "WordPiece" ? Substring(readable)
                    : readable.first == " " ? readable.dropFirst() : ""
                return !body.isEmpty && !piece.hasPrefix("##") && body.allSatisfy(\.isLetter)
            }
        }
        return Array(min(2, rows)..<min(rows, vocabulary?.tokens.count ?? rows))
    }

    /// Every unedited word deleted in turn (none when one word is left).
    func deletions() -> [WordOption] {
        let live = slots.filter { !$0.isEmpty }.count
        guard live > 1 else { return [] }
        return slots.indices.filter { !edited[$0] && !slots[$0].isEmpty }.map { s in
            var copy = slots
            copy[s] = []
            return WordOption(ids: ids(copy), slot: s, newId: nil)
        }
    }

    /// The `per` best substitutes of each slot by HotFlip's estimate (e_v − e_old)·∇ log p(class).
    func substitutions(_ tm: TextClassifier, slots chosen: [Int], vocabulary: [Int], goal: Goal,
                       per: Int) throws -> [WordOption] {
        let grad = try embeddingGradient(tm, ids(), cls: goal.gradientClass)
        let table = tm.embedding.weight.value
        let E = table.floats, D = table.shape[1], P = chosen.count
        // The gradient at each chosen word's first piece, and e_old·∇ summed over its pieces.
        var first = [Float](), old = [Double]()
        for s in chosen {
            let start = prefix.count + slots[..<s].reduce(0) { $0 + $1.count }
            first += grad[start * D..<(start + 1) * D]
            var dot = 0.0
            for (k, id) in slots[s].enumerated() {
                for d in 0..<D { dot += Double(E[id * D + d]) * Double(grad[(start + k) * D + d]) }
            }
            old.append(dot)
        }
        // e_v·∇ for the whole vocabulary and every chosen word at once: [V, P].
        let dots = try Tensor.withoutGrad {
            try table.matmul(Tensor(shape: [P, D], floats: first).transpose(0, 1)).floats
        }
        var options: [WordOption] = []
        for (p, s) in chosen.enumerated() {
            var scored: [(Double, Int)] = []
            scored.reserveCapacity(vocabulary.count)
            for v in vocabulary where !(slots[s].count == 1 && slots[s][0] == v) {
                scored.append((goal.direction * (Double(dots[v * P + p]) - old[p]), v))
            }
            scored.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 < $1.1 }
            for (_, v) in scored.prefix(per) {
                var copy = slots
                copy[s] = [v]
                options.append(WordOption(ids: ids(copy), slot: s, newId: v))
            }
        }
        return options
    }

    /// ∇ log p(class) with respect to each token's embedding: [T × E] flat.
    func embeddingGradient(_ tm: TextClassifier, _ ids: [Int], cls: Int) throws -> [Float] {
        try Explainee.differentiating(tm) {
            let idT = try Tensor(shape: [1, ids.count], ints: ids.map(Int64.init))
            let emb = try tm.embedding.forward(idT).detach().requiringGrad()
            let logp = try WordSentence.twoClass(tm.logits(embedded: emb, lengths: [ids.count])).logSoftmax(dim: 1)
            try logp.select(dim: 1, index: cls).sum().backward()
            guard let g = emb.grad else { throw TensorError.value("the model's output does not depend on its words") }
            return g.floats
        }
    }

    /// Logits [N, C ≥ 2]: a one-logit model z as [0, z].
    static func twoClass(_ z: Tensor) throws -> Tensor {
        if z.rank == 2, z.shape[1] >= 2 { return z }
        let column = z.rank == 1 ? try z.unsqueeze(1) : z
        return try Tensor.cat([Tensor.zeros(column.shape), column], dim: 1)
    }

    /// The prediction for each id row, in batches (rows padded with the padding id; lengths kept).
    func predictions(_ tm: TextClassifier, _ rows: [[Int]]) throws -> [Prediction] {
        var out: [Prediction] = []
        out.reserveCapacity(rows.count)
        var start = 0
        try Tensor.withoutGrad {
            while start < rows.count {
                let end = min(rows.count, start + 256)
                let part = rows[start..<end]
                let L = part.map(\.count).max() ?? 1
                var flat = [Int64](repeating: Int64(pad), count: part.count * L)
                for (r, row) in part.enumerated() { for (t, v) in row.enumerated() { flat[r * L + t] = Int64(v) } }
                let logits = try tm.logits(ids: Tensor(shape: [part.count, L], ints: flat), lengths: part.map(\.count))
                out += Classifier.predictions(try WordSentence.twoClass(logits))
                start = end
            }
        }
        return out
    }

    /// Makes an edit; returns it as the word diff records it.
    mutating func apply(_ o: WordOption) -> WordEdit {
        let new = o.newId.map(word)
        slots[o.slot] = o.newId.map { [$0] } ?? []
        edited[o.slot] = true
        current[o.slot] = new
        return WordEdit(position: o.slot, old: words[o.slot], new: new)
    }
}
