import Explain
import Foundation
import Tensors
import Training

/// The builtins for plausibility against human rationales, annotation, and anchors.
enum PlausibilityBuiltins {
    static func register(_ r: Registry) {
        registerPlausibility(r)
        registerTable(r)
        registerAnnotation(r)
        registerRationaleFiles(r)
        AnchorBuiltins.register(r)
        ResultExports.register(r, "Plausibility", setup: bertSetup,
                               make: "plausibility(e, \"The food was *not good* at all.\")")
        ResultExports.register(r, "PlausibilityTable", setup: "bert = load_pretrained(\"sentiment-bert\")",
                               make: "plausibility_table(bert, [\"The food was not good at all.\"], "
                                   + "methods: [\"occlusion\"])")
    }

    static let bertSetup = """
        bert = load_pretrained("sentiment-bert")
        e = explain(bert, "The food was not good at all.", method: "occlusion")
        """

    /// A rationale argument: a Rationale, a list of words, or a text with the rationale in *…*.
    static func rationale(_ v: Value?, _ c: Call) throws -> Rationale {
        switch v {
        case .object(let o as RationaleObject)?: return o.rationale
        case .string(let s)?:
            guard s.contains("*") else {
                throw RuntimeError("\(c.fn): a rationale text marks its words between asterisks, as in "
                                   + "\"The food was *not good* at all\"; found \"\(s)\" (or give a list of words)")
            }
            return try Rationale.marked(s)
        case let v?:
            guard case .list = v else {
                throw RuntimeError("\(c.fn): rationale must be a list of words, a marked text (\"*not good*\") or a "
                                   + "Rationale, found \(v.typeName)")
            }
            return try Rationale.words(try c.interp.iterate(v).map {
                guard case .string(let s) = $0 else {
                    throw RuntimeError("\(c.fn): rationale words must be strings, found \($0.typeName)")
                }
                return s
            })
        case nil: throw RuntimeError("\(c.fn) needs a rationale")
        }
    }

    static func registerPlausibility(_ r: Registry) {
        r.function("plausibility", "explanation: Explanation, rationale: any, k: int? = nil, log_dir: string? = nil",
                   returns: "Plausibility",
                   """
                   How far an explanation of a text agrees with a human rationale (ERASER, DeYoung et al. 2020): token \
                   F1 of its top-k words by |score|, IOU F1 of their spans, and AUPRC of all words ranked by |score|.
                   """,
                   details: """
                   rationale: a list of words (["not", "good"]), the text with the rationale between asterisks \
                   ("The food was *not good* at all"), or a Rationale (annotate(), vader_rationale(), rationales()).
                   k: how many top words form the explanation's rationale (default: the rationale's size).
                   Words are matched letter by letter, so any tokenizer's units line up (pretrained models' words too).
                   """,
                   example: bertSetup + "\nplausibility(e, [\"not\", \"good\"]).token_f1") { c in
            let e = try ExplainBuiltins.explanation(c.value("explanation"), "plausibility: explanation")
            let p = try ExplanationMetrics.plausibility(e, rationale(c.value("rationale"), c), k: c.optionalInt("k"))
            var numbers = [("\(e.method)/token_f1", p.tokenF1), ("\(e.method)/iou_f1", p.iouF1),
                           ("\(e.method)/auprc", p.auprc)]
            if let rho = p.ratingCorrelation { numbers.append(("\(e.method)/rating_spearman", rho)) }
            try ExplainBuiltins.metricsLog(c)?.metrics(numbers)
            return .object(PlausibilityObject(p))
        }
        r.function("vader_rationale", "text: string, threshold: float = 1.0", returns: "Rationale",
                   """
                   The human-rated rationale of a text from the VADER lexicon (Hutto & Gilbert 2014): its words whose \
                   mean rating by ten people has |mean| ≥ threshold (ratings run from −4 to +4).
                   """,
                   example: "vader_rationale(\"The food was not good at all.\").rationale") { c in
            .object(RationaleObject(try VaderLexicon.load().rationale(c.string("text"),
                                                                      threshold: c.double("threshold"))))
        }
    }

    /// The texts of a dataset, or a list of strings.
    static func texts(_ v: Value?, _ c: Call) throws -> [String] {
        if case .object(let o as DatasetObject)? = v {
            guard let t = o.dataset.texts else {
                throw RuntimeError("\(c.fn): \(o.dataset.name) holds feature rows, not texts")
            }
            return t
        }
        guard let v else { throw RuntimeError("\(c.fn) needs texts: a list of strings or a text dataset") }
        return try c.interp.iterate(v).map {
            guard case .string(let s) = $0 else {
                throw RuntimeError("\(c.fn): texts must be strings, found \($0.typeName)")
            }
            return s
        }
    }

