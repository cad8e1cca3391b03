import Foundation
import XCTest
@testable import Tensors

/// The shared folder beside the repository (reference numbers and data).
let sharedDir: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared")

let referenceDir = sharedDir.appendingPathComponent("reference")

/// Largest absolute difference between two tensors of the same shape (∞ if shapes differ).
func maxAbsDiff(_ a: Tensor, _ b: Tensor) -> Float {
    guard a.shape == b.shape else { return .infinity }
    let x = a.floatValues, y = b.floatValues
    var m: Float = 0
    for i in 0..<x.count {
        if x[i].isNaN != y[i].isNaN { return .infinity }
        if x[i].isInfinite || y[i].isInfinite { if x[i] != y[i] { return .infinity }; continue }
        m = max(m, abs(x[i] - y[i]))
    }
    return m
}

func assertClose(_ a: Tensor, _ b: Tensor, tol: Float, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, "\(what): shape", file: file, line: line)
    let d = maxAbsDiff(a, b)
    XCTAssertLessThanOrEqual(d, tol, "\(what): max |difference| \(d) exceeds \(tol)", file: file, line: line)
}

/// Runs `body`, expecting a TensorError whose message contains `fragment`.
func assertThrows(_ fragment: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
    do {
        _ = try body()
        XCTFail("expected an error containing “\(fragment)”", file: file, line: line)
    } catch {
        XCTAssertTrue("\(error)".contains(fragment), "error “\(error)” does not mention “\(fragment)”", file: file, line: line)
    }
}
