import Explain
import Foundation
import Layers
import Pretrained
import Tensors
import Training

/// Checkpoints in the Hugging Face format: loading them with their tokenizers, and what a
/// pretrained model is asked (tokens, classes, sentence embeddings, similarity).
enum PretrainedBuiltins {
    static func register(_ r: Registry) {
        registerLoading(r)
        registerTokens(r)
        registerClassification(r)
        registerEmbeddings(r)
    }

    /// A padded batch of texts through a pretrained tokenizer (special tokens added, each text cut
    /// to the model's `limit` tokens): ids [B, longest] and each row's length.
    static func batch(_ texts: [String], _ tokenizer: SubwordTokenizer, limit: Int? = nil) throws -> (Tensor, [Int]) {
        let rows = try texts.map {
            try tokenizer.encode($0, pair: nil, specialTokens: true).truncated(to: limit ?? Int.max)
        }
        let padded = try pad(rows, tokenizer)
        return (padded.ids, padded.lengths)
    }

    /// Encoded texts padded to the longest with the tokenizer's padding id: ids and token types
    /// [B, longest], and each row's length (at least 1).
    static func pad(_ rows: [EncodedText], _ tokenizer: SubwordTokenizer) throws
        -> (ids: Tensor, types: Tensor, lengths: [Int]) {
        let L = max(1, rows.map(\.count).max() ?? 1)
        var ids = [Int64](repeating: Int64(tokenizer.paddingId), count: rows.count * L)
        var types = [Int64](repeating: 0, count: rows.count * L)
        for (r, row) in rows.enumerated() {
            for t in 0..<row.count { ids[r * L + t] = Int64(row.ids[t]); types[r * L + t] = Int64(row.typeIds[t]) }
        }
        return (try Tensor(shape: [rows.count, L], ints: ids), try Tensor(shape: [rows.count, L], ints: types),
                rows.map { max(1, $0.count) })
    }

    /// The pretrained encoder (BERT, DistilBERT) of a module argument, with its tokenizer.
    static func encoder(_ c: Call, _ name: String = "model") throws -> (PretrainedEncoder, SubwordTokenizer) {
        let m = try c.model(name)
        guard let e = m.module as? PretrainedEncoder, let t = m.model.tokenizer else {
            throw RuntimeError("\(c.fn) needs a pretrained BERT or DistilBERT (from load_pretrained), found "
                + m.module.typeName)
        }
        return (e, t)
    }

    /// Texts from a string or a list of strings, and whether one string was given.
    static func texts(_ c: Call, _ name: String) throws -> (texts: [String], single: Bool) {
        if case .string(let s)? = c.value(name) { return ([s], true) }
        guard let v = c.value(name), case .list = v else {
            throw RuntimeError("\(c.fn): \(name) must be a text or a list of texts, found "
                + (c.value(name)?.typeName ?? "nil"))
        }
        return (try c.interp.iterate(v).map(\.display), false)
    }

    static func registerLoading(_ r: Registry) {
        r.function("load_pretrained", "path: string", returns: "Module",
                   """
                   Opens a model folder in the Hugging Face format (what save_pretrained writes): config.json, \
                   model.safetensors, and vocab.txt or tokenizer.json (or vocab.json + merges.txt).
                   """,
                   details: """
                   Architectures: BertModel, BertForSequenceClassification, BertForMaskedLM (a MiniLM is a BERT), \
                   DistilBertModel, DistilBertForSequenceClassification and GPT2LMHeadModel. The model keeps its \
                   tokenizer (WordPiece or byte-level BPE), so it reads raw text: tokenize, classify, embed, \
                   similarity, fill_mask, generate and explain all take text. pytorch_model.bin files (pickles) are \
                   never opened: re-save with safe_serialization=True. A name without a slash that is not a folder \
                   here opens a checkpoint shipped with xai: "sentiment-bert" (a small BERT fine-tuned on the \
                   sentiment sentences).
                   """,
                   example: """
                   bert = load_pretrained("sentiment-bert")
                   classify(bert, "a wonderful film").label
                   """) { c in
            let folder = try checkpointFolder(c)
            let checkpoint = try Pretrained.loadModel(folder: folder)
            let tokenizer = try Pretrained.loadTokenizer(folder: folder)
            try check(tokenizer, fits: checkpoint.module)
            checkpoint.module.eval()
            return .object(ModuleObject(checkpoint.module, tokenizer: tokenizer))
        }
    }

