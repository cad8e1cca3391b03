import Foundation
import Tensors

/// A rationale laid over an explanation's units: which units are in it, and how strongly
/// people rated them. Texts are compared letter by letter (accents folded, case and
/// punctuation ignored), so the text's words line up with any tokenizer's units — whole
/// words, WordPiece pieces, or words split at apostrophes.
public struct AlignedRationale {
    /// Whether each unit is part of the rationale.
    public let gold: [Bool]
    /// |rating| of each unit where known (the largest over the words it touches), else 0.
    public let relevance: [Double]
    /// Whether any word has a rating.
    public let graded: Bool

    public static func align(_ r: Rationale, units: [String]) throws -> AlignedRationale {
        guard r.size > 0 else { throw TensorError.value("the rationale marks no word") }
        return r.hasPositions ? try byPosition(r, units: units) : try byWord(r, units: units)
    }

    /// A rationale of a text: its letters must spell the units' letters (the explanation may
    /// stop early, as models cut long texts).
    static func byPosition(_ r: Rationale, units: [String]) throws -> AlignedRationale {
        let (_, owners) = TextWords.split(r.text ?? "")
        var textLetters: [Character] = [], textOwner: [Int?] = []
        for (i, ch) in (r.text ?? "").enumerated() {
            for l in TextWords.letters(String(ch)) { textLetters.append(l); textOwner.append(owners[i]) }
        }
        var unitLetters: [Character] = [], unitOf: [Int] = []
        for (u, name) in units.enumerated() {
            for l in TextWords.letters(name) { unitLetters.append(l); unitOf.append(u) }
        }
        guard unitLetters.count <= textLetters.count, Array(textLetters.prefix(unitLetters.count)) == unitLetters else {
            throw TensorError.value("the rationale's text is not the explained text: the rationale has the words "
                                    + r.words.joined(separator: " ") + "; the explanation has "
                                    + units.joined(separator: " "))
        }
        var gold = [Bool](repeating: false, count: units.count)
        var relevance = [Double](repeating: 0, count: units.count)
        var wordsOf = [Set<Int>](repeating: [], count: units.count)
        for (k, u) in unitOf.enumerated() {
            guard let w = textOwner[k] else { continue }
            wordsOf[u].insert(w)
            if r.marked[w] { gold[u] = true }
            if let rating = r.ratings[w] { relevance[u] = max(relevance[u], abs(rating)) }
        }
        // A unit without letters inside a marked word (the ' of don ' t) is part of it.
        for u in units.indices.dropFirst().dropLast() where wordsOf[u].isEmpty {
            if wordsOf[u - 1].intersection(wordsOf[u + 1]).contains(where: { r.marked[$0] }) { gold[u] = true }
        }
        guard gold.contains(true) else {
            throw TensorError.value("the explanation covers only the first \(units.count) units of the text, and "
                                    + "the rationale's words (" + r.rationaleWords.joined(separator: ", ")
                                    + ") come after them")
        }
        return AlignedRationale(gold: gold, relevance: relevance, graded: r.ratings.contains { $0 != nil })
    }

    /// A bare list of words: each marks every unit that spells it, or a run of units that
    /// spell it together ("don't" over the pieces don ' t).
    static func byWord(_ r: Rationale, units: [String]) throws -> AlignedRationale {
        let letters = units.map(TextWords.letters)
        var gold = [Bool](repeating: false, count: units.count)
        for word in r.words {
            let target = TextWords.letters(word)
            var found = false
            for start in units.indices where !target.isEmpty {
                var acc: [Character] = [], end = start
                while end < units.count, acc.count < target.count {
                    acc += letters[end]
                    end += 1
                    if letters[end - 1].isEmpty && acc.isEmpty { break }
                }
                if acc == target {
                    for u in start..<end { gold[u] = true }
                    found = true
                }
            }
            guard found else {
                throw TensorError.value("the rationale word \"\(word)\" is not in the explained text; its words are: "
                                        + units.joined(separator: ", "))
            }
        }
        return AlignedRationale(gold: gold, relevance: [Double](repeating: 0, count: units.count), graded: false)
    }
}
