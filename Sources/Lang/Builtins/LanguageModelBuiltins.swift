import Foundation
import Layers
import Tensors
import Training

/// Character language models: TinyGPT, a character vocabulary, training and generating text.
enum LanguageModelBuiltins {
    static func gpt(_ v: Value?) throws -> (TinyGPT, Vocabulary) {
        guard case .object(let o as ModuleObject)? = v, let m = o.module as? TinyGPT else {
            throw RuntimeError("expected a TinyGPT model, found \(v?.typeName ?? "nil")")
        }
        guard let vocab = o.model.vocabulary else {
            throw RuntimeError("the model has no vocabulary: make it with TinyGPT(vocab: char_vocab(text), ...)")
        }
        return (m, vocab)
    }

    static func encode(_ text: String, _ vocab: Vocabulary) -> [Int64] {
        vocab.tokenizer.tokens(text).map { Int64(vocab.id($0)) }
    }

    static func register(_ r: Registry) {
        registerTinyGPT(r)
        registerCharacterVocabulary(r)
        registerTraining(r)
        registerGeneration(r)
    }

    static func registerCharacterVocabulary(_ r: Registry) {
        r.function("char_vocab", "text: string", returns: "Vocabulary",
                   """
                   A character vocabulary of a text (<pad> = 0, <unk> = 1, then characters by frequency), for \
                   character language models.
                   """,
                   example: "char_vocab(\"hello world\").length") { c in
            .object(VocabObject(Vocabulary(texts: [try c.string("text")], tokenizer: .characters)))
        }
    }

    static func registerTinyGPT(_ r: Registry) {
        r.function("TinyGPT", "vocab: any, d_model: int = 64, heads: int = 4, layers: int = 2, context: int = 64, "
                       + "dropout: float = 0",
                   returns: "Module",
                   """
                   A decoder-only Transformer: token and position embeddings, pre-norm causal blocks, final LayerNorm, \
                   linear head.
                   """,
                   details: """
                   vocab: a size, or a vocabulary (char_vocab(text)) that the model keeps for train_lm and generate.
                   """,
                   example: """
                   gpt = TinyGPT(vocab: 30, d_model: 16, heads: 2, layers: 1, context: 8)
                   gpt(tensor([[1, 2, 3]])).shape
                   """) { c in
            let (size, vocab) = try ModelArguments.vocabularyOrSize(c)
            return ModelBuiltins.obj(try TinyGPT(vocab: size, dModel: c.int("d_model"), heads: c.int("heads"),
                                                 layers: c.int("layers"), context: c.int("context"),
                                                 dropout: c.float("dropout")), vocab: vocab)
        }
    }

    static func registerTraining(_ r: Registry) {
        r.function("train_lm", "model: Module, text: string, steps: int = 1000, batch: int = 32, "
                       + "optimizer: Optimizer? = nil, validation: float = 0.1, eval_every: int = 100, "
                       + "clip: float? = nil",
                   returns: "LMHistory",
                   """
                   Trains a TinyGPT to predict each next character of text: random windows of its context, \
                   cross-entropy, the last `validation` fraction held out.
                   """,
                   details: """
                   Prints the training and validation loss (nats per character) every eval_every steps; Ctrl-C stops \
                   after the current step. optimizer defaults to AdamW(lr: 0.001).
                   """,
                   example: """
                   text = "to be or not to be " * 20
                   gpt = TinyGPT(vocab: char_vocab(text), d_model: 16, heads: 2, layers: 1, context: 16)
                   train_lm(gpt, text, steps: 20, batch: 4, eval_every: 10)
                   """) { c in
            let (model, vocab) = try gpt(c.value("model"))
            let ids = encode(try c.string("text"), vocab)
            let frac = try c.double("validation")
            guard frac > 0, frac < 0.5 else {
                throw RuntimeError("train_lm: validation must be between 0 and 0.5, found \(frac)")
            }
            let cut = Int(Double(ids.count) * (1 - frac))
            guard cut > model.context + 1, ids.count - cut > model.context + 1 else {
                throw RuntimeError("train_lm: the text (\(ids.count) characters) is too short for a context of "
                    + "\(model.context) in both parts")
            }
            let optimizer = try ModelArguments.optimizer(c.value("optimizer"), for: model.parameters) {
                try Adam($0, lr: 1e-3, weightDecay: 0.01, decoupled: true)
            }
            let steps = try c.int("steps")
            let interp = c.interp
            let h = try LanguageModel.train(model, train: Array(ids[..<cut]), validation: Array(ids[cut...]),
                                            steps: steps, batch: c.int("batch"), optimizer: optimizer,
                                            evalEvery: c.int("eval_every"),
                                            clipNorm: try c.optionalDouble("clip")) { r in
                interp.emit(String(format: "step %d/%d · loss %.4f · val_loss %.4f",
                                   r.step, steps, r.loss, r.validationLoss))
                interp.emitVolatile(String(format: "%.1f s", r.seconds))
            }
            if let s = h.stoppedAt {
                TrainingBuiltins.stoppedByCtrlC(interp, "after step \(s); the model keeps what it learned")
            }
            return .object(LMHistoryObject(h))
        }
    }

    static func registerGeneration(_ r: Registry) {
        r.function("generate", "model: Module, prompt: string, tokens: int = 200, temperature: float = 1.0, "
                       + "top_k: int? = nil, seed: int = 0",
                   returns: "string",
                   """
                   Continues a prompt with a TinyGPT, one character at a time: softmax(logits / temperature), from the \
                   top_k most likely if given; seeded, so the same call gives the same text.
                   """,
                   example: """
                   text = "to be or not to be " * 20
                   gpt = TinyGPT(vocab: char_vocab(text), d_model: 16, heads: 2, layers: 1, context: 16)
                   len(generate(gpt, "to ", tokens: 10))
                   """) { c in
            if let pretrained = try PretrainedBuiltins.generate(c) { return pretrained }
            let (model, vocab) = try gpt(c.value("model"))
            let prompt = encode(try c.string("prompt"), vocab)
            var g = RandomGenerator(seed: try ModelArguments.seed(c, "generate"))
            let out = try LanguageModel.generate(model, prompt: prompt, count: c.int("tokens"),
                                                 temperature: c.double("temperature"), topK: c.optionalInt("top_k"),
                                                 using: &g)
            return .string(out.map { Int($0) < vocab.tokens.count && $0 > 1 ? vocab.tokens[Int($0)] : "" }.joined())
        }
    }
}
