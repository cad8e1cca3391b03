import Foundation
import XCTest
@testable import Lang

/// Where a name lives: an assignment inside a function makes a variable of the function's own;
/// `outer name` lets a function change a variable outside it.
final class ScopeTests: XCTestCase {
    func testAnAssignmentInsideAFunctionLeavesTheSessionsVariableAlone() throws {
        XCTAssertEqual(try runProgram("x = 5\nfn f() { x = 10; x }\nprint(f(), x)"), ["10 5"])
        XCTAssertEqual(try runProgram("i = 100\nfn f() { for i in range(3) { }; i }\nprint(f(), i)"), ["2 100"])
        XCTAssertEqual(try runProgram("a = 1\nfn f() { a, b = [7, 8]; a + b }\nprint(f(), a)"), ["15 1"])
    }

    func testAFunctionReadsTheVariablesAroundIt() throws {
        XCTAssertEqual(try runProgram("rate = 3\nfn f(v) { v * rate }\nprint(f(2))"), ["6"])
        XCTAssertEqual(try runProgram("fn mk(k) { fn(v) { v + k } }\nadd2 = mk(2)\nprint(add2(5))"), ["7"])
    }

    func testOuterChangesTheVariableOutside() throws {
        XCTAssertEqual(try runProgram("n = 0\nfn inc() { outer n; n += 1 }\ninc()\ninc()\nprint(n)"), ["2"])
        let counter = "fn counter() { c = 0; fn() { outer c; c += 1; c } }\ntick = counter()\nfirst = tick()\nprint(first, tick())"
        XCTAssertEqual(try runProgram(counter), ["1 2"])
        XCTAssertEqual(try runProgram("a = 1\nb = 2\nfn f() { outer a, b; a = 10; b = 20 }\nf()\nprint(a, b)"),
                       ["10 20"])
    }

    func testChangingAMutableValueNeedsNoOuter() throws {
        XCTAssertEqual(try runProgram("xs = []\nfn add(v) { xs.append(v) }\nadd(1)\nadd(2)\nprint(xs)"), ["[1, 2]"])
        XCTAssertEqual(try runProgram("d = {}\nfn put(k) { d[k] = 1 }\nput(\"a\")\nprint(d)"), ["{\"a\": 1}"])
    }

    /// Code written for the old rule (an assignment changed the outer variable) gets an error
    /// that says what to write.
    func testReadingAnOwnVariableBeforeItHasAValueSaysToWriteOuter() {
        let message = runError("count = 0\nfn inc() { count += 1 }\ninc()")
        XCTAssertTrue(message.contains("'count' is assigned in 'inc'"), message)
        XCTAssertTrue(message.contains("write 'outer count'"), message)
    }

    func testOuterNeedsAFunctionAVariableAndNotAParameter() {
        XCTAssertTrue(runError("outer x").contains("'outer' belongs inside a function"))
        XCTAssertTrue(runError("fn f(a) { outer a }").contains("'a' is a parameter of this function"))
        let missing = runError("fn f() { outer nowhere; nowhere = 1 }\nf()")
        XCTAssertTrue(missing.contains("there is no variable 'nowhere' outside f"), missing)
        XCTAssertTrue(runError("fn f() { outer 3 }").contains("expected a variable name after 'outer'"))
    }

    func testASessionKeepsItsStateAfterTheseErrors() throws {
        let interp = Interpreter()
        _ = try runProgram("count = 7", interp)
        XCTAssertThrowsError(try runProgram("fn inc() { count += 1 }\ninc()", interp))
        XCTAssertEqual(try runProgram("print(count)", interp), ["7"])
    }
}
