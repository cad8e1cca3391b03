import Foundation
import Layers
import Tensors
import Training

/// Layers, image and text classifiers, and the methods every module has (language models and BERT
/// have files of their own; quantize and prune are with compression).
enum ModelBuiltins {
    static func obj(_ m: Module, vocab: Vocabulary? = nil) -> Value { .object(ModuleObject(m, vocabulary: vocab)) }

    static func layer(_ v: Value, what: String) throws -> Layer {
        guard case .object(let o as ModuleObject) = v, let l = o.module as? Layer else {
            throw RuntimeError("\(what) must be a layer that maps one tensor to one tensor "
                + "(Linear, ReLU(), Conv2d…), found \(v.typeName)")
        }
        return l
    }

    static func register(_ r: Registry) {
        registerLayers(r)
        registerRecurrentLayers(r)
        registerImageLayers(r)
        registerActivations(r)
        registerAttentionLayers(r)
        registerTextClassifiers(r)
        registerModuleMethods(r)
        registerModuleFiles(r)
    }

    static func registerLayers(_ r: Registry) {
        r.function("Linear", "in_features: int, out_features: int, bias: bool = true", returns: "Module",
                   "A fully connected layer y = x·Wᵀ + b, initialised as in PyTorch.",
                   example: """
                   fc = Linear(4, 2)
                   fc(randn(3, 4)).shape
                   """) { c in
            obj(try Linear(c.int("in_features"), c.int("out_features"), bias: c.bool("bias")))
        }
        r.function("Embedding", "num_embeddings: int, dim: int, padding_idx: int? = nil", returns: "Module",
                   "A table of learned vectors, one per token id; the padding row stays zero.",
                   example: """
                   emb = Embedding(10, 3, padding_idx: 0)
                   emb(tensor([[0, 4]])).shape
                   """) { c in
            obj(try Embedding(c.int("num_embeddings"), c.int("dim"), paddingIndex: try c.optionalInt("padding_idx")))
        }
        r.function("EmbeddingBag", "num_embeddings: int, dim: int, mode: string = \"mean\", padding_idx: int? = nil",
                   returns: "Module",
                   """
                   The mean (or sum) of each bag's embeddings, for bags of ids [batch, length]; padding entries are \
                   left out.
                   """,
                   example: """
                   bag = EmbeddingBag(10, 3, mode: "sum", padding_idx: 0)
                   bag(tensor([[1, 2, 0]])).shape
                   """) { c in
            obj(try EmbeddingBag(c.int("num_embeddings"), c.int("dim"), mode: c.string("mode"),
                                 paddingIndex: try c.optionalInt("padding_idx")))
        }
        r.function("Flatten", "start_dim: int = 1", returns: "Module", "Flattens every dimension from start_dim on.",
                   example: "Flatten()(zeros(2, 3, 4)).shape") { c in
            obj(Flatten(startDim: try c.int("start_dim")))
        }
        r.function("Dropout", "p: float = 0.5", returns: "Module",
                   "Zeros elements with probability p while training (seeded); identity in eval mode.",
                   example: "Dropout(0.1)") { c in obj(try Dropout(c.float("p"))) }
        r.function("LayerNorm", "dim: int, eps: float = 0.00001", returns: "Module",
                   "Layer normalisation over the last dimension, with a learned scale and shift.",
                   example: "LayerNorm(4)(randn(2, 4))") { c in obj(try LayerNorm(c.int("dim"), eps: c.float("eps"))) }
        r.function("Sequential", "*layers: Module", returns: "Module",
                   "Layers applied one after another; children are named 0, 1, 2… as in PyTorch.",
                   example: """
                   mlp = Sequential(Linear(4, 8), ReLU(), Linear(8, 2))
                   mlp(randn(3, 4)).shape
                   """) { c in
            var items = c.rest
            if items.count == 1, case .list(let l) = items[0] { items = l.items }
            return obj(Sequential(try items.enumerated().map { try layer($0.element, what: "layer \($0.offset)") }))
        }
    }

    static func registerRecurrentLayers(_ r: Registry) {
        for (name, cell) in [("LSTM", Recurrent.Cell.lstm), ("GRU", Recurrent.Cell.gru)] {
            r.function(name, "input_size: int, hidden_size: int, layers: int = 1, dropout: float = 0",
                       returns: "Module",
                       """
                       A batch-first \(name) (fused kernels); call it with x [batch, time, features] and optional \
                       lengths:.
                       """,
                       details: """
                       Returns [output, h_n\(cell == .lstm ? ", c_n]" : "]"); rows shorter than the batch (lengths:) \
                       stop at their length, so padding never leaks into results.
                       """,
                       example: """
                       rnn = \(name)(4, 8)
                       out = rnn(randn(2, 5, 4), lengths: tensor([5, 3]))
                       out[0].shape
                       """) { c in
                obj(try Recurrent(cell, inputSize: c.int("input_size"), hiddenSize: c.int("hidden_size"),
                                  numLayers: c.int("layers"), dropout: c.float("dropout")))
            }
        }
    }

