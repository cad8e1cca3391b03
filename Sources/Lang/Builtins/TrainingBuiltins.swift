import Foundation
import Layers
import Tensors
import Training

/// Optimizers, fit/distill, training logs, evaluate/predict.
enum TrainingBuiltins {
    // FusionBuiltins reads datasets through these names; the readers live in ModelArguments and DatasetBuiltins.
    static func data(_ v: Value?, _ what: String) throws -> Dataset { try ModelArguments.data(v, what) }
    static func ds(_ d: Dataset) -> Value { DatasetBuiltins.ds(d) }

    static func register(_ r: Registry) {
        DatasetBuiltins.register(r)
        registerOptimizers(r)
        registerFit(r)
        registerDistill(r)
        registerTrainingLog(r)
        registerEvaluation(r)
    }

    /// Each optimizer's name, summary and settings. Adam and AdamW take the same settings; AdamW's
    /// weight_decay defaults to 0.01 when it is made (OptimizerObject.make).
    static let optimizers: [(name: String, summary: String, params: String)] = {
        let sgd = "lr: float = 0.01, momentum: float = 0, dampening: float = 0, weight_decay: float = 0, "
            + "nesterov: bool = false"
        let adam = "lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 0.00000001, "
            + "weight_decay: float? = nil"
        return [
            ("SGD", "Stochastic gradient descent with optional momentum, Nesterov and weight decay "
                + "(torch.optim.SGD).", sgd),
            ("Adam", "Adam with bias correction (torch.optim.Adam).", adam),
            ("AdamW", "Adam with decoupled weight decay (torch.optim.AdamW; weight_decay defaults to 0.01).", adam),
        ]
    }()

    /// Says where Ctrl-C stopped a training run, and notes it for the session (a saved session
    /// keeps the run as a comment).
    static func stoppedByCtrlC(_ interp: Interpreter, _ whereAndWhat: String) {
        interp.noteStoppedByCtrlC()
        interp.emit("stopped by Ctrl-C " + whereAndWhat)
    }

