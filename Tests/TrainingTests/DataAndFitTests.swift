import Foundation
import XCTest
import Layers
import Tensors
@testable import Training

final class TableTests: XCTestCase {
    func testRaggedRowsAndNonNumbersNameTheirPlace() throws {
        XCTAssertThrowsError(try Table.parse("a,b,c\n1,2,3\n4,5\n", separator: ",", name: "t.csv")) {
            XCTAssertEqual("\($0)", "t.csv row 2 has 2 fields, expected 3 like the header")
        }
        let t = try Table.parse("a,b\n1,2\n3,x\n", separator: ",")
        XCTAssertThrowsError(try t.numbers(["a", "b"])) { XCTAssertEqual("\($0)", "row 2, column 'b': expected a number, found \"x\"") }
        XCTAssertThrowsError(try t.index(of: "c")) { XCTAssertTrue("\($0)".contains("no column 'c'; the columns are a, b")) }
        XCTAssertThrowsError(try Table.parse("", separator: ",")) { XCTAssertTrue("\($0)".contains("empty")) }
    }

    func testQuotedFieldsCRLFAndAByteOrderMarkReadAsRFC4180Says() throws {
        // A quoted header, a quoted separator, a doubled quote and a quoted CRLF inside a field;
        // CRLF line ends, a BOM, and a blank last line.
        let text = "\u{FEFF}\"a b\",\"say, hi\",label\r\n1,\"he said \"\"x\"\"\",0\r\n2,\"two\r\nlines\",1\r\n\r\n"
        let t = try Table.parse(text, separator: ",")
        XCTAssertEqual(t.columns, ["a b", "say, hi", "label"])
        XCTAssertEqual(t.rows, [["1", "he said \"x\"", "0"], ["2", "two\r\nlines", "1"]])
        // A TSV keeps commas and a quote inside a field that does not start with one.
        let tsv = try Table.parse("text\tlabel\r\nGood, cheap.\t1\r\nstrong.\"\t0\r\n", separator: "\t")
        XCTAssertEqual(tsv.rows, [["Good, cheap.", "1"], ["strong.\"", "0"]])
        // A quoted field that is never closed would swallow the rest of the file: an error that
        // names the line where it opens.
        XCTAssertThrowsError(try Table.parse("a,b,c\n1,2,3\n1,\"2,3\n4,5,6\n", separator: ",")) {
            XCTAssertEqual("\($0)", "table line 3: a quoted field starts there and is never closed (a field in quotes ends with \")")
        }
        XCTAssertNil(Table.unclosedQuote(in: "a,\"b\"\"c\"\n\"x\ny\",2\nq\"r,s\n", separator: UInt8(ascii: ",")))
        // Fewer fields than the header is its own error.
        XCTAssertThrowsError(try Table.parse("a,b,c\n1,2\n", separator: ",")) {
            XCTAssertEqual("\($0)", "table row 1 has 2 fields, expected 3 like the header")
        }
    }

    func testAHundredThousandColumnsReadInLinearTime() throws {
        let header = (0..<100_000).map { "c\($0)" }.joined(separator: ",")
        let row = [String](repeating: "1.5", count: 100_000).joined(separator: ",")
        let start = Date()
        let t = try Table.parse(header + "\n" + row + "\n", separator: ",")
        XCTAssertEqual(t.columns.count, 100_000)
        XCTAssertEqual(try t.numbers(["c99999"]).floats, [1.5])
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "a wide header must not cost quadratic time")
    }

    func testBundledDatasetsLoadWithTheirShapes() throws {
        XCTAssertEqual(try Datasets.load("iris").features?.shape, [150, 4])
        XCTAssertEqual(try Datasets.load("breast_cancer").features?.shape, [569, 30])
        XCTAssertEqual(try Datasets.load("digits").images(side: 8).features?.shape, [1797, 1, 8, 8])
        let s = try Datasets.load("sentiment")
        XCTAssertEqual(s.count, 3000)
        XCTAssertEqual(s.labels.ints.filter { $0 == 1 }.count, 1500)
        XCTAssertThrowsError(try Datasets.load("mnist")) { XCTAssertTrue("\($0)".contains("no bundled dataset 'mnist'")) }
    }
}

final class VocabularyTests: XCTestCase {
    func testOrderIsByCountThenAlphabeticalWithPadAndUnkFirst() {
        let v = Vocabulary(texts: ["b a", "a c", "c a!"])
        XCTAssertEqual(v.tokens, ["<pad>", "<unk>", "a", "c", "b"])
        XCTAssertEqual(v.encode("A zebra, c"), [2, 1, 3])
        XCTAssertEqual(v.encode("!!!"), [Vocabulary.unk], "an empty text is one <unk>")
        XCTAssertEqual(Vocabulary(texts: ["b a", "a c", "c a"], minCount: 2).tokens, ["<pad>", "<unk>", "a", "c"])
        XCTAssertEqual(Vocabulary(texts: ["b a", "a c", "c a"], maxSize: 3).tokens, ["<pad>", "<unk>", "a"])
    }

