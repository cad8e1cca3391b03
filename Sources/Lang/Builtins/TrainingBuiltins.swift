import Foundation
import Layers
import Tensors
import Training

/// Data, optimizers, fit/evaluate/predict.
enum TrainingBuiltins {
    static func data(_ v: Value?, _ what: String) throws -> Dataset {
        guard case .object(let o as DatasetObject)? = v else { throw RuntimeError("\(what) must be a dataset (dataset(\"iris\"), load_csv(...)), found \(v?.typeName ?? "nil")") }
        return o.dataset
    }
    static func model(_ v: Value?, _ what: String) throws -> ModuleObject {
        guard case .object(let o as ModuleObject)? = v else { throw RuntimeError("\(what) must be a model, found \(v?.typeName ?? "nil")") }
        return o
    }
    static func ds(_ d: Dataset) -> Value { .object(DatasetObject(d)) }

    static func register(_ r: Registry) {
        r.function("dataset", "name: string", returns: "Dataset",
                   "A dataset shipped with xai: sentiment, breast_cancer, wine, iris, digits; shakespeare is the text itself (see data/README.md for sources and licences).",
                   example: "data = dataset(\"iris\")\ndata") { c in
            let name = try c.string("name")
            if name == "shakespeare" { return .string(try Datasets.corpus(name)) }
            return ds(try Datasets.load(name))
        }
        r.function("corpus", "name: string", returns: "string", "A text corpus shipped with xai (shakespeare).", example: "len(corpus(\"shakespeare\"))") { c in
            .string(try Datasets.corpus(c.string("name")))
        }
        r.function("load_csv", "path: string, target: string, features: list? = nil", returns: "Dataset",
                   "Reads a CSV with a header: the target column becomes int labels, the rest (or features:) float features.",
                   details: "Ragged rows and non-numbers are errors that name the row and column.",
                   example: "load_csv(\"data/iris.csv\", target: \"target\")") { c in
            try table(c, separator: ",")
        }
        r.function("load_tsv", "path: string, text: string, label: string", returns: "Dataset",
                   "Reads a TSV of texts and integer labels (like sentiment.tsv).", example: "load_tsv(\"data/sentiment.tsv\", text: \"text\", label: \"label\")") { c in
            let t = try Table.read(try c.interp.resolve(c.string("path")), separator: "\t")
            let ti = try t.index(of: c.string("text")), li = try t.index(of: c.string("label"))
            let labels = try t.rows.enumerated().map { i, row -> Int64 in
                guard let v = Int64(row[li].trimmingCharacters(in: .whitespaces)) else {
                    throw RuntimeError("row \(i + 1), column '\(t.columns[li])': expected an integer label, found \"\(row[li])\"")
                }
                return v
            }
            return ds(try Dataset(name: URL(fileURLWithPath: try c.string("path")).deletingPathExtension().lastPathComponent,
                                  inputs: .text(t.rows.map { $0[ti] }), labels: Tensor(shape: [labels.count], ints: labels)))
        }

        func dataset(_ c: Call) throws -> Dataset { try c.receiverObject(DatasetObject.self).dataset }
        r.method("Dataset", "split", "fraction: float = 0.8, test: list? = nil", returns: "list",
                 "[train, test]: a seeded shuffle then the first fraction for training, or the given test row indices.",
                 example: "seed(0)\ntrain, test = dataset(\"iris\").split(0.8)\n[len(train), len(test)]") { c in
            let d = try dataset(c)
            let (a, b): (Dataset, Dataset)
            if let t = c.value("test") {
                let idx = try c.interp.iterate(t).map { try Convert.int($0, what: "test index") }
                (a, b) = try d.split(testIndices: idx)
            } else {
                (a, b) = try d.split(try c.double("fraction"), using: &Random.shared)
            }
            return .list([ds(a), ds(b)])
        }
        r.method("Dataset", "shuffle", "", returns: "Dataset", "The rows in a seeded random order.", example: "dataset(\"iris\").shuffle()") { c in
            ds(try dataset(c).shuffled(using: &Random.shared))
        }
        r.method("Dataset", "standardize", "like: Dataset? = nil", returns: "Dataset",
                 "Features scaled to mean 0 and standard deviation 1 per column, with this data's statistics or like:'s (use the training split's).",
                 example: "train, test = dataset(\"wine\").split(0.8)\ntrain = train.standardize()\ntest = test.standardize(like: train)") { c in
            ds(try dataset(c).standardized(like: try c.value("like").map { try data($0, "like") }))
        }
        r.method("Dataset", "images", "side: int = 8", returns: "Dataset", "Feature rows reshaped to images [N, 1, side, side].",
                 example: "dataset(\"digits\").images()") { c in ds(try dataset(c).images(side: c.int("side"))) }
        r.method("Dataset", "vocab", "min_count: int = 1, max_size: int? = nil, tokenizer: string = \"words\"", returns: "Vocabulary",
                 "A vocabulary of this text data's tokens (<pad> = 0, <unk> = 1; most frequent first).",
                 details: "tokenizer: \"words\" (lower-case runs of letters, digits and ') or \"characters\".",
                 example: "dataset(\"sentiment\").vocab(min_count: 2)") { c in
            let kind = try c.string("tokenizer")
            guard kind == "words" || kind == "characters" else { throw RuntimeError("vocab: tokenizer must be \"words\" or \"characters\", found \"\(kind)\"") }
            return .object(VocabObject(try dataset(c).vocabulary(minCount: c.int("min_count"), maxSize: try c.optionalInt("max_size"),
                                                                  tokenizer: kind == "words" ? .words : .characters)))
        }
        r.method("Dataset", "subset", "indices: list", returns: "Dataset", "The rows at the given indices.", example: "dataset(\"iris\").subset([0, 50, 100])") { c in
            ds(try dataset(c).subset(try c.list("indices").map { try Convert.int($0, what: "index") }))
        }
        r.method("Vocabulary", "encode", "text: string", returns: "list", "Token ids of a text (at most 40 tokens; unknown words are 1).",
                 example: "dataset(\"sentiment\").vocab().encode(\"not good at all\")") { c in
            .list(try c.receiverObject(VocabObject.self).vocabulary.encode(c.string("text")).map { .int($0) })
        }

        for (name, summary) in [("SGD", "Stochastic gradient descent with optional momentum, Nesterov and weight decay (torch.optim.SGD)."),
                                ("Adam", "Adam with bias correction (torch.optim.Adam)."),
                                ("AdamW", "Adam with decoupled weight decay (torch.optim.AdamW; weight_decay defaults to 0.01).")] {
            let params = name == "SGD" ? "lr: float = 0.01, momentum: float = 0, dampening: float = 0, weight_decay: float = 0, nesterov: bool = false"
                                       : "lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 0.00000001, weight_decay: float? = nil"
            r.function(name, params, returns: "Optimizer", summary, example: "opt = \(name)(lr: 0.01)") { c in
                var settings: [String: Double] = [:]
                // Only the settings given: the optimizer prints as written, and the rest are torch.optim's.
                for p in c.builtin.params where p.type == "float" && c.given.contains(p.name) {
                    if let v = try c.optionalDouble(p.name) { settings[p.name] = v }
                }
                let nesterov = name == "SGD" ? try c.bool("nesterov") : false
                return .object(OptimizerObject(kind: name, settings: settings, flags: ["nesterov": nesterov]))
            }
        }

        r.function("fit", "model: Module, data: Dataset, epochs: int = 5, batch: int = 32, optimizer: Optimizer? = nil, loss: string? = nil, validation: Dataset? = nil, clip: float? = nil, schedule: string? = nil, log_dir: string? = nil, quiet: bool = false",
                   returns: "History", "Trains a model: seeded shuffles, mini-batches, a live progress bar at a terminal; Ctrl-C stops after the current batch.",
                   details: "loss: \"bce\" (one logit), \"cross_entropy\" or \"mse\"; by default bce for one-logit models, cross-entropy otherwise.\noptimizer defaults to Adam(lr: 0.001). schedule: \"cosine\" or \"step\" (halves the rate every epochs/3).\nEach epoch prints one line (none with quiet: true); its duration goes to a #~ line that `xai check` skips.\nlog_dir: writes TensorBoard event files there (batch/loss per step; epoch/loss, accuracy, learning rate and validation metrics per epoch).",
                   example: "seed(0)\ntrain, test = dataset(\"iris\").split(0.8)\nmlp = Sequential(Linear(4, 16), ReLU(), Linear(16, 3))\nh = fit(mlp, train.standardize(), epochs: 3, optimizer: Adam(lr: 0.01))") { c in
            try fitCall(c)
        }
        r.function("distill", "teacher: Module, student: Module, data: Dataset, epochs: int = 5, batch: int = 32, optimizer: Optimizer? = nil, temperature: float = 4.0, alpha: float = 0.5",
                   returns: "History",
                   "Knowledge distillation: trains the student on α·T²·KL(teacher/T ‖ student/T) plus (1 − α) times the label loss (Hinton et al. 2015).",
                   details: "One-logit models are read as two classes [0, z]. optimizer defaults to Adam(lr: 0.001). Each epoch prints one line.",
                   example: "seed(0)\ndata = dataset(\"iris\").standardize()\nteacher = Sequential(Linear(4, 32), ReLU(), Linear(32, 3))\nh = fit(teacher, data, epochs: 2)\nstudent = Sequential(Linear(4, 3))\nh2 = distill(teacher, student, data, epochs: 2)") { c in
            let teacher = try model(c.value("teacher"), "distill: teacher"), student = try model(c.value("student"), "distill: student")
            let d = try data(c.value("data"), "distill: data")
            let optimizer: Optimizer
            if case .object(let o as OptimizerObject)? = c.value("optimizer") { optimizer = try o.make(student.module.parameters) } else {
                optimizer = try Adam(student.module.parameters, lr: 1e-3)
            }
            let interp = c.interp
            let h = try distill(teacher: teacher.model, student: student.model, data: d, epochs: c.int("epochs"), batchSize: c.int("batch"),
                                optimizer: optimizer, temperature: c.double("temperature"), alpha: c.double("alpha")) { event in
                if case .epoch(let rec, let n) = event {
                    interp.emit(String(format: "epoch %d/%d · distillation loss %.4f · acc %.3f", rec.epoch, n, rec.loss, rec.accuracy))
                    interp.emitVolatile(String(format: "epoch %d took %.2f s", rec.epoch, rec.seconds))
                }
            }
            if let s = h.stopped { interp.noteStoppedByCtrlC(); interp.emit("stopped by Ctrl-C after batch \(s.batch) of epoch \(s.epoch); the student keeps what it learned") }
            return .object(HistoryObject(h))
        }
        r.function("log_scalar", "log_dir: string, tag: string, value: float, step: int = 0", returns: "nil",
                   "Adds one scalar to the TensorBoard log in log_dir (the file fit() writes there in this session), e.g. an explanation's faithfulness.",
                   example: "log_scalar(\"/tmp/xai-runs/demo\", \"explain/aopc\", 0.42, step: 1)") { c in
            let w = try EventWriter.shared(c.interp.resolve(c.string("log_dir")))
            let v = try c.double("value")
            guard v.isFinite else { throw RuntimeError("log_scalar: value must be a finite number, found \(v)") }
            w.scalars([(try c.string("tag"), v)], step: try c.int("step"))
            try w.flush()
            return .none
        }
        r.function("evaluate", "model: Module, data: Dataset", returns: "Evaluation",
                   "Accuracy, precision, recall, F1, ROC AUC (binary) and the confusion matrix on a dataset.",
                   example: "seed(0)\ntrain, test = dataset(\"iris\").split(0.8)\nmodel = Sequential(Linear(4, 3))\nfit(model, train, epochs: 1, quiet: true)\nevaluate(model, test)") { c in
            let m = try model(c.value("model"), "model"), d = try data(c.value("data"), "data")
            return .object(EvaluationObject(try evaluate(m.model, d), classNames: d.classNames))
        }
        r.function("predict", "model: Module, data: any", returns: "tensor",
                   "Probabilities: of the positive class [N] for one-logit models, of each class [N, C] otherwise. data: a dataset, a text or a list of texts.",
                   example: "data = dataset(\"sentiment\")\nmodel = SentimentNet(vocab: data.vocab(), embed: 8, hidden: 8)\npredict(model, [\"great phone\", \"awful\"])") { c in
            let m = try model(c.value("model"), "model")
            var d: Dataset
            switch c.value("data") {
            case .string(let s)?: d = try Dataset(name: "input", inputs: .text([s]), labels: Tensor(shape: [1], ints: [0]))
            case .list(let l)?:
                let texts = l.items.map(\.display)
                d = try Dataset(name: "input", inputs: .text(texts), labels: Tensor(shape: [texts.count], ints: [Int64](repeating: 0, count: texts.count)))
            case .tensor(let x)?:
                d = try Dataset(name: "input", inputs: .features(x), labels: Tensor(shape: [x.shape.first ?? 0], ints: [Int64](repeating: 0, count: x.shape.first ?? 0)))
            default: d = try data(c.value("data"), "data")
            }
            return .tensor(try predict(m.model, d))
        }
    }