    /// A folder path, or the name of a checkpoint shipped in data/pretrained ("sentiment-bert").
    static func checkpointFolder(_ c: Call) throws -> URL {
        let path = try c.string("path")
        let url = try c.url("path")
        var isFolder: ObjCBool = false
        if !path.contains("/"), !FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) {
            let shipped = try Datasets.directory().appendingPathComponent("pretrained")
                .appendingPathComponent(path)
            if FileManager.default.fileExists(atPath: shipped.path) { return shipped }
        }
        return url
    }

    /// The tokenizer's ids must all be rows of the model's embedding.
    static func check(_ tokenizer: SubwordTokenizer, fits module: Module) throws {
        let table = (module as? TextClassifier)?.embedding ?? (module as? TinyGPT)?.tokEmb
        let rows = table?.weight.value.shape.first
        let wants = module is TinyGPT ? "byte-level BPE" : "WordPiece"
        guard tokenizer.kind == wants else {
            throw RuntimeError("\(module.typeName) reads \(wants) pieces, but the folder's tokenizer is a "
                + "\(tokenizer.kind): it belongs to another model")
        }
        if let rows, tokenizer.vocabularySize > rows {
            throw RuntimeError("the tokenizer has \(tokenizer.vocabularySize) tokens but the model embeds only "
                + "\(rows): they do not belong together")
        }
    }

    static func registerTokens(_ r: Registry) {
        r.function("tokenize", "model: Module, text: string, pair: string? = nil", returns: "Tokens",
                   """
                   How a pretrained model's tokenizer splits a text: its pieces, their ids, the words they come \
                   from, and token types for a pair of texts.
                   """,
                   example: """
                   bert = load_pretrained("sentiment-bert")
                   tokenize(bert, "Unbelievable café!").tokens
                   """) { c in
            let m = try c.model("model")
            guard let t = m.model.tokenizer else {
                throw RuntimeError("tokenize needs a pretrained model (from load_pretrained); \(m.module.typeName) "
                    + "reads text through its vocabulary")
            }
            let text = try c.string("text")
            let enc = try t.encode(text, pair: try c.optionalString("pair"), specialTokens: true)
            return .object(TokensObject(enc, tokenizer: t))
        }
    }

    static func registerClassification(_ r: Registry) {
        r.function("classify", "model: Module, text: any, pair: string? = nil", returns: "Classification",
                   """
                   The class a pretrained classifier gives a text, with the probability of every class (softmax of \
                   its logits); a list of texts gives a list, computed as one padded batch. pair: a second text read \
                   with each ([SEP] between, token types 1), for classifiers of text pairs.
                   """,
                   example: """
                   bert = load_pretrained("sentiment-bert")
                   classify(bert, "the food was not good at all").probabilities
                   """) { c in
            let (model, tokenizer) = try encoder(c)
            let (texts, single) = try texts(c, "text")
            guard !texts.isEmpty else { return .list(ListBox([])) }
            let logits = try classLogits(model, tokenizer, texts, pair: c.optionalString("pair"))
            let probabilities = try logits.rank == 2 ? logits.softmax(dim: 1) : logits.sigmoid()
            let C = logits.rank == 2 ? logits.shape[1] : 1
            let results = texts.indices.map { b in
                ClassificationObject(text: texts[b], labels: labels(model, C),
                                     logits: (0..<C).map { Double(logits.floats[b * C + $0]) },
                                     probabilities: (0..<C).map { Double(probabilities.floats[b * C + $0]) })
            }
            return single ? .object(results[0]) : .list(ListBox(results.map { .object($0) }))
        }
    }

    /// Class logits of texts (each with `pair` when given), as one padded batch.
    static func classLogits(_ model: PretrainedEncoder, _ tokenizer: SubwordTokenizer, _ texts: [String],
                            pair: String?) throws -> Tensor {
        guard let pair else {
            let (ids, lengths) = try batch(texts, tokenizer, limit: model.maxLength)
            return try Tensor.withoutGrad { try model.logits(ids: ids, lengths: lengths) }
        }
        let rows = try texts.map { try tokenizer.encode($0, pair: pair, specialTokens: true) }
        let L = rows.map(\.count).max() ?? 1
        guard L <= model.maxLength else {
            throw RuntimeError("classify: a pair has \(L) tokens; \(model.typeName) reads at most \(model.maxLength)")
        }
        let batch = try pad(rows, tokenizer)
        return try Tensor.withoutGrad {
            try model.classLogits(hidden: model.hiddenStates(ids: batch.ids, lengths: batch.lengths,
                                                             tokenTypes: batch.types))
        }
    }

    /// Class names: id2label, or class 0, class 1, ….
    static func labels(_ model: PretrainedEncoder, _ count: Int) -> [String] {
        model.labels.count == count ? model.labels : (0..<count).map { "class \($0)" }
    }

    static func registerEmbeddings(_ r: Registry) {
        r.function("embed", "model: Module, text: any, normalize: bool = true", returns: "tensor",
                   """
                   Sentence embeddings as sentence-transformers makes them: the mean of the last hidden state over \
                   the tokens, scaled to length 1 (normalize: false keeps the mean). A text gives [width]; a list \
                   gives [texts, width].
                   """,
                   example: """
                   bert = load_pretrained("sentiment-bert")
                   embed(bert, ["good food", "bad service"]).shape
                   """) { c in
            let (model, tokenizer) = try encoder(c)
            let (texts, single) = try texts(c, "text")
            let e = try embeddings(model, tokenizer, texts, normalize: c.bool("normalize"))
            return .tensor(single ? try e.squeeze(0) : e)
        }
        r.function("similarity", "model: Module, a: string, b: string", returns: "float",
                   """
                   The cosine similarity of two texts' sentence embeddings (embed), from −1 to 1. explain(model, a, \
                   similar_to: b) says which words of a make it close to b.
                   """,
                   example: """
                   bert = load_pretrained("sentiment-bert")
                   similarity(bert, "the food was good", "the meal was great") > -1
                   """) { c in
            let (model, tokenizer) = try encoder(c)
            let e = try embeddings(model, tokenizer, [try c.string("a"), try c.string("b")], normalize: true)
            let H = e.shape[1]
            return .float((0..<H).reduce(0.0) { $0 + Double(e.floats[$1]) * Double(e.floats[H + $1]) })
        }
    }

    /// Normalised mean-pooled embeddings [texts, width], one padded batch.
    static func embeddings(_ model: PretrainedEncoder, _ tokenizer: SubwordTokenizer, _ texts: [String],
                           normalize: Bool) throws -> Tensor {
        guard !texts.isEmpty else { throw RuntimeError("embed needs at least one text") }
        let (ids, lengths) = try batch(texts, tokenizer, limit: model.maxLength)
        return try Tensor.withoutGrad {
            try SentenceEmbedding.meanPooled(model.hiddenStates(ids: ids, lengths: lengths), lengths: lengths,
                                             normalize: normalize)
        }
    }

    /// explain(…, pair:): the classifier of `text` and `pair` read together, their token types fixed.
    static func pairModel(_ model: Model, _ text: String, _ pair: String) throws -> Model {
        guard let encoder = model.module as? PretrainedEncoder, let tokenizer = model.tokenizer else {
            throw RuntimeError("explain: pair needs a pretrained BERT or DistilBERT (from load_pretrained), "
                + "found \(model.module.typeName)")
        }
        let enc = try tokenizer.encode(text, pair: pair, specialTokens: true)
        guard enc.count <= encoder.maxLength else {
            throw RuntimeError("explain: the pair has \(enc.count) tokens; \(encoder.typeName) reads at most "
                + "\(encoder.maxLength)")
        }
        return Model(TextPairClassifier(encoder: encoder, tokenTypes: enc.typeIds), tokenizer: tokenizer)
    }

    /// explain(…, similar_to:): the cosine similarity to `other` as a one-output model.
    static func similarityModel(_ model: Model, to other: String) throws -> Model {
        guard let encoder = model.module as? PretrainedEncoder, let tokenizer = model.tokenizer else {
            throw RuntimeError("explain: similar_to needs a pretrained BERT or DistilBERT (from load_pretrained), "
                + "found \(model.module.typeName)")
        }
        let reference = try embeddings(encoder, tokenizer, [other], normalize: true).squeeze(0)
        return Model(SimilarityScore(encoder: encoder, reference: reference), tokenizer: tokenizer)
    }
}

