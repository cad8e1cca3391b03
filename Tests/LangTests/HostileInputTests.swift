import XCTest
import Syntax
import Tensors
@testable import Lang

/// Inputs an attacker (or a typo) sends: each gives a value or an error that says what was
/// expected, never a wild memory access or a trap. Release builds run without bounds checks,
/// so these are checked before any unchecked loop.
final class HostileInputTests: XCTestCase {
    let huge = "9223372036854775807"

    func testSlicesWithAHugeStepTakeOneItem() throws {
        XCTAssertEqual(try runProgram("print([10, 20, 30][1::\(huge)])"), ["[20]"])
        XCTAssertEqual(try runProgram("print([10, 20, 30][1::-\(huge)])"), ["[20]"])
        XCTAssertEqual(try runProgram("print(\"abc\"[1::\(huge)])"), ["b"])
        XCTAssertEqual(try runProgram("print(\"abc\"[::-\(huge)])"), ["c"])
        XCTAssertEqual(try runProgram("print(arange(12).reshape(3, 4)[:, 1::\(huge)].shape)"), ["[3, 1]"])
        XCTAssertEqual(try runProgram("print(arange(12).reshape(3, 4)[:, 1::\(huge)].tolist())"), ["[[1], [5], [9]]"])
        XCTAssertEqual(try runProgram("print(arange(5)[5::\(huge)].shape)"), ["[0]"])
    }

    func testSlicesAgreeWithTheirDefinitionForEveryStep() throws {
        // Python's rule: start, start + step, … while before stop, for positive and negative steps.
        let items = Array(0..<7)
        for step in [1, 2, 3, 6, 7, 100, -1, -2, -5, -100] {
            for (a, b) in [(nil, nil), (1, 5), (-2, nil), (nil, -3), (6, 0)] as [(Int?, Int?)] {
                var expected: [Int] = []
                let n = items.count
                func norm(_ i: Int) -> Int { i < 0 ? i + n : i }
                if step > 0 {
                    var i = a.map { min(max(norm($0), 0), n) } ?? 0
                    let e = b.map { min(max(norm($0), 0), n) } ?? n
                    while i < e { expected.append(items[i]); i += step }
                } else {
                    var i = a.map { min(max(norm($0), -1), n - 1) } ?? n - 1
                    let e = b.map { min(max(norm($0), -1), n - 1) } ?? -1
                    while i > e { expected.append(items[i]); i += step }
                }
                let slice = "\(a.map(String.init) ?? ""):\(b.map(String.init) ?? ""):\(step)"
                XCTAssertEqual(try runProgram("print(\(items)[\(slice)])"), ["\(expected)"], slice)
                if step > 0 {
                    XCTAssertEqual(try runProgram("print(arange(7)[\(slice)].tolist())"), ["\(expected)"], "tensor " + slice)
                }
            }
        }
    }

    func testTheSmallestIntegerModuloMinusOneIsZero() throws {
        XCTAssertEqual(try runProgram("print((-\(huge) - 1) % -1)"), ["0"])
        XCTAssertEqual(try runProgram("print((tensor([-\(huge) - 1, 7]) % tensor([-1, -1])).tolist())"), ["[0, 0]"])
    }

    func testRepetitionBeyondTheLimitIsAnError() {
        for source in ["[1, 2] * \(huge)", "\"ab\" * \(huge)", "[1] * 20000000", "\"ab\" * -1"] {
            XCTAssertTrue(runError(source).contains("out of range"), source + ": " + runError(source))
        }
    }

    func testAnEmptyBackgroundIsAnError() {
        let program = """
        net = Sequential(Linear(4, 3))
        explain(net, randn(4), method: "METHOD", background: zeros(0, 4))
        """
        for method in ["kernel_shap", "shap", "permutation_shap"] {
            let message = runError(program.replacingOccurrences(of: "METHOD", with: method))
            XCTAssertTrue(message.contains("background needs at least one row"), method + ": " + message)
        }
    }

    func testPicturesOfInfiniteAndMissingValuesDoNotTrap() {
        for source in ["bar([\"a\"], [1e999])", "plot([1e308, -1e308])", "show(full([8, 8], 1e999 - 1e999))",
                       "bar([\"a\", \"b\"], [1e999 - 1e999, 1])", "plot([1e999 - 1e999, 1, 2])"] {
            // A value or an error, either is fine; a trap would end the test run.
            _ = runError(source)
        }
    }

