import Explain
import Foundation
import Layers
import Pictures
import Tensors
import Training

/// The compression table: one row per model. Its display leaves out timings (they differ
/// run to run); compression_table prints them as separate, volatile lines.
public final class CompressionTableObject: HostObject, FigureProviding {
    let rows: [CompressionReport.Row]
    let method: String, k: Int, inputs: Int
    init(_ rows: [CompressionReport.Row], method: String, k: Int, inputs: Int) { self.rows = rows; self.method = method; self.k = k; self.inputs = inputs }
    public var typeName: String { "CompressionTable" }
    var header: [String] { ["model", "accuracy", "agrees", "bytes", "smaller", "MACs/row", "ρ attributions", "top-\(k) overlap"] }
    var cells: [[String]] {
        let base = Double(rows.first?.bytes ?? 1)
        return rows.map { r in
            [r.name, String(format: "%.3f", r.accuracy), String(format: "%.3f", r.agreement), String(r.bytes),
             String(format: "%.1f×", base / Double(Swift.max(1, r.bytes))), String(format: "%.0f", r.multiplyAdds),
             String(format: "%.3f", r.spearman), String(format: "%.3f", r.topK)]
        }
    }
    var caption: String {
        "agrees: share of test predictions equal to \(rows.first?.name ?? "the reference")'s; MACs/row: multiply-adds of the matrix products per row predicted (the work, as dense kernels do it; timings print beside the table); ρ and top-\(k) overlap: \(method) attributions compared with \(rows.first?.name ?? "the reference")'s on \(inputs) inputs (means)"
    }
    public var summary: String { display }
    public var display: String {
        let all = [header] + cells
        let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
        let lines = all.map { row in
            row.enumerated().map { c, s in c == 0 ? s.padding(toLength: widths[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[c] - s.count) + s }
                .joined(separator: "  ")
        }
        return (lines + [caption]).joined(separator: "\n")
    }
    public var figureHTML: String {
        let head = "<tr>" + header.map { "<th>\(SVG.esc($0))</th>" }.joined() + "</tr>"
        let body = cells.map { "<tr>" + $0.map { "<td>\(SVG.esc($0))</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<figure class=\"xai-figure\">\n<table class=\"xai-table\">\n\(head)\n\(body)\n</table>\n<figcaption>\(SVG.esc(caption))</figcaption>\n</figure>\n"
    }
    public var propertyNames: [String] { ["models", "accuracy", "agreement", "bytes", "seconds", "macs", "spearman", "top_k"] }
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

enum CompressionBuiltins {
    static func register(_ r: Registry) {
        r.function("compression_table", "reference: Module, models: dict, data: Dataset, inputs: list, method: string = \"integrated_gradients\", k: int = 3, steps: int = 32",
                   returns: "CompressionTable",
                   "Compares compressed models with the original in one table: test accuracy, agreement with the original's predictions, bytes, multiply-adds per row, and explanation drift (Spearman ρ and top-k overlap of attributions on the given inputs). Timings print as separate lines.",
                   details: "models: {name: model}. inputs: texts, feature rows or images to explain with method (any of explain()'s, integrated_gradients with steps: by default); each compressed model explains the class the reference predicted. Bytes count int8 weights as 1 byte plus a scale per row and pruned matrices as sparse rows when smaller. Speed: best of three passes predicting all of data.",
                   example: "seed(0)\ndata = dataset(\"iris\").standardize()\nnet = Sequential(Linear(4, 16), ReLU(), Linear(16, 3))\nh = fit(net, data, epochs: 3)\nnet.save(\"/tmp/xai-table.safetensors\")\nsmall = Sequential(Linear(4, 16), ReLU(), Linear(16, 3))\nsmall = small.load(\"/tmp/xai-table.safetensors\")\nr = prune(small, sparsity: 0.5)\ncompression_table(net, {pruned: small}, data, [data.features[0]]).models") { c in
            let reference = try TrainingBuiltins.model(c.value("reference"), "compression_table: reference")
            guard case .dict(let d)? = c.value("models") else { throw RuntimeError("compression_table: models must be a dict of name → model") }
            let models = try d.keys.map { k -> (String, Model) in
                let name = k.value.display
                return (name, try TrainingBuiltins.model(d[k], "compression_table: model '\(name)'").model)
            }
            let data = try TrainingBuiltins.data(c.value("data"), "compression_table: data")
            let inputs = try c.list("inputs").map { try ExplainBuiltins.rawInput($0) }
            guard !inputs.isEmpty else { throw RuntimeError("compression_table needs at least one input to measure explanation drift on") }
            var request = ExplainRequest(method: try ExplainRequest.canonical(c.string("method")))
            request.steps = try c.int("steps")
            guard request.steps >= 1 else { throw RuntimeError("compression_table: steps must be positive") }
            let k = try c.int("k")
            let refName = "original"
            let rows = try CompressionReport.measure(reference: (refName, reference.model), models: models, data: data, inputs: inputs, request: request, k: k)
            let base = rows.first?.seconds ?? 1
            for r in rows {
                c.interp.emitVolatile(String(format: "%@: %.1f ms to predict %d rows (%.2f× the original's speed)", r.name, r.seconds * 1000, data.count, base / Swift.max(1e-12, r.seconds)))
            }
            return .object(CompressionTableObject(rows, method: request.method, k: k, inputs: inputs.count))
        }
    }
}
