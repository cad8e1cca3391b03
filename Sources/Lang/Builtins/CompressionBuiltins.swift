import Explain
import Foundation
import Layers
import Pictures
import Tensors
import Training

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
