import XCTest
@testable import Syntax

/// An S-expression view of the AST, so tests can state the tree they expect.
func sexp(_ e: Expr) -> String {
    switch e.kind {
    case .integer(let i): return String(i)
    case .float(let d): return String(d)
    case .string(let s): return "\"\(s)\""
    case .bool(let b): return String(b)
    case .nilLiteral: return "nil"
    case .name(let n): return n
    case .list(let xs): return "[" + xs.map(sexp).joined(separator: " ") + "]"
    case .dict(let kv): return "{" + kv.map { sexp($0.key) + ":" + sexp($0.value) }.joined(separator: " ") + "}"
    case .tuple(let xs): return "(tuple " + xs.map(sexp).joined(separator: " ") + ")"
    case .unary(let op, let x): return "(\(op.rawValue) \(sexp(x)))"
    case .binary(let op, let a, let b): return "(\(op.rawValue) \(sexp(a)) \(sexp(b)))"
    case .logical(let op, let a, let b): return "(\(op.rawValue) \(sexp(a)) \(sexp(b)))"
    case .membership(let a, let b, let negated): return "(\(negated ? "not in" : "in") \(sexp(a)) \(sexp(b)))"
    case .call(let f, let args): return "(call \(sexp(f))" + args.map { " " + ($0.label.map { "\($0):" } ?? "") + sexp($0.value) }.joined() + ")"
    case .index(let b, let subs):
        return "(index \(sexp(b))" + subs.map { s -> String in
            switch s {
            case .index(let x): return " " + sexp(x)
            case .slice(let a, let b, let c): return " " + [a, b, c].map { $0.map(sexp) ?? "_" }.joined(separator: ":")
            }
        }.joined() + ")"
    case .member(let b, let n): return "(. \(sexp(b)) \(n))"
    case .function(let d): return "(fn \(d.parameters.map(\.name).joined(separator: " ")))"
    }
}

func expr(_ source: String) throws -> String {
    let p = try Parser.parse(source: source)
    guard p.statements.count == 1, case .expression(let e) = p.statements[0].kind else { return "not one expression" }
    return sexp(e)
}

func error(_ source: String) -> SyntaxError? {
    do { _ = try Parser.parse(source: source); return nil } catch let e as SyntaxError { return e } catch { return nil }
}

final class LexerTests: XCTestCase {
    func testNumbersStringsAndComments() throws {
        var lx = Lexer("x = 1_000 + .5e-1 'it\\'s' # note\n## prose\n#> out")
        let kinds = try lx.tokenize().map(\.kind)
        XCTAssertEqual(kinds, [.identifier("x"), .symbol("="), .number(1000, isInteger: true), .symbol("+"),
                               .number(0.05, isInteger: false), .string("it's"), .newline, .end])
        XCTAssertEqual(lx.comments.map(\.kind), [.plain, .prose, .output])
    }

