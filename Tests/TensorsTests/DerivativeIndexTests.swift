import Foundation
import XCTest
import TestSupport
@testable import Tensors

/// The derivative index (Sources/Tensors/Derivatives.swift) is complete and true:
/// - every op name the sources record (the first argument of each `recorded(…)` and `unary(…)`
///   call in Sources/Tensors) and every name the tape records while the gradient tests run
///   has an entry, and every entry is an op the sources record;
/// - every op has a gradient check: the finite-difference checks (GradCheckTests) or the
///   PyTorch references (OpsReferenceTests here, ReferenceLayerTests in LayersTests) record it;
/// - each entry names exactly the checks that record it, and the file that holds it.
/// Names are taken from the tape (`Tape.recordedNames`), so a check counts only if running it
/// really records the op.
final class DerivativeIndexTests: XCTestCase {
    static let sources = repoRoot.appendingPathComponent("Sources/Tensors")

    /// Calls whose op name is not a literal but a parameter passed on from the caller's own
    /// literal: the `unary` helper records the name each unary op gives it.
    static let forwardingCalls: Set<String> = ["Elementwise.swift: recorded(name"]

    /// Op names in the sources, each with where it is recorded ("File.swift:line"), and the
    /// calls whose first argument holds no string literal.
    static func namesInSources() throws -> (names: [String: [String]], computed: [String]) {
        var names: [String: [String]] = [:], computed: [String] = []
        let files = try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { $0.hasSuffix(".swift") }
        let call = try NSRegularExpression(pattern: #"(?<![\w])(recorded|unary)\(([^,]*),"#)
        let literal = try NSRegularExpression(pattern: #""([^"\\]*)""#)
        for file in files.sorted() {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.components(separatedBy: "\n").enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") || code.hasPrefix("///") || code.contains("func recorded(")
                    || code.contains("func unary(") { continue }
                let ns = line as NSString
                for m in call.matches(in: line, range: NSRange(location: 0, length: ns.length)) {
                    let argument = ns.substring(with: m.range(at: 2))
                    let found = literal.matches(in: argument, range: NSRange(location: 0, length: (argument as NSString).length))
                        .map { (argument as NSString).substring(with: $0.range(at: 1)) }
                    if found.isEmpty {
                        computed.append("\(file): \(ns.substring(with: m.range(at: 1)))(\(argument)")
                    }
                    for name in found { names[name, default: []].append("\(file):\(number + 1)") }
                }
            }
        }
        return (names, computed)
    }

    /// The names the tape records while every finite-difference check runs its function.
    static func namesFromGradChecks() throws -> Set<String> {
        var g = RandomGenerator(seed: 1234)
        return try Tape.recordedNames {
            for check in GradCheckTests.checks {
                _ = try check.f(GradCheckTests.inputs(for: check, using: &g).tensors)
            }
        }
    }

    /// The names the tape records while every case of ops.json runs.
    static func namesFromOpsReference() throws -> Set<String> {
        let (cases, tensors) = try OpsReferenceTests.load()
        return try Tape.recordedNames {
            for c in cases { _ = try OpsReferenceTests.apply(c, OpsReferenceTests.inputs(c, tensors)) }
        }
    }

    func testEveryRecordedOpHasAnEntryAndEveryEntryIsRecorded() throws {
        let (names, computed) = try DerivativeIndexTests.namesInSources()
        let seen = try DerivativeIndexTests.namesFromGradChecks().union(DerivativeIndexTests.namesFromOpsReference())
        let index = Set(Derivatives.entries.map(\.op))
        XCTAssertEqual(index.count, Derivatives.entries.count, "an op has two entries in the derivative index")
        for call in computed where !DerivativeIndexTests.forwardingCalls.contains(call) {
            XCTFail("\(call)…): an op recorded under a computed name; record a literal name (or add the call "
                    + "to DerivativeIndexTests.forwardingCalls if it passes on its caller's literal)")
        }
        for name in Set(names.keys).union(seen).subtracting(index).sorted() {
            XCTFail("op '\(name)' is recorded (\(names[name]?.joined(separator: ", ") ?? "by a test")) but has no "
                    + "entry in the derivative index (Sources/Tensors/Derivatives.swift)")
        }
        for name in index.subtracting(names.keys).sorted() {
            XCTFail("the derivative index lists '\(name)', which no recorded(…) or unary(…) call in Sources/Tensors records")
        }
    }

    func testEveryOpHasAGradientCheck() throws {
        let (names, _) = try DerivativeIndexTests.namesInSources()
        let finiteDifference = try DerivativeIndexTests.namesFromGradChecks()
        let reference = try DerivativeIndexTests.namesFromOpsReference()
        for name in names.keys.sorted() {
            let layers = Derivatives.entry(name)?.checks.contains(.pytorchLayers) ?? false
            if !finiteDifference.contains(name) && !reference.contains(name) && !layers {
                XCTFail("op '\(name)' (\(names[name]?.joined(separator: ", ") ?? "")) has neither a finite-difference "
                        + "check (Tests/TensorsTests/GradCheckTests.swift) nor a reference test against PyTorch")
            }
        }
        for entry in Derivatives.entries {
            XCTAssertFalse(entry.checks.isEmpty, "'\(entry.op)' names no gradient check in the derivative index")
            XCTAssertEqual(entry.checks.contains(.finiteDifference), finiteDifference.contains(entry.op),
                           "'\(entry.op)': the index says finiteDifference \(entry.checks.contains(.finiteDifference)), "
                           + "but the finite-difference checks \(finiteDifference.contains(entry.op) ? "" : "do not ")"
                           + "record it")
            XCTAssertEqual(entry.checks.contains(.pytorchOps), reference.contains(entry.op),
                           "'\(entry.op)': the index says pytorchOps \(entry.checks.contains(.pytorchOps)), "
                           + "but the cases of ops.json \(reference.contains(entry.op) ? "" : "do not ")record it")
        }
    }

    func testEntriesNameTheFilesThatHoldTheirOps() throws {
        let (names, _) = try DerivativeIndexTests.namesInSources()
        for entry in Derivatives.entries {
            let files = Set((names[entry.op] ?? []).map { String($0.prefix { $0 != ":" }) })
            XCTAssertTrue(files.contains(entry.file),
                          "'\(entry.op)' is recorded in \(files.sorted()), but the index says \(entry.file)")
            XCTAssertFalse(entry.derivative.isEmpty, "'\(entry.op)' has no derivative in the index")
        }
    }
}