    func testConversionsBeyondInt64AreErrorsNotWrappedValues() throws {
        for source in ["round(1e300)", "round(1e999 - 1e999)", "int(tensor(1e30))", "int(1e19)", "abs(-\(huge) - 1)"] {
            let message = runError(source)
            XCTAssertTrue(message.contains("out of int64's range") || message.contains("must be"), source + ": " + message)
        }
        XCTAssertEqual(try runProgram("print(round(2.5), int(-3.7), int(tensor(7)), abs(-\(huge)))"), ["3 -3 7 \(huge)"])
        for source in ["full([2], 1e30, dtype: \"int64\")", "full([2], 1e999 - 1e999, dtype: \"int64\")", "tensor([1e30]).long()",
                       "tensor([1.0, 1e999]).to(\"int64\")", "arange(1e19, 1e19 + 3, dtype: \"int64\")"] {
            XCTAssertTrue(runError(source).contains("outside int64's range") || runError(source).contains("cannot fill"), source + ": " + runError(source))
        }
        XCTAssertEqual(try runProgram("print(tensor([2.9, -2.9]).long().tolist(), full([1], 7.0, dtype: \"int64\").tolist())"), ["[2, -2] [7]"])
    }

    func testIntegerOverflowIsAnErrorNotAWrapOrAFloat() throws {
        let overflows = ["\(huge) + 1", "-\(huge) - 2", "\(huge) * 2", "2 ** 64", "3 ** 41", "-(-\(huge) - 1)",
                         "sum([\(huge), 1])",
                         "tensor([\(huge)]) + 1", "tensor([\(huge)]) * tensor([2])", "tensor([-\(huge), -2]) - 2",
                         "arange(3) * 4611686018427387904", "tensor([\(huge), 1]).sum()",
                         "tensor([[\(huge)], [1]]).sum(dim: 0)", "tensor([-\(huge) - 1]).abs()", "-tensor([-\(huge) - 1])"]
        for source in overflows {
            XCTAssertTrue(runError(source).contains("integer overflow: "), source + ": " + runError(source))
            XCTAssertTrue(runError(source).contains("is outside int64"), source)
        }
        // Right at the edges, and exact int64 sums where float32 would round (2^24 + 1).
        XCTAssertEqual(try runProgram("print(\(huge) - 1 + 1)"), [huge])
        XCTAssertEqual(try runProgram("print(2 ** 62, (-2) ** 63)"), ["4611686018427387904 -9223372036854775808"])
        XCTAssertEqual(try runProgram("print(tensor([[16777217, 1]]).sum(dim: 1).tolist())"), ["[16777218]"])
        XCTAssertEqual(try runProgram("print((tensor([\(huge)]).float() + 1).dtype)"), ["float32"])
    }

    func testAssigningThroughASliceWithAHugeStepWritesOneItem() throws {
        XCTAssertEqual(try runProgram("x = zeros(3)\nx[1::\(huge)] = 7\nprint(x.tolist())"), ["[0.0, 7.0, 0.0]"])
    }

    func testWindowsLineEndsReadAsNewLines() throws {
        XCTAssertEqual(try runProgram("x = 1\r\nif x == 1 {\r\n  print(\"one\")\r\n}\r\n"), ["one"])
    }


    func testEmptyTensorsWithAHugeDimensionAreRefusedWhereTheyAreMade() {
        for source in ["zeros(0, \(huge)).sum(dim: 0)", "zeros(3, 0) @ zeros(0, \(huge))", "tensor([]).reshape(0, \(huge))",
                       "zeros(0, 5).expand([\(huge), 0, 5])", "ones(1).expand([\(huge)])"] {
            XCTAssertTrue(runError(source).contains("too many elements"), source + ": " + runError(source))
        }
        XCTAssertEqual(try? runProgram("print(zeros(0, 3).sum(dim: 0).tolist(), (zeros(3, 0) @ zeros(0, 2)).shape)"), ["[0.0, 0.0, 0.0] [3, 2]"])
    }

    func testDeepExpressionsAndValuesRunOnTheLargeStack() throws {
        // What the xai command runs on: 10,000 terms, and values nested 100,000 deep (freed at the end).
        let program = "x = " + Array(repeating: "1", count: 10_000).joined(separator: "+") + "\nprint(x)\n"
            + "y = []\nfor i in range(100000) { y = [y] }\nprint(len(y))\n"
            + "d = {}\nfor i in range(100000) { d = {a: d} }\nprint(len(d))\n"
            + "print(len(str(y)), len(str(d)))\n"
        var lines: [String] = []
        try LargeStack.run {
            let interp = Interpreter()
            interp.stepBudget = nil
            lines = try runProgram(program, interp)
        }
        // Printing writes into one buffer: linear in the depth (it was quadratic, 12 s for 200,000).
        XCTAssertEqual(lines, ["10000", "1", "1", "200002 700002"])
    }

