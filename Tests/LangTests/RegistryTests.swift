import Foundation
import XCTest
import Syntax
import TestSupport
@testable import Lang

/// The registry is the single source of every builtin's signature, defaults, help and example:
/// each default is a literal of its declared type, and each example runs in a fresh session.
final class RegistryTests: XCTestCase {
    var everyBuiltin: [Builtin] {
        let r = Interpreter.standardRegistry()
        var all = Array(r.functions.values)
        for (_, ms) in r.methods { all += ms.values }
        return all.sorted { $0.qualifiedName < $1.qualifiedName }
    }

    func testEveryBuiltinHasHelpAndWellFormedParameters() throws {
        let all = everyBuiltin
        XCTAssertGreaterThan(all.count, 120)
        for b in all {
            XCTAssertFalse(b.summary.isEmpty, "\(b.qualifiedName) has no summary")
            XCTAssertFalse(b.example.isEmpty, "\(b.qualifiedName) has no example")
            for p in b.params {
                XCTAssertFalse(p.name.isEmpty || p.name.contains(" "), "\(b.qualifiedName): bad parameter \(p.name)")
            }
        }
    }

    /// A default is said once, in the declaration; the accessors read it from there.
    func testEveryDeclaredDefaultIsALiteralOfItsType() throws {
        for b in everyBuiltin {
            for p in b.params {
                guard let text = p.defaultText else { continue }
                guard let v = p.defaultValue else {
                    XCTFail("\(b.qualifiedName): the default of \(p.name) is not a literal: \(text)"); continue
                }
                let base = p.type.hasSuffix("?") ? String(p.type.dropLast()) : p.type
                switch v {
                case .none: XCTAssertTrue(p.type.hasSuffix("?") || p.type == "any",
                                          "\(b.qualifiedName): \(p.name) defaults to nil but its type \(p.type) is not optional")
                case .int: XCTAssertTrue(["int", "float", "any"].contains(base), "\(b.qualifiedName): \(p.name) = \(text) is not \(p.type)")
                case .float: XCTAssertTrue(["float", "any"].contains(base), "\(b.qualifiedName): \(p.name) = \(text) is not \(p.type)")
                case .bool: XCTAssertTrue(["bool", "any"].contains(base), "\(b.qualifiedName): \(p.name) = \(text) is not \(p.type)")
                case .string: XCTAssertTrue(base == "string" || base == "any" || base.contains("|"),
                                            "\(b.qualifiedName): \(p.name) = \(text) is not \(p.type)")
                default: XCTFail("\(b.qualifiedName): \(p.name) has an unexpected default \(text)")
                }
            }
        }
    }

    func testAnOmittedArgumentTakesItsDeclaredDefault() throws {
        XCTAssertEqual(try runProgram("print(tensor([[1, 2], [3, 4]]).sum())"), ["tensor(10)  # [] int64"])
        XCTAssertTrue(runError("zeros(2).sum(keepdim: nil)").contains("needs argument 'keepdim'"))
    }

    /// Every help example runs without an error, each in a fresh session in a scratch folder.
    func testEveryRegistryExampleRuns() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("xai-examples-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        // Examples read the shipped data (data/iris.csv); whatever they write stays in the scratch folder.
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("data"),
                                                   withDestinationURL: repoRoot.appendingPathComponent("data"))
        for b in everyBuiltin {
            let interp = Interpreter()
            interp.baseDirectory = dir
            interp.output = { _, _ in }
            do { try interp.run(b.example, file: "help(\(b.qualifiedName))") } catch {
                XCTFail("\(b.qualifiedName)'s example fails: \(error)")
            }
        }
    }
}
