import Explain
import Foundation
import Pictures

/// The compression table: one row per model. Its display leaves out timings (they differ
/// run to run); compression_table prints them as separate, volatile lines.
public final class CompressionTableObject: HostObject, FigureProviding {
    let rows: [CompressionReport.Row]
    let method: String, k: Int, inputs: Int
    init(_ rows: [CompressionReport.Row], method: String, k: Int, inputs: Int) {
        self.rows = rows; self.method = method; self.k = k; self.inputs = inputs
    }
    public var typeName: String { "CompressionTable" }
    var header: [String] {
        ["model", "accuracy", "agrees", "bytes", "smaller", "MACs/row", "ρ attributions", "top-\(k) overlap"]
    }
    var cells: [[String]] {
        let base = Double(rows.first?.bytes ?? 1)
        return rows.map { r in
            [r.name, String(format: "%.3f", r.accuracy), String(format: "%.3f", r.agreement), String(r.bytes),
             String(format: "%.1f×", base / Double(Swift.max(1, r.bytes))), String(format: "%.0f", r.multiplyAdds),
             String(format: "%.3f", r.spearman), String(format: "%.3f", r.topK)]
        }
    }
    var caption: String {
        let reference = rows.first?.name ?? "the reference"
        return "agrees: share of test predictions equal to \(reference)'s; MACs/row: multiply-adds of the matrix "
            + "products per row predicted (the work, as dense kernels do it; timings print beside the table); "
            + "ρ and top-\(k) overlap: \(method) attributions compared with \(reference)'s on \(inputs) inputs (means)"
    }
    public var summary: String { display }
    public var display: String {
        let all = [header] + cells
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        let lines = all.map { row in
            row.enumerated().map { c, s in
                c == 0 ? s.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[c] - s.count) + s
            }.joined(separator: "  ")
        }
        return (lines + [caption]).joined(separator: "\n")
    }
    public var figureHTML: String {
        let head = "<tr>" + header.map { "<th>\(SVG.esc($0))</th>" }.joined() + "</tr>"
        let body = cells.map { "<tr>" + $0.map { "<td>\(SVG.esc($0))</td>" }.joined() + "</tr>" }
            .joined(separator: "\n")
        return "<figure class=\"xai-figure\">\n<table class=\"xai-table\">\n\(head)\n\(body)\n</table>\n"
            + "<figcaption>\(SVG.esc(caption))</figcaption>\n</figure>\n"
    }
    public var propertyNames: [String] {
        ["models", "accuracy", "agreement", "bytes", "seconds", "macs", "spearman", "top_k"]
    }
    public func property(_ name: String) throws -> Value? {
        func col(_ f: (CompressionReport.Row) -> Value) -> Value { .dict(DictBox(rows.map { ($0.name, f($0)) })) }
        switch name {
        case "models": return .list(rows.map { .string($0.name) })
        case "accuracy": return col { .float($0.accuracy) }
        case "agreement": return col { .float($0.agreement) }
        case "bytes": return col { .int($0.bytes) }
        case "seconds": return col { .float($0.seconds) }
        case "macs": return col { .float($0.multiplyAdds) }
        case "spearman": return col { .float($0.spearman) }
        case "top_k": return col { .float($0.topK) }
        default: return nil
        }
    }
}