/// fill_mask and generate on pretrained models.
extension PretrainedBuiltins {
    /// fill_mask with a pretrained masked-language model: the `top` pieces at each [MASK], or nil
    /// when the model is not a pretrained one.
    static func fillMask(_ c: Call) throws -> Value? {
        guard case .object(let o as ModuleObject)? = c.value("model"), let model = o.module as? PretrainedEncoder,
              let tokenizer = o.model.tokenizer else { return nil }
        let text = try c.string("text"), top = try c.int("top")
        guard top >= 1 else { throw RuntimeError("fill_mask: top must be at least 1, found \(top)") }
        guard let maskId = tokenizer.id(of: "[MASK]") else {
            throw RuntimeError("fill_mask: the tokenizer has no [MASK] token")
        }
        let ids = try tokenizer.encode(text, pair: nil, specialTokens: true).truncated(to: model.maxLength).ids
        let positions = ids.indices.filter { ids[$0] == maskId }
        guard !positions.isEmpty else {
            throw RuntimeError("fill_mask: the text has no [MASK] in the first \(model.maxLength) tokens, "
                + "which are all the model reads")
        }
        let idT = try Tensor(shape: [1, ids.count], ints: ids.map(Int64.init))
        let logits = try Tensor.withoutGrad { () -> Tensor? in
            try model.maskedLMLogits(hidden: model.hiddenStates(ids: idT, lengths: [ids.count]))
        }
        guard let logits else {
            throw RuntimeError("fill_mask needs a masked-language-model head (BertForMaskedLM); "
                + "\(model.typeName) has none")
        }
        let V = logits.shape[2]
        let slots = try positions.map { p -> [(token: String, probability: Double)] in
            let row = try logits.select(dim: 1, index: p).softmax(dim: 1).floats
            let order = (0..<V).sorted { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
            return order.prefix(top).map { (tokenizer.token(of: $0) ?? "?", Double(row[$0])) }
        }
        return .object(FillMaskObject(text: text, slots: slots))
    }

    /// generate with a pretrained language model (GPT-2): the prompt through its tokenizer, the
    /// continuation decoded; nil when the model has no tokenizer.
    static func generate(_ c: Call) throws -> Value? {
        guard case .object(let o as ModuleObject)? = c.value("model"), let model = o.module as? TinyGPT,
              let tokenizer = o.model.tokenizer else { return nil }
        let prompt = try tokenizer.encode(try c.string("prompt"), pair: nil, specialTokens: false).ids
        var g = RandomGenerator(seed: try ModelArguments.seed(c, "generate"))
        let out = try LanguageModel.generate(model, prompt: prompt.map(Int64.init), count: c.int("tokens"),
                                             temperature: c.double("temperature"), topK: c.optionalInt("top_k"),
                                             using: &g)
        return .string(tokenizer.decode(out.map { Int($0) }, skippingSpecialTokens: false))
    }
}