    /// Every method that explains text words (exact Shapley values left out: 2^words coalitions).
    static let textMethods = ["saliency", "input_x_gradient", "smoothgrad", "integrated_gradients", "occlusion",
                              "lime", "kernel_shap", "permutation_shap", "attention", "attention_rollout"]

    /// The requests for the table; without methods:, the text methods that work on this model.
    static func requests(_ c: Call, model: Model, probe: String?) throws -> [ExplainRequest] {
        let samples = try c.int("samples"), seed = try ModelArguments.seed(c, "plausibility_table")
        guard samples >= 2, samples <= 1_000_000 else {
            throw RuntimeError("plausibility_table: samples must be between 2 and 1000000, found \(samples)")
        }
        let names = try c.value("methods").map { try c.interp.iterate($0).map { v -> String in
            guard case .string(let s) = v else {
                throw RuntimeError("plausibility_table: methods must be names, found \(v.typeName)")
            }
            return s
        } }
        var out: [ExplainRequest] = []
        var firstProblem: Error?
        for name in names ?? textMethods {
            var r = ExplainRequest(method: try ExplainRequest.canonical(name))
            r.seed = seed
            if ["lime", "kernel_shap", "shap"].contains(r.method) { r.samples = samples }
            if names == nil, let probe {
                // Keep the methods this model supports (attention needs attention layers).
                do { _ = try Explainer.explain(Explainer.subject(model, .text(probe), r), r) } catch {
                    firstProblem = firstProblem ?? error
                    continue
                }
            }
            out.append(r)
        }
        if out.isEmpty, let problem = firstProblem {
            throw RuntimeError("plausibility_table: no explanation method works on this model and text "
                               + "(\(problem))")
        }
        return out
    }

    static func registerTable(_ r: Registry) {
        r.function("plausibility_table",
                   "model: Module, texts: any, methods: list? = nil, threshold: float = 1.0, samples: int = 200, "
                       + "seed: int = 0, limit: int? = nil, rank_by: string = \"auprc\", log_dir: string? = nil",
                   returns: "PlausibilityTable",
                   """
                   Ranks explanation methods by how well they find the words people rated (VADER rationales) over many \
                   texts: mean token F1, IOU F1, AUPRC and rank correlation with |rating|, beside a random baseline.
                   """,
                   details: """
                   texts: a list of strings or a text dataset; texts without a word rated |mean| ≥ threshold are \
                   skipped; limit: at most this many texts.
                   methods: names as explain() takes them (default: every text method the model supports, except \
                   exact Shapley values). samples: LIME's and KernelSHAP's samples; seed: their seed and the \
                   random baseline's. rank_by: auprc, token_f1, iou_f1 or spearman.
                   """,
                   example: """
                   bert = load_pretrained("sentiment-bert")
                   plausibility_table(bert, ["The food was not good at all.", "Great phone, excellent battery!"], \
                   methods: ["occlusion", "saliency"]).best
                   """) { c in
            let m = try c.model("model")
            let texts = try texts(c.value("texts"), c)
            let model = Explainer.explainable(m.model)
            m.module.eval()
            let reqs = try requests(c, model: model,
                                    probe: texts.first { !Rationale.words(ofText: $0).isEmpty } ?? texts.first)
            let t = try PlausibilityTable.measure(model: model, texts: texts, requests: reqs,
                                                  lexicon: VaderLexicon.load(), threshold: c.double("threshold"),
                                                  limit: c.optionalInt("limit"),
                                                  seed: ModelArguments.seed(c, "plausibility_table"),
                                                  rankBy: c.string("rank_by"))
            try ExplainBuiltins.metricsLog(c)?.metrics(t.rows.flatMap { row in
                [("plausibility/\(row.method)/token_f1", row.tokenF1), ("plausibility/\(row.method)/iou_f1", row.iouF1),
                 ("plausibility/\(row.method)/auprc", row.auprc)]
            })
            return .object(PlausibilityTableObject(t))
        }
    }
}

// MARK: annotation at the prompt, and files of rationales

extension PlausibilityBuiltins {
    static let question = "which words are the reason? (numbers or words, separated by spaces or commas): "