    static func registerImageLayers(_ r: Registry) {
        r.function("Conv2d", "in_channels: int, out_channels: int, kernel: int, stride: int = 1, padding: int = 0",
                   returns: "Module", "2-D convolution over [batch, channels, height, width].",
                   example: "Conv2d(1, 4, 3, padding: 1)(randn(2, 1, 8, 8)).shape") { c in
            obj(try Conv2d(c.int("in_channels"), c.int("out_channels"), kernel: c.int("kernel"),
                           stride: c.int("stride"), padding: c.int("padding")))
        }
        for (name, isMax) in [("MaxPool2d", true), ("AvgPool2d", false)] {
            r.function(name, "kernel: int, stride: int? = nil", returns: "Module",
                       "\(isMax ? "Maximum" : "Mean") over kernel×kernel windows.",
                       example: "\(name)(2)(randn(1, 1, 4, 4)).shape") { c in
                obj(Pool2d(max: isMax, kernel: try c.int("kernel"), stride: try c.optionalInt("stride")))
            }
        }
        r.function("SmallCNN", "channels: int = 4, classes: int = 10", returns: "Module",
                   "Conv2d(1, channels, 3, padding 1) → ReLU → MaxPool2d(2) → Linear, for 8×8 images.",
                   example: "SmallCNN()(zeros(2, 1, 8, 8)).shape") { c in
            obj(try SmallCNN(channels: c.int("channels"), classes: c.int("classes")))
        }
    }

    static func registerActivations(_ r: Registry) {
        for (name, kind) in [("ReLU", "relu"), ("GELU", "gelu"), ("Tanh", "tanh"), ("Sigmoid", "sigmoid"),
                             ("Softmax", "softmax")] {
            r.function(name, "", returns: "Module", "The \(kind) activation as a layer (for Sequential).",
                       example: "\(name)()(tensor([-1.0, 2.0]))") { _ in
                obj(try Activation(kind))
            }
        }
    }

    static func registerAttentionLayers(_ r: Registry) {
        r.function("MultiheadAttention", "embed_dim: int, heads: int, dropout: float = 0", returns: "Module",
                   """
                   Multi-head attention (batch-first); call with a query and optional key:, value:, \
                   key_padding_mask:, attn_mask:, causal:.
                   """,
                   details: """
                   Returns [output, weights per head [B, heads, T, S], weights averaged over heads [B, T, S]].
                   """,
                   example: """
                   mha = MultiheadAttention(8, 2)
                   out = mha(randn(1, 3, 8))
                   out[2].shape
                   """) { c in
            obj(try MultiheadAttention(embedDim: c.int("embed_dim"), numHeads: c.int("heads"),
                                       dropout: c.float("dropout")))
        }
        r.function("TransformerEncoderLayer", "d_model: int, heads: int, feedforward: int = 2048, "
                       + "dropout: float = 0.1, activation: string = \"relu\", norm_first: bool = false",
                   returns: "Module",
                   """
                   Self-attention plus a feed-forward block, each with a residual and LayerNorm (post-norm, or \
                   pre-norm with norm_first).
                   """,
                   example: """
                   enc = TransformerEncoderLayer(8, 2, feedforward: 16, dropout: 0)
                   enc(randn(1, 4, 8)).shape
                   """) { c in
            obj(try TransformerEncoderLayer(dModel: c.int("d_model"), heads: c.int("heads"),
                                            feedforward: c.int("feedforward"), dropout: c.float("dropout"),
                                            activation: c.string("activation"), normFirst: c.bool("norm_first")))
        }
        r.function("SinusoidalPositions", "dim: int, max_length: int = 512", returns: "Module",
                   "Adds fixed sine/cosine position codes to [B, T, dim] inputs.",
                   example: "SinusoidalPositions(8)(zeros(1, 3, 8)).shape") { c in
            obj(try SinusoidalPositions(dim: c.int("dim"), maxLength: c.int("max_length")))
        }
        r.function("LearnedPositions", "dim: int, max_length: int", returns: "Module",
                   "Adds a learned vector per position to [B, T, dim] inputs.",
                   example: "LearnedPositions(8, 16)(zeros(1, 3, 8)).shape") { c in
            obj(try LearnedPositions(dim: c.int("dim"), maxLength: c.int("max_length")))
        }
    }

