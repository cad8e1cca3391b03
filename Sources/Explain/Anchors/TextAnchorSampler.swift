import Foundation
import Tensors

/// Anchors for a text: a predicate per word ("the text keeps this word"). Perturbed texts
/// keep the anchor's words and lose each other word with probability 0.5, replaced by the
/// padding token or dropped, as anchor's text explainer does without a language model.
struct TextAnchorSampler: AnchorSampler {
    let subject: Explainee
    let target: Int
    let dropWords: Bool
    let removal = 0.5
    var random: RandomGenerator

    var predicateCount: Int { subject.unitCount }

    init(subject: Explainee, target: Int, dropWords: Bool, seed: UInt64) {
        self.subject = subject; self.target = target; self.dropWords = dropWords
        random = RandomGenerator(seed: seed)
    }

    /// The share of perturbed texts that keep every word of the anchor.
    func coverage(_ anchor: [Int]) -> Double { pow(1 - removal, Double(anchor.count)) }

    mutating func draw(_ anchor: [Int], _ n: Int) throws -> (holds: [Bool], same: [Bool]) {
        let units = subject.unitCount
        let anchored = Set(anchor)
        var holds = [Bool](repeating: true, count: n * units)
        var rows: [[Int]] = []
        rows.reserveCapacity(n)
        for i in 0..<n {
            for u in 0..<units where !anchored.contains(u) { holds[i * units + u] = random.uniformDouble() >= removal }
            var row: [Int] = []
            row.reserveCapacity(subject.tokenIds.count)
            for (t, id) in subject.tokenIds.enumerated() {
                let kept = subject.tokenUnits[t].map { holds[i * units + $0] } ?? true
                if kept { row.append(id) } else if !dropWords { row.append(subject.removedIds[t]) }
            }
            rows.append(row)
        }
        let decided = try subject.decisions(tokenRows: rows, keepLength: !dropWords)
        return (holds, decided.map { $0 == target })
    }

    func describe(_ k: Int) -> String { "\"" + subject.unitNames[k] + "\"" }
}