    static func registerOptimizers(_ r: Registry) {
        for (name, summary, params) in optimizers {
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
    }

    static func registerFit(_ r: Registry) {
        r.function("fit", "model: Module, data: Dataset, epochs: int = 5, batch: int = 32, "
                       + "optimizer: Optimizer? = nil, loss: any = nil, validation: Dataset? = nil, "
                       + "clip: float? = nil, schedule: string? = nil, log_dir: string? = nil, quiet: bool = false",
                   returns: "History",
                   """
                   Trains a model: seeded shuffles, mini-batches, a live progress bar at a terminal; Ctrl-C stops \
                   after the current batch.
                   """,
                   details: """
                   loss: "bce" (one logit), "cross_entropy" or "mse"; by default bce for one-logit models, \
                   cross-entropy otherwise; or a function fn(logits, targets) that returns one number.
                   optimizer defaults to Adam(lr: 0.001). schedule: "cosine" or "step" (halves the rate every epochs/3).
                   Each epoch prints one line (none with quiet: true); its duration goes to a #~ line that \
                   `xai check` skips.
                   log_dir: writes TensorBoard event files there (batch/loss per step; epoch/loss, accuracy, learning \
                   rate and validation metrics per epoch).
                   """,
                   example: """
                   seed(0)
                   train, test = dataset("iris").split(0.8)
                   mlp = Sequential(Linear(4, 16), ReLU(), Linear(16, 3))
                   h = fit(mlp, train.standardize(), epochs: 3, optimizer: Adam(lr: 0.01))
                   """) { c in
            try fitCall(c)
        }
    }

    static func registerDistill(_ r: Registry) {
        r.function("distill", "teacher: Module, student: Module, data: Dataset, epochs: int = 5, batch: int = 32, "
                       + "optimizer: Optimizer? = nil, temperature: float = 4.0, alpha: float = 0.5",
                   returns: "History",
                   """
                   Knowledge distillation: trains the student on α·T²·KL(teacher/T ‖ student/T) plus (1 − α) \
                   times the label loss (Hinton et al. 2015).
                   """,
                   details: """
                   One-logit models are read as two classes [0, z]. optimizer defaults to Adam(lr: 0.001). Each epoch \
                   prints one line.
                   """,
                   example: """
                   seed(0)
                   data = dataset("iris").standardize()
                   teacher = Sequential(Linear(4, 32), ReLU(), Linear(32, 3))
                   h = fit(teacher, data, epochs: 2)
                   student = Sequential(Linear(4, 3))
                   h2 = distill(teacher, student, data, epochs: 2)
                   """) { c in
            let teacher = try c.model("teacher"), student = try c.model("student")
            let d = try c.dataset("data")
            let optimizer = try ModelArguments.optimizer(c.value("optimizer"), for: student.module.parameters) {
                try Adam($0, lr: 1e-3)
            }
            let interp = c.interp
            let h = try distill(teacher: teacher.model, student: student.model, data: d, epochs: c.int("epochs"),
                                batchSize: c.int("batch"), optimizer: optimizer, temperature: c.double("temperature"),
                                alpha: c.double("alpha")) { event in
                if case .epoch(let rec, let n) = event {
                    interp.emit(String(format: "epoch %d/%d · distillation loss %.4f · acc %.3f",
                                       rec.epoch, n, rec.loss, rec.accuracy))
                    interp.emitVolatile(String(format: "epoch %d took %.2f s", rec.epoch, rec.seconds))
                }
            }
            if let s = h.stopped {
                stoppedByCtrlC(interp, "after batch \(s.batch) of epoch \(s.epoch); the student keeps what it learned")
            }
            return .object(HistoryObject(h))
        }
    }

    static func registerTrainingLog(_ r: Registry) {
        r.function("log_scalar", "log_dir: string, tag: string, value: float, step: int = 0", returns: "nil",
                   """
                   Adds one scalar to the TensorBoard log in log_dir (the file fit() writes there in this session), \
                   e.g. an explanation's faithfulness.
                   """,
                   example: "log_scalar(\"/tmp/xai-runs/demo\", \"explain/aopc\", 0.42, step: 1)") { c in
            let w = try EventWriter.shared(c.interp.resolve(c.string("log_dir")))
            let v = try c.double("value")
            guard v.isFinite else { throw RuntimeError("log_scalar: value must be a finite number, found \(v)") }
            w.scalars([(try c.string("tag"), v)], step: try c.int("step"))
            try w.flush()
            return .none
        }
    }

    static func registerEvaluation(_ r: Registry) {
        r.function("evaluate", "model: Module, data: Dataset", returns: "Evaluation",
                   "Accuracy, precision, recall, F1, ROC AUC (binary) and the confusion matrix on a dataset.",
                   example: """
                   seed(0)
                   train, test = dataset("iris").split(0.8)
                   model = Sequential(Linear(4, 3))
                   fit(model, train, epochs: 1, quiet: true)
                   evaluate(model, test)
                   """) { c in
            let m = try ModelArguments.model(c.value("model"), "model")
            let d = try ModelArguments.data(c.value("data"), "data")
            return .object(EvaluationObject(try evaluate(m.model, d), classNames: d.classNames))
        }
        r.function("predict", "model: Module, data: any", returns: "tensor",
                   """
                   Probabilities: of the positive class [N] for one-logit models, of each class [N, C] otherwise. \
                   data: a dataset, a text or a list of texts.
                   """,
                   example: """
                   data = dataset("sentiment")
                   model = SentimentNet(vocab: data.vocab(), embed: 8, hidden: 8)
                   predict(model, ["great phone", "awful"])
                   """) { c in
            let m = try ModelArguments.model(c.value("model"), "model")
            return .tensor(try predict(m.model, try predictionData(c.value("data"))))
        }
    }

    /// predict()'s data: a dataset, or unlabelled rows (a text, a list of texts, a tensor of rows).
    static func predictionData(_ v: Value?) throws -> Dataset {
        func unlabelled(_ n: Int) throws -> Tensor { try Tensor(shape: [n], ints: [Int64](repeating: 0, count: n)) }
        switch v {
        case .string(let s)?: return try Dataset(name: "input", inputs: .text([s]), labels: unlabelled(1))
        case .list(let l)?:
            let texts = l.items.map(\.display)
            return try Dataset(name: "input", inputs: .text(texts), labels: unlabelled(texts.count))
        case .tensor(let x)?:
            return try Dataset(name: "input", inputs: .features(x), labels: unlabelled(x.shape.first ?? 0))
        default: return try ModelArguments.data(v, "data")
        }
    }

    /// fit()'s loss: by name, or nil for the model's usual one.
    /// fit()'s loss when it is a function written in the language: (logits, targets) → one number.
    static func lossFunction(_ c: Call) -> LossFunction? {
        guard case .function(let f)? = c.value("loss") else { return nil }
        let interp = c.interp
        return { logits, targets in
            try Convert.tensor(f.call(interp, Arguments([.tensor(logits), .tensor(targets)])),
                               what: "the value of the loss function \(f.name)")
        }
    }

    static func lossArgument(_ c: Call) throws -> LossKind? {
        if case .function? = c.value("loss") { return nil }
        return try c.optionalString("loss").map { s -> LossKind in
            guard let k = LossKind(rawValue: s) else {
                throw RuntimeError("fit: loss must be \"bce\", \"cross_entropy\" or \"mse\", found \"\(s)\"")
            }
            return k
        }
    }

    /// fit()'s learning-rate schedule over `epochs`, or nil for a constant rate.
    static func scheduleArgument(_ c: Call, epochs: Int) throws -> Schedule? {
        try c.optionalString("schedule").map { s -> Schedule in
            switch s {
            case "cosine": return .cosine(periods: epochs, minimum: 0)
            case "step": return .step(size: max(1, epochs / 3), gamma: 0.5)
            default: throw RuntimeError("fit: schedule must be \"cosine\" or \"step\", found \"\(s)\"")
            }
        }
    }

    static func fitCall(_ c: Call) throws -> Value {
        let m = try ModelArguments.model(c.value("model"), "model")
        let d = try ModelArguments.data(c.value("data"), "data")
        let epochs = try c.int("epochs"), batch = try c.int("batch")
        let spec: OptimizerObject
        if case .object(let o as OptimizerObject)? = c.value("optimizer") {
            spec = o
        } else if c.value("optimizer") == nil {
            spec = OptimizerObject(kind: "Adam", settings: [:], flags: [:])
        } else { throw RuntimeError("fit: optimizer must be SGD(...), Adam(...) or AdamW(...)") }
        let optimizer = try spec.make(m.module.parameters)
        spec.bound = optimizer
        let loss = try lossArgument(c)
        let schedule = try scheduleArgument(c, epochs: epochs)
        if case .text = d.inputs, m.model.vocabulary == nil {
            throw RuntimeError("fit: \(m.module.typeName) has no vocabulary for text data; "
                + "train a text model made with one, "
                + "such as SentimentNet(vocab: data.vocab(), embed: 32, hidden: 32) or BERT(vocab: data.vocab(), …)")
        }
        let interp = c.interp
        let quiet = try c.bool("quiet")
        let bar = ProgressBar(live: interp.interactive && isatty(1) == 1 && !quiet)
        let history = try fit(m.model, d, epochs: epochs, batchSize: batch, optimizer: optimizer, loss: loss,
                              customLoss: lossFunction(c),
                              validation: try c.value("validation").map { try ModelArguments.data($0, "validation") },
                              schedule: schedule, clipNorm: try c.optionalDouble("clip"),
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
                if let vl = rec.validationLoss, let va = rec.validationAccuracy {
                    line += String(format: " · val_loss %.4f · val_acc %.3f", vl, va)
                }
                interp.emit(line)
                interp.emitVolatile(String(format: "epoch %d took %.2f s (%.0f rows/s)", rec.epoch, rec.seconds,
                                           Double(d.count) / max(rec.seconds, 1e-9)))
            }
        }
        bar.clear()
        if let s = history.stopped {
            stoppedByCtrlC(interp, "after batch \(s.batch) of epoch \(s.epoch); the model keeps what it learned")
        }
        return .object(HistoryObject(history))
    }
}