    func testUnicodeEscapesAndBadEscapes() throws {
        var lx = Lexer(#""\u{1F600}\t""#)
        XCTAssertEqual(try lx.tokenize().first?.kind, .string("😀\t"))
        XCTAssertTrue(error(#""\q""#)?.message.contains("unknown escape") == true)
        XCTAssertTrue(error(#""abc"#)?.message.contains("unterminated string") == true)
        XCTAssertTrue(error("99999999999999999999")?.message.contains("too large") == true)
    }

    /// The largest integer, misplaced, is named in the error: its Double is 2^63, beyond Int
    /// (spelling it trapped; found by the short fuzz).
    func testTheLargestIntegerInAnErrorIsSpelledNotATrap() throws {
        XCTAssertThrowsError(try Parser.parse(source: "x = 9223372036854775807 9"))
        XCTAssertEqual(TokenKind.number(0x1p63, isInteger: true).spelling, "9.223372036854776e+18")
        XCTAssertEqual(TokenKind.number(-0x1p63, isInteger: true).spelling, "-9223372036854775808")
    }
}

final class ParserTests: XCTestCase {
    func testPowerBindsTighterThanUnaryMinusAndIsRightAssociative() throws {
        XCTAssertEqual(try expr("-2 ** 2"), "(- (** 2 2))")
        XCTAssertEqual(try expr("2 ** 3 ** 2"), "(** 2 (** 3 2))")
        XCTAssertEqual(try expr("2 ** -1"), "(** 2 (- 1))")
    }

    func testArithmeticComparisonAndLogicPrecedence() throws {
        XCTAssertEqual(try expr("1 + 2 * 3 - 4"), "(- (+ 1 (* 2 3)) 4)")
        XCTAssertEqual(try expr("a @ b * c"), "(* (@ a b) c)")
        XCTAssertEqual(try expr("not a == b and c or d"), "(or (and (not (== a b)) c) d)")
        XCTAssertEqual(try expr("x in xs"), "(in x xs)")
        XCTAssertEqual(try expr("x not in xs"), "(not in x xs)")
        XCTAssertEqual(try expr("a && !b || c"), "(or (and a (not b)) c)")
    }

    func testComparisonsDoNotChain() {
        XCTAssertTrue(error("a < b < c")?.message.contains("do not chain") == true)
    }

    func testPythonStatementsSayWhatXaiWritesInstead() throws {
        XCTAssertTrue(error("def f(x):\n    return x")?.message.contains("fn name(a, b = 1)") == true)
        XCTAssertEqual(error("def f(x):\n    return x")?.location.line, 1, "the error is the def line, not the next")
        XCTAssertTrue(error("import torch")?.message.contains("no 'import'") == true)
        XCTAssertTrue(error("from torch import nn")?.message.contains("no 'import'") == true)
        XCTAssertTrue(error("class Net(nn.Module):")?.message.contains("no classes") == true)
        // The same words as plain names still work.
        XCTAssertEqual(try expr("def"), "def")
        XCTAssertNil(error("from = 3\nclass = from + 1\nimport(2)"))
    }

    func testBracketChangeOfALineSkipsStringsAndComments() {
        XCTAssertEqual(Parser.bracketChange("x = [1,"), 1)
        XCTAssertEqual(Parser.bracketChange(" \"a]b\", '(', # ]]]"), 0)
        XCTAssertEqual(Parser.bracketChange(" 3]) }"), -3)
        XCTAssertEqual(Parser.bracketChange("s = \"esc\\\" ]\" + ["), 1)
        XCTAssertNil(Parser.bracketChange("s = \"open"))
    }

    func testCallsTakeLabelsInBothSpellings() throws {
        XCTAssertEqual(try expr("fit(model, lr: 0.1, epochs = 3)"), "(call fit model lr:0.1 epochs:3)")
        XCTAssertTrue(error("f(a: 1, 2)")?.message.contains("positional argument cannot follow") == true)
        XCTAssertTrue(error("f(a: 1, a: 2)")?.message.contains("given twice") == true)
    }

    func testMembersMethodsAndIndexing() throws {
        XCTAssertEqual(try expr("t.sum(dim: 1).shape"), "(. (call (. t sum) dim:1) shape)")
        XCTAssertEqual(try expr("x[0]"), "(index x 0)")
        XCTAssertEqual(try expr("x[:, 1:3]"), "(index x _:_:_ 1:3:_)")
        XCTAssertEqual(try expr("x[::2]"), "(index x _:_:2)")
        XCTAssertEqual(try expr("x[-1]"), "(index x (- 1))")
    }

    func testBracesAreDictsInExpressionsAndBlocksAfterKeywords() throws {
        XCTAssertEqual(try expr("{a: 1, \"b\": [2], }"), "{\"a\":1 \"b\":[2]}")
        XCTAssertEqual(try expr("{\n  a: 1,\n  b: 2\n}"), "{\"a\":1 \"b\":2}")
        let p = try Parser.parse(source: "if x { y = {k: 1} } else { z }")
        guard case .ifStmt(_, let then, let otherwise) = p.statements[0].kind else { return XCTFail("not an if") }
        XCTAssertEqual(then.count, 1)
        XCTAssertEqual(otherwise?.count, 1)
    }

    func testEveryStatementForm() throws {
        let src = """
        a, b = 1, 2
        x[0] = 1; m.lr = 0.1
        n += 1
        for i, w in pairs { continue }
        while n < 3 { break }
        fn f(a, b = 2) { return a + b }
        g = fn(x) { x * 2 }
        if a { } else if b { } else { }
        """
        let kinds = try Parser.parse(source: src).statements.map { s -> String in
            switch s.kind {
            case .assign(let t, _): if case .tuple = t { return "unpack" }; return "assign"
            case .compoundAssign: return "compound"
            case .forStmt: return "for"
            case .whileStmt: return "while"
            case .function: return "fn"
            case .ifStmt: return "if"
            default: return "other"
            }
        }
        XCTAssertEqual(kinds, ["unpack", "assign", "assign", "compound", "for", "while", "fn", "assign", "if"])
    }

    func testNewlinesInsideBracketsTrailingOperatorsAndMethodChainsContinue() throws {
        XCTAssertEqual(try Parser.parse(source: "f(1,\n  2)\nx = 1 +\n  2\ny = t\n  .sum()").statements.count, 3)
        let p = try Parser.parse(source: "fn f() {\n  a = 1\n  a\n}\nf()")
        XCTAssertEqual(p.statements.count, 2)
        XCTAssertEqual(p.statements[0].range, LineRange(firstLine: 1, lastLine: 4))
    }

    func testBlocksInsideParenthesesKeepTheirNewlines() throws {
        let p = try Parser.parse(source: "no_grad(fn() {\n  a = 1\n  a * 2\n})")
        guard case .expression(let e) = p.statements[0].kind, case .call(_, let args) = e.kind,
              case .function(let d) = args[0].value.kind else { return XCTFail("expected a call with a function") }
        XCTAssertEqual(d.body.count, 2)
    }

    func testErrorsNameWhatWasExpectedAndWhereTheOpeningWas() {
        let e = error("f(1, 2")
        XCTAssertEqual(e?.message, "expected ')' to close '(' opened at 1:2, found end of input")
        XCTAssertEqual(error("x = ")?.message, "expected a value after '=' at 1:3, found end of input")
        XCTAssertEqual(error("1 +* 2")?.message, "expected an expression, found '*'")
        XCTAssertEqual(error("f(]")?.location, SourceLocation(line: 1, column: 3, offset: 2))
        let rendered = error("y = (1 + )")?.render(source: "y = (1 + )")
        XCTAssertEqual(rendered, "error at 1:10: expected an expression, found ')'\n  y = (1 + )\n           ^")
        XCTAssertTrue(error("3 = x")?.message.contains("cannot assign") == true)
    }

    func testIncompleteInputAsksForMoreLines() {
        XCTAssertTrue(Parser.isIncomplete("fn f(x) {"))
        XCTAssertTrue(Parser.isIncomplete("x = [1,"))
        XCTAssertTrue(Parser.isIncomplete("y = 1 +"))
        XCTAssertTrue(Parser.isIncomplete("z = f(a) \\"))
        XCTAssertFalse(Parser.isIncomplete("x = 1"))
        XCTAssertFalse(Parser.isIncomplete("f(1))"))   // an error, not a continuation
        XCTAssertFalse(Parser.isIncomplete("\"abc"))    // unterminated strings are errors
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        XCTAssertNotNil(error(deep))
        let deepUnary = String(repeating: "-", count: 100_000) + "1"
        XCTAssertTrue(error(deepUnary)?.message.contains("nesting too deep") == true)
    }
}