    static func table(_ c: Call, separator: Character) throws -> Value {
        let path = try c.string("path")
        let t = try Table.read(try c.interp.resolve(path), separator: separator)
        let target = try c.string("target")
        let names = try c.value("features").map { try c.interp.iterate($0).map(\.display) } ?? t.columns.filter { $0 != target }
        let x = try t.numbers(names)
        let y = try t.numbers([target]).reshape([-1])
        guard y.floats.allSatisfy({ $0 == $0.rounded() && $0 >= 0 }) else {
            throw RuntimeError("target column '\(target)' must hold class numbers 0, 1, 2…")
        }
        return ds(try Dataset(name: URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent, inputs: .features(x),
                              labels: y.toInt(), featureNames: names))
    }

    static func fitCall(_ c: Call) throws -> Value {
        let m = try model(c.value("model"), "model"), d = try data(c.value("data"), "data")
        let epochs = try c.int("epochs"), batch = try c.int("batch")
        let spec: OptimizerObject
        if case .object(let o as OptimizerObject)? = c.value("optimizer") { spec = o } else if c.value("optimizer") == nil {
            spec = OptimizerObject(kind: "Adam", settings: [:], flags: [:])
        } else { throw RuntimeError("fit: optimizer must be SGD(...), Adam(...) or AdamW(...)") }
        let optimizer = try spec.make(m.module.parameters)
        spec.bound = optimizer
        let loss = try c.optionalString("loss").map { s -> LossKind in
            guard let k = LossKind(rawValue: s) else { throw RuntimeError("fit: loss must be \"bce\", \"cross_entropy\" or \"mse\", found \"\(s)\"") }
            return k
        }
        let schedule = try c.optionalString("schedule").map { s -> Schedule in
            switch s {
            case "cosine": return .cosine(periods: epochs, minimum: 0)
            case "step": return .step(size: max(1, epochs / 3), gamma: 0.5)
            default: throw RuntimeError("fit: schedule must be \"cosine\" or \"step\", found \"\(s)\"")
            }
        }
        if case .text = d.inputs, m.model.vocabulary == nil {
            throw RuntimeError("fit: \(m.module.typeName) has no vocabulary for text data; train a text model made with one, "
                + "such as SentimentNet(vocab: data.vocab(), embed: 32, hidden: 32) or BERT(vocab: data.vocab(), …)")
        }
        let interp = c.interp
        let quiet = try c.bool("quiet")
        let bar = ProgressBar(live: interp.interactive && isatty(1) == 1 && !quiet)
        let history = try fit(m.model, d, epochs: epochs, batchSize: batch, optimizer: optimizer, loss: loss,
                              validation: try c.value("validation").map { try data($0, "validation") }, schedule: schedule,
                              clipNorm: try c.optionalDouble("clip"),
                              log: try c.optionalString("log_dir").map { dir -> EventWriter in
                                  let w = try EventWriter.shared(c.interp.resolve(dir))
                                  c.interp.trainingLog = w
                                  return w
                              }) { event in
            switch event {
            case .batch(let e, let n, let b, let bs, let l, let a, let rate, let eta):
                bar.update(epoch: e, epochs: n, batch: b, batches: bs, loss: l, accuracy: a, rate: rate, eta: eta)
            case .epoch(let rec, let n):
                bar.clear()
                if quiet { break }
                var line = String(format: "epoch %d/%d · loss %.4f · acc %.3f", rec.epoch, n, rec.loss, rec.accuracy)
                if let vl = rec.validationLoss, let va = rec.validationAccuracy { line += String(format: " · val_loss %.4f · val_acc %.3f", vl, va) }
                interp.emit(line)
                interp.emitVolatile(String(format: "epoch %d took %.2f s (%.0f rows/s)", rec.epoch, rec.seconds, Double(d.count) / max(rec.seconds, 1e-9)))
            }
        }
        bar.clear()
        if let s = history.stopped {
            interp.noteStoppedByCtrlC(); interp.emit("stopped by Ctrl-C after batch \(s.batch) of epoch \(s.epoch); the model keeps what it learned")
        }
        return .object(HistoryObject(history))
    }
}
