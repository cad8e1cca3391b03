import Foundation
import Layers
import Tensors
import Training

/// A small BERT: its constructor, masked-language-model pre-training and its measures.
enum BertBuiltins {
    static func bert(_ v: Value?, _ fn: String) throws -> (Bert, Vocabulary) {
        guard case .object(let o as ModuleObject)? = v, let m = o.module as? Bert else {
            throw RuntimeError("\(fn) expects a BERT model, found \(v?.typeName ?? "nil")")
        }
        guard let vocab = o.model.vocabulary else {
            throw RuntimeError("\(fn): the model has no vocabulary; make it with BERT(vocab: data.vocab(), ...)")
        }
        return (m, vocab)
    }

    /// Sentences from a text dataset or a list of strings, as token ids (truncated to the model's length).
    static func sentences(_ v: Value?, _ vocab: Vocabulary, _ model: Bert, _ what: String) throws -> [[Int]] {
        let texts: [String]
        switch v {
        case .object(let d as DatasetObject)?:
            guard let t = d.dataset.texts else {
                throw RuntimeError("\(what) must hold texts; dataset \(d.dataset.name) holds features")
            }
            texts = t
        case .list(let l)?: texts = l.items.map(\.display)
        case .string(let s)?: texts = [s]
        default:
            throw RuntimeError("\(what) must be a text dataset or a list of strings, found \(v?.typeName ?? "nil")")
        }
        return texts.map { vocab.encode($0, maxLength: model.maxLength) }
    }

    static func register(_ r: Registry) {
        registerBert(r)
        registerPretraining(r)
        registerMaskedWords(r)
    }

    static func registerBert(_ r: Registry) {
        r.function("BERT", "vocab: Vocabulary, d_model: int = 64, heads: int = 4, layers: int = 2, "
                       + "feedforward: int? = nil, classes: int = 2, max_length: int = 64, dropout: float = 0.1",
                   returns: "Module",
                   """
                   A small BERT: a bidirectional Transformer encoder with a masked-language-model head (for \
                   pretrain_mlm and fill_mask) and a classification head on the mean of the words (for fit).
                   """,
                   details: """
                   The vocabulary gains the token [MASK]. Post-norm GELU encoder layers that ignore padding, LayerNorm \
                   on the embeddings as in BERT. explain(), attention maps and fit() work as for TransformerClassifier.
                   """,
                   example: """
                   data = dataset("sentiment")
                   bert = BERT(vocab: data.vocab(), d_model: 16, heads: 2, layers: 1)
                   bert("great phone")
                   """) { c in
            guard case .object(let v as VocabObject)? = c.value("vocab") else {
                throw RuntimeError("BERT needs a word vocabulary (vocab: data.vocab()), "
                    + "found \(c.value("vocab")?.typeName ?? "nil")")
            }
            let base = v.vocabulary
            let vocab = base.tokens.contains(Tokenizer.mask)
                ? base : Vocabulary(tokens: base.tokens + [Tokenizer.mask], tokenizer: base.tokenizer)
            let model = try Bert(vocab: vocab.count, maskId: vocab.id(Tokenizer.mask), dModel: c.int("d_model"),
                                 heads: c.int("heads"), layers: c.int("layers"),
                                 feedforward: c.optionalInt("feedforward"), classes: c.int("classes"),
                                 maxLength: c.int("max_length"), dropout: c.float("dropout"))
            return .object(ModuleObject(model, vocabulary: vocab))
        }
    }

