import Foundation
import Tensors
import Training

/// Shipped datasets, CSV and TSV files, and what a dataset can do (split, standardize, vocab…).
enum DatasetBuiltins {
    static func ds(_ d: Dataset) -> Value { .object(DatasetObject(d)) }

    static func register(_ r: Registry) {
        registerDatasets(r)
        registerDatasetMethods(r)
        registerVocabularies(r)
    }

    /// The shipped datasets, and datasets read from CSV and TSV files.
    static func registerDatasets(_ r: Registry) {
        r.function("dataset", "name: string", returns: "Dataset",
                   """
                   A dataset shipped with xai: sentiment, breast_cancer, wine, iris, digits; shakespeare is the text \
                   itself (see data/README.md for sources and licences).
                   """,
                   example: """
                   data = dataset("iris")
                   data
                   """) { c in
            let name = try c.string("name")
            if name == "shakespeare" { return .string(try Datasets.corpus(name)) }
            return ds(try Datasets.load(name))
        }
        r.function("corpus", "name: string", returns: "string", "A text corpus shipped with xai (shakespeare).",
                   example: "len(corpus(\"shakespeare\"))") { c in
            .string(try Datasets.corpus(c.string("name")))
        }
        r.function("load_csv", "path: string, target: string, features: list? = nil", returns: "Dataset",
                   """
                   Reads a CSV with a header: the target column becomes int labels, the rest (or features:) float \
                   features.
                   """,
                   details: "Ragged rows and non-numbers are errors that name the row and column.",
                   example: "load_csv(\"data/iris.csv\", target: \"target\")") { c in
            try table(c, separator: ",")
        }
        r.function("load_tsv", "path: string, text: string, label: string", returns: "Dataset",
                   "Reads a TSV of texts and integer labels (like sentiment.tsv).",
                   example: "load_tsv(\"data/sentiment.tsv\", text: \"text\", label: \"label\")") { c in
            let t = try Table.read(try c.interp.resolve(c.string("path")), separator: "\t")
            let ti = try t.index(of: c.string("text")), li = try t.index(of: c.string("label"))
            let labels = try t.rows.enumerated().map { i, row -> Int64 in
                guard let v = Int64(row[li].trimmingCharacters(in: .whitespaces)) else {
                    throw RuntimeError("row \(i + 1), column '\(t.columns[li])': expected an integer label, "
                        + "found \"\(row[li])\"")
                }
                return v
            }
            let name = URL(fileURLWithPath: try c.string("path")).deletingPathExtension().lastPathComponent
            return ds(try Dataset(name: name, inputs: .text(t.rows.map { $0[ti] }),
                                  labels: Tensor(shape: [labels.count], ints: labels)))
        }
    }

    /// A CSV (or other separated) table of numbers with a target column, as a dataset.
    static func table(_ c: Call, separator: Character) throws -> Value {
        let path = try c.string("path")
        let t = try Table.read(try c.interp.resolve(path), separator: separator)
        let target = try c.string("target")
        let names = try c.value("features").map { try c.interp.iterate($0).map(\.display) }
            ?? t.columns.filter { $0 != target }
        let x = try t.numbers(names)
        let y = try t.numbers([target]).reshape([-1])
        guard y.floats.allSatisfy({ $0 == $0.rounded() && $0 >= 0 }) else {
            throw RuntimeError("target column '\(target)' must hold class numbers 0, 1, 2…")
        }
        return ds(try Dataset(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent,
                              inputs: .features(x), labels: y.toInt(), featureNames: names))
    }

    static func dataset(_ c: Call) throws -> Dataset { try c.receiverObject(DatasetObject.self).dataset }

    static func registerDatasetMethods(_ r: Registry) {
        r.method("Dataset", "split", "fraction: float = 0.8, test: list? = nil", returns: "list",
                 "[train, test]: a seeded shuffle then the first fraction for training, or the given test row indices.",
                 example: """
                 seed(0)
                 train, test = dataset("iris").split(0.8)
                 [len(train), len(test)]
                 """) { c in
            let d = try dataset(c)
            let (a, b): (Dataset, Dataset)
            if let t = c.value("test") {
                let idx = try c.interp.iterate(t).map { try Convert.int($0, what: "test index") }
                (a, b) = try d.split(testIndices: idx)
            } else {
                (a, b) = try d.split(try c.double("fraction"), using: &Random.shared)
            }
            return .list([ds(a), ds(b)])
        }
        r.method("Dataset", "shuffle", "", returns: "Dataset", "The rows in a seeded random order.",
                 example: "dataset(\"iris\").shuffle()") { c in
            ds(try dataset(c).shuffled(using: &Random.shared))
        }
        r.method("Dataset", "standardize", "like: Dataset? = nil", returns: "Dataset",
                 """
                 Features scaled to mean 0 and standard deviation 1 per column, with this data's statistics or like:'s \
                 (use the training split's).
                 """,
                 example: """
                 train, test = dataset("wine").split(0.8)
                 train = train.standardize()
                 test = test.standardize(like: train)
                 """) { c in
            ds(try dataset(c).standardized(like: try c.value("like").map { try ModelArguments.data($0, "like") }))
        }
        r.method("Dataset", "images", "side: int = 8", returns: "Dataset",
                 "Feature rows reshaped to images [N, 1, side, side].",
                 example: "dataset(\"digits\").images()") { c in ds(try dataset(c).images(side: c.int("side"))) }
        r.method("Dataset", "subset", "indices: list", returns: "Dataset", "The rows at the given indices.",
                 example: "dataset(\"iris\").subset([0, 50, 100])") { c in
            ds(try dataset(c).subset(try c.list("indices").map { try Convert.int($0, what: "index") }))
        }
    }

    static func registerVocabularies(_ r: Registry) {
        r.method("Dataset", "vocab", "min_count: int = 1, max_size: int? = nil, tokenizer: string = \"words\"",
                 returns: "Vocabulary",
                 "A vocabulary of this text data's tokens (<pad> = 0, <unk> = 1; most frequent first).",
                 details: "tokenizer: \"words\" (lower-case runs of letters, digits and ') or \"characters\".",
                 example: "dataset(\"sentiment\").vocab(min_count: 2)") { c in
            let kind = try c.string("tokenizer")
            guard kind == "words" || kind == "characters" else {
                throw RuntimeError("vocab: tokenizer must be \"words\" or \"characters\", found \"\(kind)\"")
            }
            return .object(VocabObject(try dataset(c).vocabulary(minCount: c.int("min_count"),
                                                                  maxSize: try c.optionalInt("max_size"),
                                                                  tokenizer: kind == "words" ? .words : .characters)))
        }
        r.method("Vocabulary", "encode", "text: string", returns: "list",
                 "Token ids of a text (at most 40 tokens; unknown words are 1).",
                 example: "dataset(\"sentiment\").vocab().encode(\"not good at all\")") { c in
            .list(try c.receiverObject(VocabObject.self).vocabulary.encode(c.string("text")).map { .int($0) })
        }
    }
}