    func testTheReferenceTokenizerKeepsApostrophesAndDigits() {
        XCTAssertEqual(Tokenizer.words.tokens("I'd buy 2 of THESE—again."), ["i'd", "buy", "2", "of", "these", "again"])
        XCTAssertEqual(Tokenizer.characters.tokens("ab c"), ["a", "b", " ", "c"])
    }

    func testBatchesArePaddedWithTheirLengths() throws {
        let v = Vocabulary(texts: ["a b c"])
        let (ids, lengths) = try v.batch(["a b c", "c"])
        XCTAssertEqual(ids.shape, [2, 3])
        XCTAssertEqual(ids.ints, [2, 3, 4, 4, 0, 0])
        XCTAssertEqual(lengths, [3, 1])
        XCTAssertEqual(v.encode(String(repeating: "a ", count: 100)).count, 40, "at most 40 tokens")
    }
}

final class DatasetTests: XCTestCase {
    func testSplitsAreSeededAndCanFollowGivenIndices() throws {
        let d = try Datasets.load("iris")
        var g1 = RandomGenerator(seed: 5), g2 = RandomGenerator(seed: 5)
        let (a, b) = try d.split(0.8, using: &g1), (c, _) = try d.split(0.8, using: &g2)
        XCTAssertEqual(a.count, 120)
        XCTAssertEqual(b.count, 30)
        XCTAssertEqual(a.labels, c.labels)
        let (train, test) = try d.split(testIndices: [0, 50, 100])
        XCTAssertEqual(test.labels.ints, [0, 1, 2])
        XCTAssertEqual(train.count, 147)
        XCTAssertThrowsError(try d.split(testIndices: [1, 1]))
        XCTAssertThrowsError(try d.subset([150])) { XCTAssertTrue("\($0)".contains("out of range")) }
    }

    func testStandardisationUsesTheTrainingStatistics() throws {
        let d = try Datasets.load("wine")
        var g = RandomGenerator(seed: 1)
        let (train, test) = try d.split(0.8, using: &g)
        let s = try train.standardized()
        let means = try XCTUnwrap(s.features).mean(dim: 0).floats
        XCTAssertLessThan(means.map { abs($0) }.max() ?? 1, 1e-4)
        let t = try test.standardized(like: s)
        let expected = try XCTUnwrap(test.features).sub(XCTUnwrap(s.scaling?.mean)).div(XCTUnwrap(s.scaling?.std))
        XCTAssertEqual(t.features, expected)
    }
}

final class FitTests: XCTestCase {
    func makeModel() throws -> (Model, Dataset) {
        Random.seed(11)
        let data = try Datasets.load("iris").standardized()
        let mlp = Sequential([try Linear(4, 8), try Activation("relu"), try Linear(8, 3)])
        return (Model(mlp), data)
    }

    func testTrainingIsBitIdenticalForTheSameSeed() throws {
        func run() throws -> [Tensor] {
            let (m, d) = try makeModel()
            _ = try fit(m, d, epochs: 3, batchSize: 16, optimizer: try Adam(m.module.parameters, lr: 0.01))
            return m.module.stateDict().map(\.1)
        }
        XCTAssertEqual(try run(), try run())
    }

    func testTrainingLearnsAndEvaluationCountsEveryRow() throws {
        let (m, d) = try makeModel()
        let h = try fit(m, d, epochs: 30, batchSize: 16, optimizer: try Adam(m.module.parameters, lr: 0.02))
        XCTAssertLessThan(h.epochs.last?.loss ?? 1, h.epochs.first?.loss ?? 0)
        let e = try evaluate(m, d)
        XCTAssertGreaterThan(e.accuracy, 0.9)
        XCTAssertEqual(e.confusion.flatMap { $0 }.reduce(0, +), 150)
        XCTAssertNil(e.rocAUC, "no ROC AUC for three classes")
    }

    func testCtrlCStopsAfterTheCurrentBatchWithTheModelIntact() throws {
        let (m, d) = try makeModel()
        let before = m.module.stateDict().map(\.1)
        var polls = 0
        Interruption.poll = { polls += 1; return polls == 3 }
        defer { Interruption.poll = { false } }
        let h = try fit(m, d, epochs: 5, batchSize: 16, optimizer: try Adam(m.module.parameters, lr: 0.01))
        XCTAssertEqual(h.stopped?.epoch, 1)
        XCTAssertEqual(h.stopped?.batch, 3)
        XCTAssertNotEqual(m.module.stateDict().map(\.1), before, "three batches of learning are kept")
    }

    func testROCAUCByRanks() {
        XCTAssertEqual(rocAUC([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]), 0.75)
        XCTAssertEqual(rocAUC([1, 1, 1, 1], [0, 1, 0, 1]), 0.5, "ties count half")
        XCTAssertNil(rocAUC([0.2, 0.3], [1, 1]))
    }

    func testEmbeddingBagMeansLeaveOutPadding() throws {
        let bag = try EmbeddingBag(5, 2, mode: "mean", paddingIndex: 0)
        bag.weight.value = try Tensor(shape: [5, 2], floats: [9, 9, 1, 2, 3, 4, 5, 6, 7, 8]).requiringGrad()
        let out = try bag.forward(Tensor(shape: [2, 3], ints: [1, 2, 0, 0, 0, 4]))
        XCTAssertEqual(out.floats, [2, 3, 7, 8])
    }
}
