import Foundation
import Layers
import Tensors
import Training

/// Layer and model constructors, and the methods every module has.
enum ModelBuiltins {
    static func obj(_ m: Module, vocab: Vocabulary? = nil) -> Value { .object(ModuleObject(m, vocabulary: vocab)) }

    static func layer(_ v: Value, what: String) throws -> Layer {
        guard case .object(let o as ModuleObject) = v, let l = o.module as? Layer else {
            throw RuntimeError("\(what) must be a layer that maps one tensor to one tensor (Linear, ReLU(), Conv2d…), found \(v.typeName)")
        }
        return l
    }

    static func register(_ r: Registry) {
        r.function("Linear", "in_features: int, out_features: int, bias: bool = true", returns: "Module",
                   "A fully connected layer y = x·Wᵀ + b, initialised as in PyTorch.", example: "fc = Linear(4, 2)\nfc(randn(3, 4)).shape") { c in
            obj(try Linear(c.int("in_features"), c.int("out_features"), bias: c.bool("bias")))
        }
        r.function("Embedding", "num_embeddings: int, dim: int, padding_idx: int? = nil", returns: "Module",
                   "A table of learned vectors, one per token id; the padding row stays zero.", example: "emb = Embedding(10, 3, padding_idx: 0)\nemb(tensor([[0, 4]])).shape") { c in
            obj(try Embedding(c.int("num_embeddings"), c.int("dim"), paddingIndex: try c.optionalInt("padding_idx")))
        }
        r.function("EmbeddingBag", "num_embeddings: int, dim: int, mode: string = \"mean\", padding_idx: int? = nil", returns: "Module",
                   "The mean (or sum) of each bag's embeddings, for bags of ids [batch, length]; padding entries are left out.",
                   example: "bag = EmbeddingBag(10, 3, mode: \"sum\", padding_idx: 0)\nbag(tensor([[1, 2, 0]])).shape") { c in
            obj(try EmbeddingBag(c.int("num_embeddings"), c.int("dim"), mode: c.string("mode"), paddingIndex: try c.optionalInt("padding_idx")))
        }
        for (name, cell) in [("LSTM", Recurrent.Cell.lstm), ("GRU", Recurrent.Cell.gru)] {
            r.function(name, "input_size: int, hidden_size: int, layers: int = 1, dropout: float = 0", returns: "Module",
                       "A batch-first \(name) (fused kernels); call it with x [batch, time, features] and optional lengths:.",
                       details: "Returns [output, h_n" + (cell == .lstm ? ", c_n]" : "]") + "; rows shorter than the batch (lengths:) stop at their length, so padding never leaks into results.",
                       example: "rnn = \(name)(4, 8)\nout = rnn(randn(2, 5, 4), lengths: tensor([5, 3]))\nout[0].shape") { c in
                obj(try Recurrent(cell, inputSize: c.int("input_size"), hiddenSize: c.int("hidden_size"), numLayers: c.int("layers"),
                                  dropout: c.float("dropout")))
            }
        }
        r.function("Conv2d", "in_channels: int, out_channels: int, kernel: int, stride: int = 1, padding: int = 0", returns: "Module",
                   "2-D convolution over [batch, channels, height, width].", example: "Conv2d(1, 4, 3, padding: 1)(randn(2, 1, 8, 8)).shape") { c in
            obj(try Conv2d(c.int("in_channels"), c.int("out_channels"), kernel: c.int("kernel"), stride: c.int("stride"), padding: c.int("padding")))
        }
        for (name, isMax) in [("MaxPool2d", true), ("AvgPool2d", false)] {
            r.function(name, "kernel: int, stride: int? = nil", returns: "Module", "\(isMax ? "Maximum" : "Mean") over kernel×kernel windows.",
                       example: "\(name)(2)(randn(1, 1, 4, 4)).shape") { c in
                obj(Pool2d(max: isMax, kernel: try c.int("kernel"), stride: try c.optionalInt("stride")))
            }
        }
        r.function("Flatten", "start_dim: int = 1", returns: "Module", "Flattens every dimension from start_dim on.", example: "Flatten()(zeros(2, 3, 4)).shape") { c in
            obj(Flatten(startDim: try c.int("start_dim")))
        }
        r.function("Dropout", "p: float = 0.5", returns: "Module", "Zeros elements with probability p while training (seeded); identity in eval mode.",
                   example: "Dropout(0.1)") { c in obj(try Dropout(c.float("p"))) }
        r.function("LayerNorm", "dim: int, eps: float = 0.00001", returns: "Module", "Layer normalisation over the last dimension, with a learned scale and shift.",
                   example: "LayerNorm(4)(randn(2, 4))") { c in obj(try LayerNorm(c.int("dim"), eps: c.float("eps"))) }
        for (name, kind) in [("ReLU", "relu"), ("GELU", "gelu"), ("Tanh", "tanh"), ("Sigmoid", "sigmoid"), ("Softmax", "softmax")] {
            r.function(name, "", returns: "Module", "The \(kind) activation as a layer (for Sequential).", example: "\(name)()(tensor([-1.0, 2.0]))") { _ in
                obj(try Activation(kind))
            }
        }
        r.function("Sequential", "*layers: Module", returns: "Module", "Layers applied one after another; children are named 0, 1, 2… as in PyTorch.",
                   example: "mlp = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))\nmlp(randn(3, 4)).shape") { c in
            var items = c.rest
            if items.count == 1, case .list(let l) = items[0] { items = l.items }
            return obj(Sequential(try items.enumerated().map { try layer($0.element, what: "layer \($0.offset)") }))
        }
        r.function("MultiheadAttention", "embed_dim: int, heads: int, dropout: float = 0", returns: "Module",
                   "Multi-head attention (batch-first); call with a query and optional key:, value:, key_padding_mask:, attn_mask:, causal:.",
                   details: "Returns [output, weights per head [B, heads, T, S], weights averaged over heads [B, T, S]].",
                   example: "mha = MultiheadAttention(8, 2)\nout = mha(randn(1, 3, 8))\nout[2].shape") { c in
            obj(try MultiheadAttention(embedDim: c.int("embed_dim"), numHeads: c.int("heads"), dropout: c.float("dropout")))
        }
        r.function("TransformerEncoderLayer", "d_model: int, heads: int, feedforward: int = 2048, dropout: float = 0.1, activation: string = \"relu\", norm_first: bool = false",
                   returns: "Module", "Self-attention plus a feed-forward block, each with a residual and LayerNorm (post-norm, or pre-norm with norm_first).",
                   example: "enc = TransformerEncoderLayer(8, 2, feedforward: 16, dropout: 0)\nenc(randn(1, 4, 8)).shape") { c in
            obj(try TransformerEncoderLayer(dModel: c.int("d_model"), heads: c.int("heads"), feedforward: c.int("feedforward"),
                                            dropout: c.float("dropout"), activation: c.string("activation"), normFirst: c.bool("norm_first")))
        }
        r.function("SinusoidalPositions", "dim: int, max_length: int = 512", returns: "Module", "Adds fixed sine/cosine position codes to [B, T, dim] inputs.",
                   example: "SinusoidalPositions(8)(zeros(1, 3, 8)).shape") { c in
            obj(try SinusoidalPositions(dim: c.int("dim"), maxLength: c.int("max_length")))
        }
        r.function("LearnedPositions", "dim: int, max_length: int", returns: "Module", "Adds a learned vector per position to [B, T, dim] inputs.",
                   example: "LearnedPositions(8, 16)(zeros(1, 3, 8)).shape") { c in
            obj(try LearnedPositions(dim: c.int("dim"), maxLength: c.int("max_length")))
        }
        r.function("SentimentNet", "vocab: any, embed: int = 64, hidden: int = 64, layers: int = 1", returns: "Module",
                   "The LSTM + attention sentiment classifier: Embedding → LSTM → attention over valid steps → Linear to one logit.",
                   details: "vocab: a vocabulary (data.vocab()) — kept by the model to read raw text — or a size.\nCalled with text (or ids and lengths), it returns [logits, attention weights].",
                   example: "data = dataset(\"sentiment\")\nmodel = SentimentNet(vocab: data.vocab(), embed: 16, hidden: 16)\nmodel(\"great phone\")") { c in
            var vocab: Vocabulary?
            let size: Int
            if case .object(let v as VocabObject)? = c.value("vocab") { vocab = v.vocabulary; size = v.vocabulary.count } else { size = try c.int("vocab") }
            return obj(try SentimentNet(vocab: size, embed: c.int("embed"), hidden: c.int("hidden"), layers: c.int("layers")), vocab: vocab)
        }
        r.function("TransformerClassifier", "vocab: any, d_model: int = 64, heads: int = 4, layers: int = 2, feedforward: int? = nil, classes: int = 2, max_length: int = 64, dropout: float = 0.1",
                   returns: "Module",
                   "A Transformer text classifier: token + learned position embeddings, post-norm encoder layers that ignore padding, mean pooling, a linear head (one logit for 2 classes).",
                   details: "vocab: a vocabulary (data.vocab()) — kept by the model to read raw text — or a size. explain(..., method: \"attention\") shows every layer and head; \"attention_rollout\" combines them.",
                   example: "data = dataset(\"sentiment\")\nmodel = TransformerClassifier(vocab: data.vocab(), d_model: 16, heads: 2, layers: 1)\nmodel(\"great phone\")") { c in
            var vocab: Vocabulary?
            let size: Int
            if case .object(let v as VocabObject)? = c.value("vocab") { vocab = v.vocabulary; size = v.vocabulary.count } else { size = try c.int("vocab") }
            return obj(try TransformerClassifier(vocab: size, dModel: c.int("d_model"), heads: c.int("heads"), layers: c.int("layers"),
                                                 feedforward: c.optionalInt("feedforward"), classes: c.int("classes"),
                                                 maxLength: c.int("max_length"), dropout: c.float("dropout")), vocab: vocab)
        }
        r.function("quantize", "model: Module", returns: "dict",
                   "Post-training int8 quantization, in place: Linear layers, LSTM matrices and attention in-projections run int8 × int8 (per-channel weight scales, dynamic activation scales, Int32 sums); GRU and embedding matrices are stored as int8 (weight-only). Returns the counts and the sizes before and after.",
                   details: "Quantize a copy to compare: save the weights, build the same model, load them, then quantize it. Quantized weights are frozen.",
                   example: "net = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))\nquantize(net)[\"int8_bytes\"]") { c in
            guard case .object(let o as ModuleObject)? = c.value("model") else { throw RuntimeError("quantize needs a model, found \(c.value("model")?.typeName ?? "nil")") }
            let r = try o.module.quantizeInt8()
            return .dict(DictBox([("int8_linear_layers", .int(r.int8Linear)), ("int8_projections", .int(r.int8Projections)), ("int8_weight_only_matrices", .int(r.weightOnly)),
                                  ("float_bytes", .int(r.floatBytes)), ("int8_bytes", .int(r.quantizedBytes))]))
        }
        r.function("prune", "model: Module, sparsity: float = 0.5, scope: string = \"global\"", returns: "dict",
                   "Magnitude pruning, in place: the smallest weights of Linear, LSTM/GRU and attention matrices become zero, across all of them (scope: \"global\") or within each (\"layer\"). Fine-tuning afterwards keeps them zero.",
                   example: "net = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))\nprune(net, sparsity: 0.5)[\"sparsity\"]") { c in
            guard case .object(let o as ModuleObject)? = c.value("model") else { throw RuntimeError("prune needs a model, found \(c.value("model")?.typeName ?? "nil")") }
            let scope = try c.string("scope")
            guard scope == "global" || scope == "layer" else { throw RuntimeError("prune: scope must be \"global\" or \"layer\", found \"\(scope)\"") }
            let r = try o.module.prune(sparsity: c.double("sparsity"), global: scope == "global")
            return .dict(DictBox([("matrices", .int(r.matrices)), ("weights", .int(r.weights)), ("removed", .int(r.removed)), ("sparsity", .float(r.sparsity))]))
        }
        r.function("TinyGPT", "vocab: any, d_model: int = 64, heads: int = 4, layers: int = 2, context: int = 64, dropout: float = 0", returns: "Module",
                   "A decoder-only Transformer: token and position embeddings, pre-norm causal blocks, final LayerNorm, linear head.",
                   details: "vocab: a size, or a vocabulary (char_vocab(text)) that the model keeps for train_lm and generate.",
                   example: "gpt = TinyGPT(vocab: 30, d_model: 16, heads: 2, layers: 1, context: 8)\ngpt(tensor([[1, 2, 3]])).shape") { c in
            var vocab: Vocabulary?
            let size: Int
            if case .object(let v as VocabObject)? = c.value("vocab") { vocab = v.vocabulary; size = v.vocabulary.count } else { size = try c.int("vocab") }
            return obj(try TinyGPT(vocab: size, dModel: c.int("d_model"), heads: c.int("heads"), layers: c.int("layers"),
                                   context: c.int("context"), dropout: c.float("dropout")), vocab: vocab)
        }
        r.function("SmallCNN", "channels: int = 4, classes: int = 10", returns: "Module", "Conv2d(1, channels, 3, padding 1) → ReLU → MaxPool2d(2) → Linear, for 8×8 images.",
                   example: "SmallCNN()(zeros(2, 1, 8, 8)).shape") { c in obj(try SmallCNN(channels: c.int("channels"), classes: c.int("classes"))) }

        func module(_ c: Call) throws -> ModuleObject { try c.receiverObject(ModuleObject.self) }
        r.method("Module", "summary", "", returns: "string", "Layers, parameter shapes and counts.", example: "Linear(3, 2).summary()") { c in
            .string(try module(c).module.summary())
        }
        r.method("Module", "parameters", "", returns: "list", "[name, tensor] for every parameter, named as in PyTorch's state_dict.",
                 example: "Linear(3, 2).parameters()") { c in
            .list(try module(c).module.namedParameters().map { .list([.string($0.0), .tensor($0.1.value)]) })
        }
        r.method("Module", "train", "", returns: "Module", "Training mode (dropout on).", example: "m = Dropout(0.5)\nm.train()") { c in
            let m = try module(c); m.module.train(); return .object(m)
        }
        r.method("Module", "eval", "", returns: "Module", "Evaluation mode (dropout off).", example: "m = Dropout(0.5)\nm.eval()") { c in
            let m = try module(c); m.module.eval(); return .object(m)
        }
        r.method("Module", "freeze", "flag: bool = true", returns: "Module", "Stops (or restarts) training of every parameter.",
                 example: "m = Linear(3, 2)\nm.freeze()") { c in
            let m = try module(c); m.module.freeze(try c.bool("flag")); return .object(m)
        }
        r.method("Module", "zero_grad", "", returns: "nil", "Clears the gradients of every parameter.", example: "Linear(3, 2).zero_grad()") { c in
            try module(c).module.zeroGrad(); return .none
        }
        r.method("Module", "save", "path: string", returns: "nil", "Writes the state_dict to a .safetensors file (loads in PyTorch).",
                 example: "Linear(3, 2).save(\"/tmp/linear.safetensors\")") { c in
            try SafeTensors.write(try module(c).module.stateDict(), to: try c.interp.resolve(c.string("path")))
            return .none
        }
        r.method("Module", "load", "path: string, strict: bool = true", returns: "Module",
                 "Loads parameters by name from a .safetensors file (PyTorch's state_dict files load directly).",
                 example: "m = Linear(3, 2)\nm.save(\"/tmp/linear.safetensors\")\nm.load(\"/tmp/linear.safetensors\")") { c in
            let m = try module(c)
            try m.module.loadStateDict(try SafeTensors.read(contentsOf: try c.interp.resolve(c.string("path"))), strict: try c.bool("strict"))
            return .object(m)
        }
    }
}
