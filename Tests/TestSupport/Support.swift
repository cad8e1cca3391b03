import Foundation
import XCTest
import Tensors

/// Helpers shared by every test target: where the repository and the shared reference
/// folder are, how to compare tensors and numbers, and how to expect an error.

/// The repository's root folder (docs/, scripts/, Sources/).
public let repoRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The shared folder beside the repository (reference numbers and data).
public let sharedDir: URL = repoRoot.deletingLastPathComponent().appendingPathComponent("shared")

/// `../shared/reference`: numbers from PyTorch, Captum, shap, lime and transformers.
public let referenceDir = sharedDir.appendingPathComponent("reference")

/// One folder of ../shared/reference: its weights, its inputs and outputs, and case.json.
public struct ReferenceCase {
    public let model: [String: Tensor]
    public let io: [String: Tensor]
    public let json: [String: Any]

    public init(_ name: String) throws {
        let dir = referenceDir.appendingPathComponent(name)
        model = try SafeTensors.read(contentsOf: dir.appendingPathComponent("model.safetensors"))
        io = try SafeTensors.read(contentsOf: dir.appendingPathComponent("io.safetensors"))
        let json = try Data(contentsOf: dir.appendingPathComponent("case.json"))
        self.json = try JSONSerialization.jsonObject(with: json) as? [String: Any] ?? [:]
    }

    /// The case's tolerance (case.json's "tolerance"), or `fallback`.
    public func tolerance(_ fallback: Float = 1e-5) -> Float {
        Float((json["tolerance"] as? Double) ?? Double(fallback))
    }

    public func tensor(_ key: String) throws -> Tensor {
        guard let t = io[key] else { throw TensorError.value("reference has no \(key)") }
        return t
    }

    /// Row r of a [rows, ...] reference tensor, as Doubles.
    public func row(_ key: String, _ r: Int) throws -> [Double] {
        try tensor(key).select(dim: 0, index: r).floatValues.map(Double.init)
    }
}

/// Largest absolute difference between two tensors of the same shape (∞ if shapes differ).
public func maxAbsDiff(_ a: Tensor, _ b: Tensor) -> Float {
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

/// Two tensors have the same shape and differ by at most `tol` anywhere.
public func assertClose(_ a: Tensor, _ b: Tensor, tol: Float, _ what: String,
                        file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.shape, b.shape, "\(what): shape", file: file, line: line)
    let d = maxAbsDiff(a, b)
    XCTAssertLessThanOrEqual(d, tol, "\(what): max |difference| \(d) exceeds \(tol)", file: file, line: line)
}

/// Two lists of numbers have the same length and differ by at most `tol` anywhere.
public func assertClose(_ got: [Double], _ want: [Double], _ tol: Double, _ what: String,
                        file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(got.count, want.count, "\(what): count", file: file, line: line)
    let d = zip(got, want).map { abs($0 - $1) }.max() ?? 0
    XCTAssertLessThanOrEqual(d, tol, "\(what): max |difference| \(d)", file: file, line: line)
}

/// Runs `body`, expecting an error whose message contains `fragment`.
public func assertThrows(_ fragment: String, file: StaticString = #filePath, line: UInt = #line,
                         _ body: () throws -> Any) {
    do {
        _ = try body()
        XCTFail("expected an error containing “\(fragment)”", file: file, line: line)
    } catch {
        XCTAssertTrue("\(error)".contains(fragment), "error “\(error)” does not mention “\(fragment)”",
                      file: file, line: line)
    }
}