    static func registerTextClassifiers(_ r: Registry) {
        r.function("SentimentNet", "vocab: any, embed: int = 64, hidden: int = 64, layers: int = 1", returns: "Module",
                   """
                   The LSTM + attention sentiment classifier: Embedding → LSTM → attention over valid steps → \
                   Linear to one logit.
                   """,
                   details: """
                   vocab: a vocabulary (data.vocab()) — kept by the model to read raw text — or a size.
                   Called with text (or ids and lengths), it returns [logits, attention weights].
                   """,
                   example: """
                   data = dataset("sentiment")
                   model = SentimentNet(vocab: data.vocab(), embed: 16, hidden: 16)
                   model("great phone")
                   """) { c in
            let (size, vocab) = try ModelArguments.vocabularyOrSize(c)
            return obj(try SentimentNet(vocab: size, embed: c.int("embed"), hidden: c.int("hidden"),
                                        layers: c.int("layers")), vocab: vocab)
        }
        r.function("TransformerClassifier", "vocab: any, d_model: int = 64, heads: int = 4, layers: int = 2, "
                       + "feedforward: int? = nil, classes: int = 2, max_length: int = 64, dropout: float = 0.1",
                   returns: "Module",
                   """
                   A Transformer text classifier: token + learned position embeddings, post-norm encoder layers that \
                   ignore padding, mean pooling, a linear head (one logit for 2 classes).
                   """,
                   details: """
                   vocab: a vocabulary (data.vocab()) — kept by the model to read raw text — or a size. \
                   explain(..., method: "attention") shows every layer and head; "attention_rollout" combines them.
                   """,
                   example: """
                   data = dataset("sentiment")
                   model = TransformerClassifier(vocab: data.vocab(), d_model: 16, heads: 2, layers: 1)
                   model("great phone")
                   """) { c in
            let (size, vocab) = try ModelArguments.vocabularyOrSize(c)
            return obj(try TransformerClassifier(vocab: size, dModel: c.int("d_model"), heads: c.int("heads"),
                                                 layers: c.int("layers"), feedforward: c.optionalInt("feedforward"),
                                                 classes: c.int("classes"), maxLength: c.int("max_length"),
                                                 dropout: c.float("dropout")), vocab: vocab)
        }
    }

    static func module(_ c: Call) throws -> ModuleObject { try c.receiverObject(ModuleObject.self) }

    static func registerModuleMethods(_ r: Registry) {
        r.method("Module", "summary", "", returns: "string", "Layers, parameter shapes and counts.",
                 example: "Linear(3, 2).summary()") { c in
            .string(try module(c).module.summary())
        }
        r.method("Module", "parameters", "", returns: "list",
                 "[name, tensor] for every parameter, named as in PyTorch's state_dict.",
                 example: "Linear(3, 2).parameters()") { c in
            .list(try module(c).module.namedParameters().map { .list([.string($0.0), .tensor($0.1.value)]) })
        }
        r.method("Module", "train", "", returns: "Module", "Training mode (dropout on).",
                 example: """
                 m = Dropout(0.5)
                 m.train()
                 """) { c in
            let m = try module(c); m.module.train(); return .object(m)
        }
        r.method("Module", "eval", "", returns: "Module", "Evaluation mode (dropout off).",
                 example: """
                 m = Dropout(0.5)
                 m.eval()
                 """) { c in
            let m = try module(c); m.module.eval(); return .object(m)
        }
        r.method("Module", "freeze", "flag: bool = true", returns: "Module",
                 "Stops (or restarts) training of every parameter.",
                 example: """
                 m = Linear(3, 2)
                 m.freeze()
                 """) { c in
            let m = try module(c); m.module.freeze(try c.bool("flag")); return .object(m)
        }
        r.method("Module", "zero_grad", "", returns: "nil", "Clears the gradients of every parameter.",
                 example: "Linear(3, 2).zero_grad()") { c in
            try module(c).module.zeroGrad(); return .none
        }
    }

    static func registerModuleFiles(_ r: Registry) {
        r.method("Module", "save", "path: string", returns: "nil",
                 "Writes the state_dict to a .safetensors file (loads in PyTorch).",
                 example: "Linear(3, 2).save(\"/tmp/linear.safetensors\")") { c in
            try SafeTensors.write(try module(c).module.stateDict(), to: try c.interp.resolve(c.string("path")))
            return .none
        }
        r.method("Module", "load", "path: string, strict: bool = true", returns: "Module",
                 "Loads parameters by name from a .safetensors file (PyTorch's state_dict files load directly).",
                 example: """
                 m = Linear(3, 2)
                 m.save("/tmp/linear.safetensors")
                 m.load("/tmp/linear.safetensors")
                 """) { c in
            let m = try module(c)
            try m.module.loadStateDict(try SafeTensors.read(contentsOf: try c.interp.resolve(c.string("path"))),
                                       strict: try c.bool("strict"))
            return .object(m)
        }
    }
}
