import Explain
import Foundation
import Layers
import Tensors
import Training

/// Making models smaller (quantize, prune) and measuring what that costs (compression_table).
enum CompressionBuiltins {
    static func register(_ r: Registry) {
        registerCompression(r)
        registerCompressionTable(r)
    }

    static func registerCompression(_ r: Registry) {
        r.function("quantize", "model: Module", returns: "dict",
                   """
                   Post-training int8 quantization, in place: Linear layers, LSTM matrices and attention \
                   in-projections run int8 × int8 (per-channel weight scales, dynamic activation scales, Int32 sums); \
                   GRU and embedding matrices are stored as int8 (weight-only). Returns the counts and the sizes \
                   before and after.
                   """,
                   details: """
                   Quantize a copy to compare: save the weights, build the same model, load them, then quantize it. \
                   Quantized weights are frozen.
                   """,
                   example: """
                   net = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))
                   quantize(net)["int8_bytes"]
                   """) { c in
            guard case .object(let o as ModuleObject)? = c.value("model") else {
                throw RuntimeError("quantize needs a model, found \(c.value("model")?.typeName ?? "nil")")
            }
            let r = try o.module.quantizeInt8()
            return .dict(DictBox([("int8_linear_layers", .int(r.int8Linear)),
                                  ("int8_projections", .int(r.int8Projections)),
                                  ("int8_weight_only_matrices", .int(r.weightOnly)),
                                  ("float_bytes", .int(r.floatBytes)), ("int8_bytes", .int(r.quantizedBytes))]))
        }
        r.function("prune", "model: Module, sparsity: float = 0.5, scope: string = \"global\"", returns: "dict",
                   """
                   Magnitude pruning, in place: the smallest weights of Linear, LSTM/GRU and attention matrices become \
                   zero, across all of them (scope: "global") or within each ("layer"). Fine-tuning afterwards keeps \
                   them zero.
                   """,
                   example: """
                   net = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))
                   prune(net, sparsity: 0.5)["sparsity"]
                   """) { c in
            guard case .object(let o as ModuleObject)? = c.value("model") else {
                throw RuntimeError("prune needs a model, found \(c.value("model")?.typeName ?? "nil")")
            }
            let scope = try c.string("scope")
            guard scope == "global" || scope == "layer" else {
                throw RuntimeError("prune: scope must be \"global\" or \"layer\", found \"\(scope)\"")
            }
            let r = try o.module.prune(sparsity: c.double("sparsity"), global: scope == "global")
            return .dict(DictBox([("matrices", .int(r.matrices)), ("weights", .int(r.weights)),
                                  ("removed", .int(r.removed)), ("sparsity", .float(r.sparsity))]))
        }
    }

    static func registerCompressionTable(_ r: Registry) {
        r.function("compression_table", "reference: Module, models: dict, data: Dataset, inputs: list, "
                       + "method: string = \"integrated_gradients\", k: int = 3, steps: int = 32",
                   returns: "CompressionTable",
                   """
                   Compares compressed models with the original in one table: test accuracy, agreement with the \
                   original's predictions, bytes, multiply-adds per row, and explanation drift (Spearman ρ and top-k \
                   overlap of attributions on the given inputs). Timings print as separate lines.
                   """,
                   details: """
                   models: {name: model}. inputs: texts, feature rows or images to explain with method (any of \
                   explain()'s, integrated_gradients with steps: by default); each compressed model explains the class \
                   the reference predicted. Bytes count int8 weights as 1 byte plus a scale per row and pruned \
                   matrices as sparse rows when smaller. Speed: best of three passes predicting all of data.
                   """,
                   example: """
                   seed(0)
                   data = dataset("iris").standardize()
                   net = Sequential(Linear(4, 16), ReLU(), Linear(16, 3))
                   h = fit(net, data, epochs: 3)
                   net.save("/tmp/xai-table.safetensors")
                   small = Sequential(Linear(4, 16), ReLU(), Linear(16, 3))
                   small = small.load("/tmp/xai-table.safetensors")
                   r = prune(small, sparsity: 0.5)
                   compression_table(net, {pruned: small}, data, [data.features[0]]).models
                   """) { c in
            let reference = try c.model("reference")
            guard case .dict(let d)? = c.value("models") else {
                throw RuntimeError("compression_table: models must be a dict of name → model")
            }
            let models = try d.keys.map { k -> (String, Model) in
                let name = k.value.display
                return (name, try ModelArguments.model(d[k], "compression_table: model '\(name)'").model)
            }
            let data = try c.dataset("data")
            let inputs = try c.list("inputs").map { try ExplainBuiltins.rawInput($0) }
            guard !inputs.isEmpty else {
                throw RuntimeError("compression_table needs at least one input to measure explanation drift on")
            }
            var request = ExplainRequest(method: try ExplainRequest.canonical(c.string("method")))
            request.steps = try c.int("steps")
            guard request.steps >= 1 else { throw RuntimeError("compression_table: steps must be positive") }
            let k = try c.int("k")
            let rows = try CompressionReport.measure(reference: ("original", reference.model), models: models,
                                                     data: data, inputs: inputs, request: request, k: k)
            let base = rows.first?.seconds ?? 1
            for r in rows {
                c.interp.emitVolatile(String(format: "%@: %.1f ms to predict %d rows (%.2f× the original's speed)",
                                             r.name, r.seconds * 1000, data.count, base / Swift.max(1e-12, r.seconds)))
            }
            return .object(CompressionTableObject(rows, method: request.method, k: k, inputs: inputs.count))
        }
    }
}
