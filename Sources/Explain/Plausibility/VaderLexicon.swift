import Foundation
import Tensors
import Training

/// The VADER sentiment lexicon (Hutto & Gilbert 2014): for 7,520 words and emoticons, the
/// mean valence that ten people gave it on −4…+4, and the spread of their ratings. Read from
/// data/vader_lexicon.tsv; for the 14 tokens listed twice the later row wins, as in VADER.
public struct VaderLexicon {
    public struct Entry: Equatable {
        public let mean: Double
        public let spread: Double
    }
    public let entries: [String: Entry]

    nonisolated(unsafe) static var shipped: VaderLexicon?

    /// The shipped lexicon, read once.
    public static func load() throws -> VaderLexicon {
        if let l = shipped { return l }
        let l = try read(Datasets.directory().appendingPathComponent("vader_lexicon.tsv"))
        shipped = l
        return l
    }

    public static func read(_ url: URL) throws -> VaderLexicon {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw TensorError(.file, "cannot read the VADER lexicon at \(url.path): \(error.localizedDescription)")
        }
        var entries: [String: Entry] = [:]
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() where i > 0 {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 3, let mean = Double(f[1]), let spread = Double(f[2]) else {
                throw TensorError(.file, "\(url.lastPathComponent) line \(i + 1) is not token, mean_valence, "
                                  + "std_dev: \"\(line)\"")
            }
            entries[String(f[0])] = Entry(mean: mean, spread: spread)
        }
        return VaderLexicon(entries: entries)
    }

    public func entry(_ word: String) -> Entry? { entries[word.lowercased()] }

    /// The human-rated rationale of a text: its words whose |mean rating| ≥ threshold, with
    /// every rated word's rating as graded relevance.
    public func rationale(_ text: String, threshold: Double = 1.0) throws -> Rationale {
        guard threshold >= 0, threshold.isFinite else {
            throw TensorError.value("the rating threshold must be a number ≥ 0, found \(threshold)")
        }
        let words = TextWords.split(text).words
        let found = words.map(entry)
        return Rationale(text: text, words: words, marked: found.map { ($0.map { abs($0.mean) } ?? -1) >= threshold },
                         ratings: found.map { $0?.mean }, spreads: found.map { $0?.spread },
                         source: "VADER (|mean rating| ≥ \(fmtNumber(threshold)))")
    }
}