    func testTenThousandLongChainsGiveAValueOrALimitNeverAStackOverflow() throws {
        let n = 10_000
        var lines: [String] = []
        try LargeStack.run {
            lines = try runProgram("x = " + Array(repeating: "true", count: n).joined(separator: " and ") + "\nprint(x)")
        }
        XCTAssertEqual(lines, ["true"])
        for (source, limit) in [("fn f() { f }\nf" + String(repeating: "()", count: n), "expression too long"),
                                ("x = [1]\nx" + String(repeating: "[0]", count: n), "expression too long"),
                                ("d = {a: 1}\nd" + String(repeating: ".a", count: n), "expression too long"),
                                (String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n), "nested too deep"),
                                (String(repeating: "-", count: n) + "1", "nesting too deep")] {
            XCTAssertTrue(runError(source).contains(limit), String(source.prefix(30)) + ": " + String(runError(source).prefix(200)))
        }
    }

    func testATensorHasAtMost64Dimensions() {
        XCTAssertTrue(runError("zeros([1] * 100000)").contains("at most 64 dimensions, found 100000"))
        XCTAssertTrue(runError("zeros([1] * 64).reshape([1] * 65)").contains("at most 64 dimensions, found 65"))
        XCTAssertEqual(try? runProgram("print(zeros([1] * 64).ndim)"), ["64"])
    }

    func testInt64ValuesPrintAndCompareExactly() throws {
        XCTAssertEqual(try runProgram("t = tensor([\(huge), \(huge) - 1, -\(huge) - 1])\nprint(t)\nprint(t.max(), t.min(), t.argmin())"),
                       ["tensor([ 9223372036854775807,  9223372036854775806, -9223372036854775808])  # [3] int64",
                        "tensor(9223372036854775807)  # [] int64 tensor(-9223372036854775808)  # [] int64 tensor(2)  # [] int64"])
    }

    func testRangesBeyondTheElementLimitAreErrors() {
        XCTAssertTrue(runError("arange(0, 1e30)").contains("more than the limit"), runError("arange(0, 1e30)"))
        XCTAssertTrue(runError("arange(0, -1e30, step: -1)").contains("more than the limit"))
        XCTAssertEqual(try? runProgram("print(arange(5, 0).shape, arange(0, 1, 0.25).tolist())"), ["[0] [0.0, 0.25, 0.5, 0.75]"])
    }

    func testStringsBuiltBeyondTheLimitAreErrors() {
        // 1 MB, replaced 1,000-fold, and a list of 1,000 copies of 1 MB joined: both over 128 MiB.
        let big = "s = \"a\" * 1000000\n"
        XCTAssertTrue(runError(big + "s.replace(\"a\", \"b\" * 1000)").contains("more than the limit"))
        XCTAssertTrue(runError(big + "\"\".join([s] * 1000)").contains("more than the limit"))
        XCTAssertEqual(try? runProgram("print(\"a-b\".replace(\"-\", \"++\"), \", \".join([1, 2]))"), ["a++b 1, 2"])
    }

    func testClassLabelsOutsideTheirRangeAreErrorsWhereTheyAreRead() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("xai-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("a,b,target\n1,2,0\n3,4,1000000000\n".utf8).write(to: folder.appendingPathComponent("big.csv"))
        try Data("text\tlabel\ngood\t1\nbad\t-1\n".utf8).write(to: folder.appendingPathComponent("negative.tsv"))
        let interp = Interpreter()
        interp.baseDirectory = folder
        for (source, found) in [("load_csv(\"big.csv\", target: \"target\")", "found 1000000000 in row 2"),
                                ("load_tsv(\"negative.tsv\", text: \"text\", label: \"label\")", "found -1 in row 2")] {
            do { _ = try runProgram(source, interp); XCTFail(source) } catch {
                XCTAssertTrue("\(error)".contains("class labels must be whole numbers from 0 to 99999") && "\(error)".contains(found), "\(error)")
            }
        }
    }

    func testConvolutionPaddingIsCheckedForOverflow() {
        let setup = "x = randn(1, 1, 4, 4)\nw = randn(2, 1, 3, 3)\n"
        XCTAssertTrue(runError(setup + "conv2d(x, w, padding: \(huge))").contains("padding \(huge) is too large"))
        XCTAssertTrue(runError(setup + "conv2d(x, w, padding: 4611686018427387903)").contains("is too large"))
        XCTAssertTrue(runError(setup + "conv2d(x, w, padding: 100000)").contains("too many elements"))
        XCTAssertEqual(try? runProgram(setup + "print(conv2d(x, w, padding: 1).shape)"), ["[1, 2, 4, 4]"])
    }
}