    /// Asks the person at the prompt which words of the text are the reason, until the answer
    /// names words of the text (three tries).
    static func ask(_ text: String, _ c: Call, _ ask: (String) -> String?) throws -> Rationale {
        let words = Rationale.words(ofText: text)
        guard !words.isEmpty else { throw RuntimeError("annotate: the text \"\(text)\" has no words to annotate") }
        c.interp.output("  " + words.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: "  "),
                        false)
        var problem = ""
        for _ in 0..<3 {
            guard let answer = ask(problem + question) else {
                throw RuntimeError("annotate: no answer was given (end of input), so no rationale was made")
            }
            let parts = answer.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
            do {
                guard !parts.isEmpty else { throw RuntimeError("name at least one word") }
                if parts.allSatisfy({ Int($0) != nil }) {
                    return try Rationale.annotated(text, positions: parts.compactMap { Int($0).map { $0 - 1 } })
                }
                return try Rationale.annotated(text, words: parts)
            } catch {
                problem = "\(error) — "
            }
        }
        throw RuntimeError("annotate: three answers named no words of the text; the words are "
                           + words.enumerated().map { "\($0.offset + 1) \($0.element)" }.joined(separator: ", "))
    }

    static func registerAnnotation(_ r: Registry) {
        r.function("annotate", "text: string, words: list? = nil", returns: "Rationale",
                   """
                   A human rationale for a text: at the prompt it shows the words numbered and asks which are the \
                   reason; with words: it marks those words (every occurrence, case-insensitive; or word numbers, \
                   1 = the first) without asking.
                   """,
                   details: """
                   Answer with numbers ("4 5") or the words themselves ("not good"). In a script nobody can answer, \
                   so give words:. Pass the result to plausibility(), or keep it with r.save("file.jsonl").
                   """,
                   example: "annotate(\"The food was not good at all\", words: [\"not\", \"good\"])") { c in
            let text = try c.string("text")
            if let given = c.value("words") {
                let items = try c.interp.iterate(given)
                guard !items.isEmpty else { throw RuntimeError("annotate: words: names no word; give at least one") }
                // Word numbers, as the prompt shows them (1 = the first word), or the words themselves.
                let numbers = items.compactMap { v -> Int? in if case .int(let n) = v { return n - 1 }; return nil }
                return .object(RationaleObject(numbers.count == items.count
                    ? try Rationale.annotated(text, positions: numbers)
                    : try Rationale.annotated(text, words: items.map(\.display))))
            }
            guard let askLine = c.interp.askLine else {
                throw RuntimeError("annotate: nobody is at a prompt to ask (a script or a pipe); give the words: "
                                   + "annotate(text, words: [\"not\", \"good\"])")
            }
            return .object(RationaleObject(try ask(text, c, askLine)))
        }
    }

    static func rationaleObject(_ c: Call) throws -> RationaleObject { try c.receiverObject(RationaleObject.self) }

    static func registerRationaleFiles(_ r: Registry) {
        let make = "annotate(\"The food was not good at all\", words: [\"not\", \"good\"])"
        r.method("Rationale", "save", "path: string", returns: "nil",
                 """
                 Appends the rationale to a JSON Lines file (one rationale per line; the file is rewritten \
                 atomically), or writes an HTML page when the name ends in .html.
                 """,
                 example: "\(make).save(\"/tmp/rationales.jsonl\")") { c in
            let o = try rationaleObject(c)
            let path = try c.string("path")
            let url = try c.interp.resolve(path)
            var text: String
            if ["html", "htm"].contains(url.pathExtension.lowercased()) {
                text = ResultExports.page(title: "Rationale", body: o.figureHTML)
            } else {
                text = FileManager.default.fileExists(atPath: url.path)
                    ? try String(contentsOf: url, encoding: .utf8) : ""
                if !text.isEmpty, !text.hasSuffix("\n") { text += "\n" }
                text += o.json + "\n"
            }
            do { try SafeFile.write(Data(text.utf8), to: url) } catch { throw RuntimeError("save: \(error)") }
            return .none
        }
        r.method("Rationale", "json", "", returns: "string", "The rationale as one line of JSON.",
                 example: "\(make).json()") { c in .string(try rationaleObject(c).json) }
        r.method("Rationale", "html", "", returns: "string",
                 "The rationale as an HTML figure: the words, the rationale's highlighted.",
                 example: "\(make).html().startswith(\"<figure\")") { c in .string(try rationaleObject(c).figureHTML) }
        r.function("rationales", "path: string", returns: "list",
                   "The rationales in a JSON Lines file (as Rationale.save writes them).",
                   example: "\(make).save(\"/tmp/r.jsonl\")\nlen(rationales(\"/tmp/r.jsonl\")) > 0") { c in
            let path = try c.string("path")
            let text: String
            do { text = try String(contentsOf: c.interp.resolve(path), encoding: .utf8) } catch {
                throw RuntimeError("rationales: cannot read \"\(path)\": \(error.localizedDescription)")
            }
            var out: [Value] = []
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let trimmed = line.trimmingCharacters(in: .whitespaces)
                if trimmed.isEmpty { continue }
                do { out.append(.object(RationaleObject(try Rationale.fromJSON(trimmed)))) } catch {
                    throw RuntimeError("rationales: line \(i + 1) of \(path) is not a rationale: \(error)")
                }
            }
            return .list(out)
        }
    }
}
