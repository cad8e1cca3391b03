import Foundation
import Tensors

/// Texts turned into feature tables, so a sentence can be seen through different views:
/// which words it contains (learned from labels), and what human raters said those words
/// feel like (the VADER lexicon, knowledge from outside the labelled data).
public enum TextFeatures {
    /// Word presence (1 if the sentence contains the word) for every token of the
    /// vocabulary except <pad> and <unk>.
    public static func bagOfWords(_ data: Dataset, vocabulary: Vocabulary) throws -> Dataset {
        guard let texts = data.texts else {
            throw TensorError.value("bag_of_words needs a text dataset; \(data.name) holds features")
        }
        let F = vocabulary.count - 2
        guard F > 0 else { throw TensorError.value("the vocabulary has no words besides <pad> and <unk>") }
        var x = [Float](repeating: 0, count: texts.count * F)
        for (r, t) in texts.enumerated() {
            for tok in vocabulary.tokenizer.tokens(t) {
                let id = vocabulary.id(tok)
                if id >= 2 { x[r * F + id - 2] = 1 }
            }
        }
        return try Dataset(name: "\(data.name) words", inputs: .features(Tensor(shape: [texts.count, F], floats: x)),
                           labels: data.labels,
                           featureNames: Array(vocabulary.tokens.dropFirst(2)), classNames: data.classNames)
    }

    /// A sentiment lexicon: mean human valence ratings of words, from −4 to +4.
    public struct Lexicon {
        public let valence: [String: Double]

        /// VADER's lexicon (Hutto & Gilbert 2014), bundled as data/vader_lexicon.tsv.
        public static func vader() throws -> Lexicon {
            if let l = cached { return l }
            let t = try Table.read(try Datasets.directory().appendingPathComponent("vader_lexicon.tsv"))
            let ti = try t.index(of: "token"), vi = try t.index(of: "mean_valence")
            var v: [String: Double] = [:]
            for (r, row) in t.rows.enumerated() {
                guard let x = Double(row[vi]) else {
                    throw TensorError(.value, "vader_lexicon.tsv row \(r + 1): valence \"\(row[vi])\" is not a number")
                }
                v[row[ti]] = x
            }
            let lexicon = Lexicon(valence: v)
            cached = lexicon
            return lexicon
        }
        nonisolated(unsafe) static var cached: Lexicon?
    }

    public static let lexiconFeatureNames = ["compound", "positive", "negative", "strongest", "weakest", "rated_share",
                                             "negations", "exclamations", "but"]
    static let negations: Set<String> = ["not", "no", "never", "nothing", "nobody", "none", "nor", "neither", "nowhere",
                                         "cannot", "without"]

    /// Nine numbers per sentence from the lexicon, following VADER's rules where they apply:
    /// a rated word within three words after a negation counts −0.74 times its valence;
    /// compound = s/√(s² + 15) of the sum s. The others: sums of positive and of negative
    /// valence, the largest and smallest valence, the share of words that are rated, the
    /// number of negations and of "!", and whether "but" occurs.
    public static func lexiconFeatures(_ data: Dataset, lexicon: Lexicon) throws -> Dataset {
        guard let texts = data.texts else {
            throw TensorError.value("lexicon_features needs a text dataset; \(data.name) holds features")
        }
        let F = lexiconFeatureNames.count
        var x = [Float](repeating: 0, count: texts.count * F)
        for (r, text) in texts.enumerated() {
            let words = Tokenizer.words.tokens(text)
            var sum = 0.0, pos = 0.0, neg = 0.0, hi = 0.0, lo = 0.0, rated = 0, negationCount = 0
            var lastNegation = -10
            for (i, w) in words.enumerated() {
                if negations.contains(w) || w.hasSuffix("n't") { negationCount += 1; lastNegation = i; continue }
                guard var v = lexicon.valence[w] else { continue }
                if i - lastNegation <= 3 { v *= -0.74 }
                rated += 1
                sum += v
                if v > 0 { pos += v } else { neg -= v }
                hi = rated == 1 ? v : Swift.max(hi, v)
                lo = rated == 1 ? v : Swift.min(lo, v)
            }
            let values: [Double] = [sum / (sum * sum + 15).squareRoot(), pos, neg, hi, lo,
                                    words.isEmpty ? 0 : Double(rated) / Double(words.count), Double(negationCount),
                                    Double(text.filter { $0 == "!" }.count), words.contains("but") ? 1 : 0]
            for (j, v) in values.enumerated() { x[r * F + j] = Float(v) }
        }
        return try Dataset(name: "\(data.name) lexicon", inputs: .features(Tensor(shape: [texts.count, F], floats: x)),
                           labels: data.labels,
                           featureNames: lexiconFeatureNames, classNames: data.classNames)
    }
}
