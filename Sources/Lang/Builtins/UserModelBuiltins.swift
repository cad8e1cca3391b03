import Foundation
import Tensors
import Training

/// What a `model` body uses besides layers: learned tensors and kept tensors.
enum UserModelBuiltins {
    static func register(_ r: Registry) {
        registerTensorKinds(r)
        registerTrainingLoop(r)
    }

    static func registerTensorKinds(_ r: Registry) {
        r.function("Parameter", "data: tensor", returns: "Parameter",
                   """
                   A tensor a model learns: assigned to self.name in a model's body, it is trained, saved \
                   and loaded under that name.
                   """,
                   example: """
                   model Scale(n) {
                       self.w = Parameter(ones(n))
                       fn forward(x) { x * self.w }
                   }
                   Scale(3)(tensor([1.0, 2.0, 3.0]))
                   """) { c in
            .object(ModelTensorObject(.parameter, try c.tensor("data").toFloat()))
        }
        r.function("Buffer", "data: tensor", returns: "Buffer",
                   """
                   A tensor a model keeps but does not learn (a mask, a fixed table): assigned to self.name in \
                   a model's body, it is saved and loaded under that name.
                   """,
                   example: """
                   model Masked(n) {
                       self.mask = Buffer(tensor([1.0, 0.0, 1.0]))
                       fn forward(x) { x * self.mask }
                   }
                   Masked(3)(tensor([4.0, 5.0, 6.0]))
                   """) { c in
            .object(ModelTensorObject(.buffer, try c.tensor("data")))
        }
    }

    /// Training that fit() does not cover: the step function computes the loss, the loop does
    /// the rest (zero the gradients, backward, clip, the optimizer's step, progress, Ctrl-C).
    static func registerTrainingLoop(_ r: Registry) {
        r.function("train_steps",
                   "model: Module, step: any, steps: int = 100, optimizer: Optimizer? = nil, clip: float? = nil, "
                       + "every: int = 10, quiet: bool = false",
                   returns: "list",
                   """
                   Trains a model with a step function written in the language: step(i) returns the loss of \
                   step i (one number); each step zeroes the gradients, runs backward and the optimizer. \
                   Returns the losses.
                   """,
                   details: """
                   For objectives fit() does not cover (a language model's next-token loss, a contrastive \
                   loss). optimizer defaults to Adam(lr: 0.001); clip: the largest gradient norm. A line \
                   every `every` steps (none with quiet: true); Ctrl-C stops after the current step.
                   """,
                   example: """
                   seed(0)
                   net = Linear(2, 1)
                   x = randn(16, 2)
                   y = x @ tensor([[2.0], [-1.0]])
                   losses = train_steps(net, fn(i) { ((net(x) - y) ** 2).mean() }, steps: 20, every: 10)
                   """) { c in
            try trainSteps(c)
        }
    }

    static func trainSteps(_ c: Call) throws -> Value {
        let m = try ModelArguments.model(c.value("model"), "train_steps: model")
        guard case .function(let step)? = c.value("step") else {
            throw RuntimeError("train_steps: step must be a function fn(i) { … } that returns the loss, "
                + "found \(c.value("step")?.typeName ?? "nil")")
        }
        let steps = try c.int("steps"), every = try c.int("every"), quiet = try c.bool("quiet")
        guard steps >= 1, steps <= 100_000_000 else {
            throw RuntimeError("train_steps: steps must be between 1 and 100000000, found \(steps)")
        }
        let clip = try c.optionalDouble("clip")
        let optimizer = try ModelArguments.optimizer(c.value("optimizer"), for: m.module.parameters) {
            try Adam($0, lr: 0.001)
        }
        m.module.train()
        defer { m.module.eval() }
        var losses: [Value] = []
        for i in 0..<steps {
            optimizer.zeroGrad()
            let loss = try Convert.tensor(step.call(c.interp, Arguments([.int(i)])), what: "train_steps: the loss")
            guard loss.count == 1 else {
                throw RuntimeError("train_steps: step must return one number (the loss), found shape \(loss.shape)")
            }
            try loss.backward()
            if let clip { _ = clipGradNorm(optimizer.parameters, maxNorm: clip) }
            try optimizer.step()
            let value = Double(try loss.item())
            losses.append(.float(value))
            if !quiet, every > 0, (i + 1) % every == 0 || i + 1 == steps {
                c.interp.emit(String(format: "step %d/%d · loss %.4f", i + 1, steps, value))
            }
            if Interruption.poll() {
                TrainingBuiltins.stoppedByCtrlC(c.interp, "after step \(i + 1); the model keeps what it learned")
                break
            }
        }
        return .list(losses)
    }
}
