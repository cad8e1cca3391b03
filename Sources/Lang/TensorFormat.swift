import Foundation
import Tensors

/// Prints tensors the way PyTorch does: `tensor([[ 0.1234, -1.0000], ...])`, four decimals
/// (scientific when magnitudes span a wide range), integer-valued floats as `1.`, ints
/// plainly, and only the first and last three entries of each dimension once a tensor has
/// more than 1,000 elements. A trailing comment gives the shape and dtype.
public enum TensorFormat {
    static let threshold = 1000
    static let edge = 3

    public static func describe(_ t: Tensor, lineWidth: Int = 80) -> String {
        let summarize = t.count > threshold
        let values = t.floatValues
        var body: String
        if t.count == 0 {
            body = "tensor([], size=\(Shape.format(t.shape)))"
        } else {
            // int64 elements print from their exact values (a float holds only 24 bits).
            let fmtr = Formatter(values: values, ints: t.dtype == .int64 ? t.ints : nil, dtype: t.dtype,
                                 summarize: summarize, shape: t.shape)
            let inner = render(t.shape, values, fmtr, indent: 7, summarize: summarize, lineWidth: lineWidth)
            body = "tensor(\(inner)"
            var extras: [String] = []
            if t.dtype == .bool { extras.append("dtype=bool") }
            if let fn = t.gradFnName {
                extras.append("grad_fn=<\(fn)>")
            } else if t.requiresGrad {
                extras.append("requires_grad=True")
            }
            if !extras.isEmpty { body += ", " + extras.joined(separator: ", ") }
            body += ")"
        }
        return body + "  # \(Shape.format(t.shape)) \(t.dtype)"
    }

    /// A shape as "[2, 3]" (Shape.format, kept under this name for callers outside the language).
    public static func fmt(_ s: [Int]) -> String { Shape.format(s) }

    /// Chooses one number style for the whole tensor, as PyTorch's _Formatter does.
    struct Formatter {
        enum Style { case bool, int, integralFloat, fixed, scientific }
        let style: Style
        let width: Int
        let values: [Float]
        let ints: [Int64]?

        init(values: [Float], ints: [Int64]? = nil, dtype: DType, summarize: Bool, shape: [Int]) {
            self.values = values
            self.ints = ints
            let finite = values.filter { $0.isFinite }
            if dtype == .bool {
                style = .bool
            } else if dtype != .float32 {
                style = .int
            } else if finite.allSatisfy({ $0 == $0.rounded() }) {
                let m = finite.map { abs($0) }.max() ?? 0
                style = m >= 1e8 ? .scientific : .integralFloat
            } else {
                let nz = finite.map { abs($0) }.filter { $0 > 0 }
                let mx = nz.max() ?? 0, mn = nz.min() ?? 0
                let wide = mx / max(mn, .leastNonzeroMagnitude) > 1000 || mx > 1e8 || (mn < 1e-4 && mn > 0)
                style = wide ? .scientific : .fixed
            }
            var w = 0
            let probe = ints.map { $0.map { String($0) } } ?? Formatter.text(values, dtypeStyle: style)
            for s in probe { w = max(w, s.count) }
            width = w
        }

        static func text(_ values: [Float], dtypeStyle: Style) -> [String] {
            values.map { Formatter.one($0, dtypeStyle) }
        }

        static func one(_ v: Float, _ style: Style) -> String {
            if v.isNaN { return "nan" }
            if v.isInfinite { return v > 0 ? "inf" : "-inf" }
            switch style {
            case .bool: return v != 0 ? "true" : "false"
            case .int: return v >= -0x1p63 && v < 0x1p63 ? String(Int64(v)) : String(format: "%.0f", v)
            case .integralFloat: return String(format: "%.0f.", v)
            case .fixed: return String(format: "%.4f", v)
            case .scientific: return String(format: "%.4e", v)
            }
        }

        /// Element `i`, padded to the common width.
        func format(_ i: Int) -> String {
            let s = ints.map { String($0[i]) } ?? Formatter.one(values[i], style)
            return String(repeating: " ", count: max(0, width - s.count)) + s
        }
    }

    static func render(_ shape: [Int], _ values: [Float], _ f: Formatter, indent: Int, summarize: Bool,
                       lineWidth: Int) -> String {
        if shape.isEmpty { return values.isEmpty ? "0" : f.format(0).trimmingCharacters(in: .whitespaces) }
        func rec(_ dim: Int, _ offset: Int, _ ind: Int) -> String {
            let n = shape[dim]
            let stride = shape[(dim + 1)...].reduce(1, *)
            var idx = Array(0..<n)
            var cut = false
            if summarize && n > 2 * edge { idx = Array(0..<edge) + Array((n - edge)..<n); cut = true }
            if dim == shape.count - 1 {
                var items = idx.map { f.format(offset + $0) }
                if cut { items.insert(" ...", at: edge) }  // PyTorch's spacing: ",  ...,"

                // Wrap long rows like PyTorch.
                var lines: [String] = []
                var cur = ""
                let perLine = max(1, (lineWidth - ind - 1) / (f.width + 2))
                for (k, it) in items.enumerated() {
                    if k > 0 && k % perLine == 0 { lines.append(cur); cur = "" }
                    cur += (cur.isEmpty ? "" : ", ") + it
                }
                lines.append(cur)
                return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: ind + 1)) + "]"
            }
            var parts = idx.map { rec(dim + 1, offset + $0 * stride, ind + 1) }
            if cut { parts.insert("...", at: edge) }
            let sep = "," + String(repeating: "\n", count: shape.count - dim - 1)
                + String(repeating: " ", count: ind + 1)
            return "[" + parts.joined(separator: sep) + "]"
        }
        return rec(0, 0, indent)
    }
}
