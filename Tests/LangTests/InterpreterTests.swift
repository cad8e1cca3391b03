import XCTest
import Syntax
import Tensors
@testable import Lang

/// Runs a program and returns what it printed, one string per line.
func runProgram(_ source: String, _ interp: Interpreter = Interpreter()) throws -> [String] {
    var lines: [String] = []
    interp.output = { text, _ in lines += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    try interp.run(source)
    return lines
}

func runError(_ source: String) -> String {
    do { _ = try runProgram(source); return "no error" } catch { return "\(error)" }
}

final class InterpreterTests: XCTestCase {
    func testArithmeticOnNumbersStringsAndLists() throws {
        XCTAssertEqual(try runProgram("print(7 / 2, 7 % 3, -7 % 3, 2 ** 10, 2 ** -1, 9223372036854775807 + 1.0)"),
                       ["3.5 1 2 1024 0.5 9.223372036854776e+18"])
        XCTAssertEqual(try runProgram("print(\"ab\" + \"c\", [1] + [2], [0] * 3)"), ["abc [1, 2] [0, 0, 0]"])
    }

    func testVariablesUnpackingAndCompoundAssignment() throws {
        XCTAssertEqual(try runProgram("a, b = [1, [2, 3]]\nx, (y, z) = [1, [2, 3]]\na += 10\nprint(a, b, y, z)"), ["11 [2, 3] 2 3"])
        XCTAssertTrue(runError("a, b = [1, 2, 3]").contains("cannot unpack 3 values into 2 names"))
    }

    func testControlFlow() throws {
        let src = """
        total = 0
        for i in range(10) {
            if i % 2 == 0 { continue }
            if i > 7 { break }
            total += i
        }
        k = 0
        while k < 3 { k += 1 }
        print(total, k)
        """
        XCTAssertEqual(try runProgram(src), ["16 3"])
    }

    func testFunctionsDefaultsLabelsClosuresAndRecursion() throws {
        let src = """
        fn f(a, b = 10) { a + b }
        fn counter() { n = 0; fn() { outer n; n += 1; n } }
        c = counter(); c(); c()
        fn fib(k) { if k < 2 { return k }; fib(k - 1) + fib(k - 2) }
        print(f(1), f(1, 2), f(b: 3, a = 4), c(), fib(15))
        """
        XCTAssertEqual(try runProgram(src), ["1", "2", "11 3 7 3 610"], "the calls c() on their own show their values")
        XCTAssertTrue(runError("fn f(a) { a }\nf(b: 1)").contains("f has no parameter 'b'"))
        XCTAssertTrue(runError("fn f(a) { a }\nf()").contains("f needs argument 'a'"))
    }

    func testRunawayRecursionIsAnError() {
        XCTAssertTrue(runError("fn f(n) { f(n + 1) }\nf(0)").contains("maximum call depth"))
    }

    func testTensorsBindToTheEngine() throws {
        let out = try runProgram("""
        x = tensor([[1.0, 2.0], [3.0, 4.0]])
        print(x.shape, x.dtype, (x @ x).sum().item(), x[1, 0].item(), x[:, 1].tolist())
        w = tensor([1.0, 2.0], requires_grad: true)
        (w * w).sum().backward()
        print(w.grad.tolist(), (2 * x - 1)[0].tolist(), (x > 2).sum().item())
        """)
        XCTAssertEqual(out, ["[2, 2] float32 54.0 3.0 [2.0, 4.0]", "[2.0, 4.0] [1.0, 3.0] 2"])
    }

    func testTensorItemAssignmentAndBoolMask() throws {
        XCTAssertEqual(try runProgram("z = zeros(2, 2)\nz[1] = tensor([5.0, 6.0])\nprint(z.tolist(), z[z > 5].tolist())"),
                       ["[[0.0, 0.0], [5.0, 6.0]] [6.0]"])
    }

    func testBuiltinArgumentsAreChecked() {
        XCTAssertTrue(runError("zeros(2, dtype: \"complex\")").contains("dtype must be \"float32\", \"int64\" or \"bool\", found \"complex\""))
        XCTAssertTrue(runError("round(1.5, digitz: 1)").contains("round has no argument 'digitz'; expected x, digits"))
        XCTAssertTrue(runError("randn(2).sum(dim: \"a\")").contains("argument 'dim' must be an integer, found string"))
        XCTAssertTrue(runError("x = 1\nx.foo").contains("int has no property or method 'foo'"))
        XCTAssertTrue(runError("tensor([1.0]).sume()").contains("did you mean 'sum'?"))
    }

    func testErrorsCarryTheLocationOfTheFailingExpression() {
        do {
            _ = try runProgram("a = 1\nb = zeros(2) @ zeros(3)")
            XCTFail("expected an error")
        } catch let e as RuntimeError {
            XCTAssertEqual(e.line, 2)
            XCTAssertEqual(e.column, 14)
            XCTAssertTrue(e.message.contains("dot product of sizes 2 and 3"))
        } catch { XCTFail("\(error)") }
    }

    func testStateSurvivesAnError() throws {
        let interp = Interpreter()
        _ = try runProgram("x = 41", interp)
        XCTAssertThrowsError(try runProgram("x = undefined_name", interp))
        XCTAssertEqual(try runProgram("x + 1", interp), ["42"])
    }

    func testInterruptionStopsALoopAtASafePointWithVariablesIntact() throws {
        let interp = Interpreter()
        var polls = 0
        Interruption.poll = { polls += 1; return polls > 100 }   // polled at every step: a hundred steps in
        defer { Interruption.poll = { false } }
        XCTAssertThrowsError(try runProgram("i = 0\nwhile true { i += 1 }", interp)) { XCTAssertTrue($0 is Interrupted) }
        Interruption.poll = { false }
        let i = try runProgram("i", interp)
        XCTAssertGreaterThan(Int(i[0]) ?? 0, 0)
    }

    func testPrintingFollowsPyTorch() throws {
        let lines = try runProgram("print(tensor([1.5, -2.25]))\nprint(tensor([[1, 2], [3, 40]]))\nprint(arange(2000).float())")
        XCTAssertEqual(lines[0], "tensor([ 1.5000, -2.2500])  # [2] float32")
        XCTAssertEqual(lines[1], "tensor([[ 1,  2],")
        XCTAssertEqual(lines[2], "        [ 3, 40]])  # [2, 2] int64")
        XCTAssertEqual(lines[3], "tensor([   0.,    1.,    2.,  ..., 1997., 1998., 1999.])  # [2000] float32")
    }

    func testHelpComesFromTheRegistry() throws {
        let text = try runProgram("help(\"tensor.sum\")").joined(separator: "\n")
        XCTAssertTrue(text.hasPrefix("tensor.sum(dim: int? = nil, keepdim: bool = false) -> tensor"))
        XCTAssertTrue(text.contains("Example:"))
    }
}
