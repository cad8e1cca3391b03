import Foundation
import Tensors
import Training

/// A human rationale for one text: the words a person (or a lexicon of human ratings) marks
/// as the reason for its label. With a text, the words are the text's words in order and the
/// rationale has positions; a bare list of words has none, and every occurrence counts.
public struct Rationale: Equatable {
    /// The text the rationale is about; nil for a bare list of words.
    public var text: String?
    public var words: [String]
    /// Whether each word is part of the rationale.
    public var marked: [Bool]
    /// Graded relevance where known (VADER: the mean rating of ten people), and the raters' spread.
    public var ratings: [Double?]
    public var spreads: [Double?]
    /// Where it came from: "annotation", "marked text", "words", "vader (|rating| ≥ 1)".
    public var source: String

    public init(text: String?, words: [String], marked: [Bool], ratings: [Double?]? = nil, spreads: [Double?]? = nil,
                source: String) {
        self.text = text; self.words = words; self.marked = marked; self.source = source
        self.ratings = ratings ?? [Double?](repeating: nil, count: words.count)
        self.spreads = spreads ?? [Double?](repeating: nil, count: words.count)
    }

    public var rationaleWords: [String] { words.indices.filter { marked[$0] }.map { words[$0] } }
    public var size: Int { marked.filter { $0 }.count }
    public var hasPositions: Bool { text != nil }

    /// A bare list of words: each marks every unit that spells it.
    public static func words(_ list: [String]) throws -> Rationale {
        let w = list.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !w.isEmpty else { throw TensorError.value("a rationale needs at least one word, found an empty list") }
        if let blank = w.firstIndex(where: { $0.isEmpty }) {
            throw TensorError.value("rationale word \(blank + 1) is empty")
        }
        return Rationale(text: nil, words: w, marked: [Bool](repeating: true, count: w.count), source: "words")
    }

    /// Text with the rationale between asterisks: "The food was *not good* at all".
    public static func marked(_ marked: String) throws -> Rationale {
        guard marked.filter({ $0 == "*" }).count % 2 == 0 else {
            throw TensorError.value("a marked text needs its rationale between pairs of *, found an unmatched * in "
                                    + "\"\(marked)\"")
        }
        var plain = "", inside = false, spans: [Bool] = []
        for ch in marked {
            if ch == "*" { inside.toggle(); continue }
            plain.append(ch)
            spans.append(inside)
        }
        let (words, owners) = TextWords.split(plain)
        var flags = [Bool](repeating: false, count: words.count)
        for (i, owner) in owners.enumerated() { if let w = owner, spans[i] { flags[w] = true } }
        guard flags.contains(true) else {
            throw TensorError.value("the marked text marks no word: put the rationale between asterisks, "
                                    + "as in \"The food was *not good* at all\"")
        }
        return Rationale(text: plain, words: words, marked: flags, source: "marked text")
    }

    /// The text's words, marking those named in `chosen` (case-insensitive; every occurrence).
    public static func annotated(_ text: String, words chosen: [String]) throws -> Rationale {
        let words = TextWords.split(text).words
        guard !words.isEmpty else { throw TensorError.value("the text \"\(text)\" has no words to annotate") }
        let lower = words.map { $0.lowercased() }
        var flags = [Bool](repeating: false, count: words.count)
        for c in chosen {
            let w = c.trimmingCharacters(in: .whitespaces).lowercased()
            let hits = lower.indices.filter { lower[$0] == w }
            guard !hits.isEmpty else {
                throw TensorError.value("the word \"\(c)\" is not in the text; its words are: "
                                        + words.joined(separator: ", "))
            }
            for h in hits { flags[h] = true }
        }
        return Rationale(text: text, words: words, marked: flags, source: "annotation")
    }

    /// The text's words, marking those at the given positions (0-based).
    public static func annotated(_ text: String, positions: [Int]) throws -> Rationale {
        let words = TextWords.split(text).words
        guard !words.isEmpty else { throw TensorError.value("the text \"\(text)\" has no words to annotate") }
        var flags = [Bool](repeating: false, count: words.count)
        for p in positions {
            guard p >= 0, p < words.count else {
                throw TensorError.index("word numbers must be in 1…\(words.count), found \(p + 1)")
            }
            flags[p] = true
        }
        return Rationale(text: text, words: words, marked: flags, source: "annotation")
    }
}

/// The words of a text as lime's split_expression finds them ([^a-zA-Z0-9']+ separates), and
/// for each character of the text the word it belongs to (nil between words).
enum TextWords {
    static func split(_ text: String) -> (words: [String], owners: [Int?]) {
        var words: [String] = [], owners: [Int?] = [], cur = ""
        for ch in text {
            if isWordCharacter(ch) {
                cur.append(ch)
                owners.append(words.count)
            } else {
                if !cur.isEmpty { words.append(cur); cur = "" }
                owners.append(nil)
            }
        }
        if !cur.isEmpty { words.append(cur) }
        return (words, owners)
    }

    static func isWordCharacter(_ ch: Character) -> Bool {
        guard ch.unicodeScalars.count == 1, let u = ch.unicodeScalars.first else { return false }
        return (u >= "a" && u <= "z") || (u >= "A" && u <= "Z") || (u >= "0" && u <= "9") || u == "'"
    }

    /// The letters and digits of a piece of text as compared across tokenizers: accents
    /// folded, lower-cased, everything else dropped ("Don't" → "dont", "café" → "cafe").
    static func letters(_ s: String) -> [Character] {
        let folded = s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        return folded.filter { $0.isASCII && ($0.isLetter || $0.isNumber) }.map { $0 }
    }
}

extension Rationale {
    /// The words of a text as rationales number them.
    public static func words(ofText text: String) -> [String] { TextWords.split(text).words }

    /// One line of JSON: the text (null for a bare list), its words, the rationale's word
    /// positions, ratings and spreads (null where unknown), and the source.
    public var jsonLine: String {
        var f = JSONFields()
        if let t = text { f.add("text", t) } else { f.raw("text", "null") }
        f.add("words", words)
        f.add("rationale", words.indices.filter { marked[$0] })
        f.add("ratings", ratings.map { $0 ?? .nan })
        f.add("spreads", spreads.map { $0 ?? .nan })
        f.add("source", source)
        return f.text(oneLine: true)
    }

    /// Reads a line that `jsonLine` wrote.
    public static func fromJSON(_ line: String) throws -> Rationale {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(line.utf8)) } catch {
            throw TensorError.value("it is not JSON (\(line.prefix(60)))")
        }
        guard let o = object as? [String: Any], let words = o["words"] as? [String],
              let picked = o["rationale"] as? [Int] else {
            throw TensorError.value("it needs \"words\" (a list of strings) and \"rationale\" (word positions)")
        }
        var marked = [Bool](repeating: false, count: words.count)
        for p in picked {
            guard p >= 0, p < words.count else {
                throw TensorError.index("rationale position \(p) is outside the \(words.count) words")
            }
            marked[p] = true
        }
        func numbers(_ key: String) throws -> [Double?]? {
            guard let list = o[key] as? [Any] else { return nil }
            guard list.count == words.count else {
                throw TensorError.shape("\"\(key)\" needs one entry per word: \(words.count), found \(list.count)")
            }
            return list.map { ($0 as? NSNumber)?.doubleValue }
        }
        let text = o["text"] as? String
        if let text, TextWords.split(text).words != words {
            throw TensorError.value("its words are not the words of its text \"\(text)\"")
        }
        return Rationale(text: text, words: words, marked: marked, ratings: try numbers("ratings"),
                         spreads: try numbers("spreads"), source: o["source"] as? String ?? "file")
    }
}