    static func registerPretraining(_ r: Registry) {
        r.function("pretrain_mlm", "model: Module, texts: any, epochs: int = 10, batch: int = 32, mask: float = 0.15, "
                       + "optimizer: Optimizer? = nil, validation: any = nil, clip: float? = nil",
                   returns: "MLMHistory",
                   """
                   Pre-trains a BERT by masked-language modelling: in each sentence 15% of the words are chosen (at \
                   least one); a chosen word becomes [MASK] 80% of the time, a random word 10%, itself 10%; the model \
                   learns to predict the chosen words from both sides.
                   """,
                   details: """
                   texts: a text dataset (its labels are not used) or a list of strings. Prints the loss and the \
                   masked-word accuracy per epoch, and the held-out ones for validation: (masked with a fixed seed, so \
                   epochs compare). optimizer defaults to AdamW(lr: 0.001). Ctrl-C stops after the current batch.
                   """,
                   example: """
                   data = dataset("sentiment")
                   bert = BERT(vocab: data.vocab(), d_model: 16, heads: 2, layers: 1)
                   pretrain_mlm(bert, data.texts[0:64], epochs: 1)
                   """) { c in
            let (model, vocab) = try bert(c.value("model"), "pretrain_mlm")
            let rows = try sentences(c.value("texts"), vocab, model, "pretrain_mlm: texts")
            var validation: [[Int]]?
            if let v = c.value("validation") { validation = try sentences(v, vocab, model, "pretrain_mlm: validation") }
            let optimizer = try ModelArguments.optimizer(c.value("optimizer"), for: model.parameters) {
                try Adam($0, lr: 1e-3, weightDecay: 0.01, decoupled: true)
            }
            let epochs = try c.int("epochs")
            let interp = c.interp
            let h = try MaskedLanguageModel.train(model, sentences: rows, validation: validation, epochs: epochs,
                                                  batch: c.int("batch"), optimizer: optimizer,
                                                  probability: c.double("mask"),
                                                  clipNorm: try c.optionalDouble("clip")) { r in
                var line = String(format: "epoch %d/%d · masked loss %.4f · masked acc %.3f",
                                  r.epoch, epochs, r.loss, r.accuracy)
                if let vl = r.validationLoss, let va = r.validationAccuracy {
                    line += String(format: " · held-out loss %.4f · acc %.3f", vl, va)
                }
                interp.emit(line)
                interp.emitVolatile(String(format: "epoch %d took %.1f s", r.epoch, r.seconds))
            }
            if let s = h.stopped {
                TrainingBuiltins.stoppedByCtrlC(interp, "in epoch \(s.epoch) after batch \(s.batch); "
                    + "the model keeps what it learned")
            }
            return .object(MLMHistoryObject(h))
        }
    }

    static func registerMaskedWords(_ r: Registry) {
        r.function("mlm_accuracy", "model: Module, texts: any, mask: float = 0.15, seed: int = 0", returns: "dict",
                   """
                   How well a BERT predicts hidden words of these texts: loss (nats) and accuracy of the top \
                   prediction, with a fixed, seeded masking.
                   """,
                   example: """
                   data = dataset("sentiment")
                   bert = BERT(vocab: data.vocab(), d_model: 16, heads: 2, layers: 1)
                   mlm_accuracy(bert, data.texts[0:32])["accuracy"] < 0.5
                   """) { c in
            let (model, vocab) = try bert(c.value("model"), "mlm_accuracy")
            let rows = try sentences(c.value("texts"), vocab, model, "mlm_accuracy: texts")
            let seed = try ModelArguments.seed(c, "mlm_accuracy")
            let r = try MaskedLanguageModel.evaluate(model, rows, probability: c.double("mask"), seed: seed)
            return .dict(DictBox([("loss", .float(r.loss)), ("accuracy", .float(r.accuracy))]))
        }
        r.function("fill_mask", "model: Module, text: string, top: int = 5", returns: "FillMask",
                   "The words a BERT finds most probable at each [MASK] of a text, with their probabilities.",
                   example: """
                   data = dataset("sentiment")
                   bert = BERT(vocab: data.vocab(), d_model: 16, heads: 2, layers: 1)
                   len(fill_mask(bert, "the food was [MASK] good").tokens)
                   """) { c in
            if let pretrained = try PretrainedBuiltins.fillMask(c) { return pretrained }
            let (model, vocab) = try bert(c.value("model"), "fill_mask")
            let text = try c.string("text")
            let ids = vocab.encode(text, maxLength: model.maxLength)
            if !ids.contains(model.maskId), vocab.tokenizer.tokens(text).contains(Tokenizer.mask) {
                throw RuntimeError("fill_mask: the [MASK] comes after the model's first \(model.maxLength) tokens "
                    + "(max_length), which is all it reads")
            }
            let filled = try MaskedLanguageModel.fill(model, ids: ids, top: c.int("top"))
            return .object(FillMaskObject(text: text, slots: filled.map {
                $0.candidates.map { (vocab.tokens[$0.id], $0.probability) }
            }))
        }
    }
}
