import Foundation
import XCTest
import Tensors
import TestSupport
@testable import Lang

/// Models written in the language (`model Name(params) { … }`) behave as built-in ones: named
/// as PyTorch names an nn.Module's attributes, exchanging weights with PyTorch, trained,
/// compressed and explained.
final class UserModelTests: XCTestCase {
    static let mlp = """
    model MLP(inputs, hidden = 16, classes = 3) {
        self.fc1 = Linear(inputs, hidden)
        self.fc2 = Linear(hidden, classes)
        fn forward(x) { self.fc2(relu(self.fc1(x))) }
    }
    """

    /// The LSTM + attention sentiment classifier, line for line as its PyTorch version.
    static let sentiment = """
    model SentimentClassifier(vocab_size, embed = 64, hidden = 64, layers = 1) {
        self.embedding = Embedding(vocab_size, embed, padding_idx: 0)
        self.rnn = LSTM(embed, hidden, layers: layers)
        self.attn = Linear(hidden, 1, bias: false)
        self.fc = Linear(hidden, 1)
        fn forward(ids, lengths) {
            h = self.rnn(self.embedding(ids), lengths: lengths)[0]
            scores = self.attn(h).squeeze(-1)
            valid = arange(ids.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
            weights = softmax(scores.masked_fill(valid == false, float("-inf")), dim: 1)
            [self.fc((weights.unsqueeze(-1) * h).sum(1)).squeeze(-1), weights]
        }
    }
    """

    func value(_ source: String, _ interp: Interpreter = Interpreter()) throws -> Value {
        interp.output = { _, _ in }
        try interp.run(source)
        return interp.global("result") ?? .none
    }

    func testNamesComeFromAttributesInPyTorchsOrder() throws {
        let src = """
        model Scale(n) {
            self.w = Parameter(ones(n))
            fn forward(x) { x * self.w }
        }
        model Net(d) {
            self.mask = Buffer(ones(d))
            self.inner = Scale(d)
            blocks = []
            for i in range(2) { blocks.append(Linear(d, d)) }
            self.blocks = blocks
            fn forward(x) {
                for b in self.blocks { x = b(x) }
                self.inner(x) * self.mask
            }
        }
        result = Net(3).state_dict.keys()
        """
        XCTAssertEqual(try value(src).repr,
                       "[\"mask\", \"inner.w\", \"blocks.0.weight\", \"blocks.0.bias\", \"blocks.1.weight\", "
                       + "\"blocks.1.bias\"]")
    }

    func testConstructorArgumentsDefaultsAndTrainingModeReachTheChildren() throws {
        let src = UserModelTests.mlp + """

        m = MLP(4, classes: 2)
        m.eval()
        result = [m.fc2.weight.shape, m(zeros(5, 4)).shape, m.training, m.fc1.training]
        """
        XCTAssertEqual(try value(src).repr, "[[2, 16], [5, 2], false, false]")
    }

    /// PyTorch's weights of the reference sentiment model load into the user-written twin and
    /// give PyTorch's logits and attention; the twin saves exactly the reference's keys, and
    /// the built-in SentimentNet reads that file back to the same logits.
    func testWeightsGoBothWaysBetweenPyTorchAndAUserModel() throws {
        let dir = referenceDir.appendingPathComponent("sentiment").path
        let saved = FileManager.default.temporaryDirectory.appendingPathComponent("twin-\(getpid()).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: saved) }
        let src = UserModelTests.sentiment + """

        net = SentimentClassifier(50, embed: 8, hidden: 12, layers: 2)
        net.load("\(dir)/model.safetensors")
        io = load("\(dir)/io.safetensors")
        out = net(io["input.ids"], io["input.lengths"])
        net.save("\(saved)")
        twin = SentimentNet(vocab: 50, embed: 8, hidden: 12, layers: 2)
        twin.load("\(saved)")
        back = twin(io["input.ids"], io["input.lengths"])[0]
        result = [(out[0] - io["expected.logit"]).abs().max().item(),
                  (out[1] - io["expected.attention"]).abs().max().item(),
                  (back - out[0]).abs().max().item(),
                  load("\(saved)").keys() == load("\(dir)/model.safetensors").keys()]
        """
        guard case .list(let r) = try value(src) else { return XCTFail("no result") }
        for i in 0..<3 { XCTAssertLessThanOrEqual(try Convert.double(r.items[i], what: "difference"), 1e-5) }
        XCTAssertEqual(r.items[3].repr, "true", "the saved keys are the reference's")
    }

    func testFitCompressExplainAndCheckAUserModel() throws {
        let src = UserModelTests.mlp + """

        seed(0)
        train, test = dataset("iris").split(0.8)
        train = train.standardize()
        test = test.standardize()
        teacher = MLP(4, hidden: 32)
        h = fit(teacher, train, epochs: 30, quiet: true, optimizer: Adam(lr: 0.01))
        trained = evaluate(teacher, test).accuracy
        student = MLP(4, hidden: 8)
        d = distill(teacher, student, train, epochs: 2)
        pruned = prune(student, sparsity: 0.5)["sparsity"]
        q = quantize(teacher)["int8_linear_layers"]
        quantized = evaluate(teacher, test).accuracy
        shap = explain(teacher, test[0][0], method: "shap", background: train).scores.shape
        ig = explain(teacher, test[0][0]).scores.shape
        lime = explain(teacher, test[0][0], method: "lime", background: train, samples: 200).scores.shape
        check = sanity_check(teacher, test[0][0])
        result = [trained, pruned, q, quantized, shap, ig, lime]
        """
        guard case .list(let r) = try value(src) else { return XCTFail("no result") }
        XCTAssertGreaterThanOrEqual(try Convert.double(r.items[0], what: "accuracy"), 0.9)
        XCTAssertEqual(r.items[1].repr, "0.5")
        XCTAssertEqual(r.items[2].repr, "2", "both Linear layers run int8")
        XCTAssertGreaterThanOrEqual(try Convert.double(r.items[3], what: "accuracy"), 0.85)
        XCTAssertEqual(r.items[4...].map(\.repr), ["[4]", "[4]", "[4]"])
    }

    /// A user model that embeds token ids reads raw text through its vocabulary, trains on a
    /// text dataset, and every text method explains it at its Embedding; its forward's second
    /// output is the attention that method "attention" shows.
    func testAUserModelWithoutAnEmbeddingIsNotExplainedOnText() throws {
        XCTAssertTrue(runError("""
        model Rows() {
            self.fc = Linear(3, 2)
            fn forward(x) { self.fc(x) }
        }
        net = Rows()
        net.vocab = dataset("sentiment").vocab()
        explain(net, "some words here")
        """).contains("Rows does not take text"))
    }

    func testAUserTextModelTrainsAndIsExplainedOnRawText() throws {
        let src = UserModelTests.sentiment
            .replacingOccurrences(of: "self.embedding = Embedding(vocab_size,",
                                  with: "self.vocab = vocab\n    self.embedding = Embedding(len(vocab),")
            .replacingOccurrences(of: "(vocab_size,", with: "(vocab,") + """

        seed(0)
        data = dataset("sentiment").subset(range(300))
        net = SentimentClassifier(data.vocab(), embed: 8, hidden: 8)
        h = fit(net, data, epochs: 1, quiet: true)
        text = "the food was not good"
        ig = explain(net, text)
        shap = explain(net, text, method: "shap")
        lime = explain(net, text, method: "lime", samples: 200)
        attention = explain(net, text, method: "attention")
        result = [predict(net, [text]).shape, ig.units, shap.scores.shape, lime.scores.shape,
                  attention.scores.sum().item(), ig.delta]
        """
        guard case .list(let r) = try value(src) else { return XCTFail("no result") }
        XCTAssertEqual(r.items[0].repr, "[1]")
        XCTAssertEqual(r.items[1].repr, "[\"the\", \"food\", \"was\", \"not\", \"good\"]")
        XCTAssertEqual(r.items[2].repr, "[5]")
        XCTAssertEqual(r.items[3].repr, "[5]")
        XCTAssertEqual(try Convert.double(r.items[4], what: "attention"), 1, accuracy: 1e-5, "weights sum to one")
        XCTAssertLessThan(abs(try Convert.double(r.items[5], what: "delta")), 1e-3, "IG is complete")
    }

    /// A Transformer written in the language: a block model nested in a text model, the blocks
    /// kept in a list (blocks.0.attn.in_proj_weight), trained on text and explained.
    func testAUserWrittenTransformerTrainsAndExplains() throws {
        let src = """
        model Block(d, heads) {
            self.attn = MultiheadAttention(d, heads)
            self.norm1 = LayerNorm(d)
            self.ff = Sequential(Linear(d, 2 * d), GELU(), Linear(2 * d, d))
            self.norm2 = LayerNorm(d)
            fn forward(x, mask) {
                x = self.norm1(x + self.attn(x, key_padding_mask: mask)[0])
                self.norm2(x + self.ff(x))
            }
        }
        model TextTransformer(vocab, d = 16, heads = 2, layers = 2) {
            self.vocab = vocab
            self.embedding = Embedding(len(vocab), d, padding_idx: 0)
            self.positions = LearnedPositions(d, 64)
            blocks = []
            for i in range(layers) { blocks.append(Block(d, heads)) }
            self.blocks = blocks
            self.head = Linear(d, 1)
            fn forward(ids, lengths) {
                mask = arange(ids.shape[1]).unsqueeze(0) >= lengths.unsqueeze(1)
                x = self.positions(self.embedding(ids))
                for block in self.blocks { x = block(x, mask) }
                keep = (mask == false).float().unsqueeze(-1)
                self.head((x * keep).sum(1) / keep.sum(1)).squeeze(-1)
            }
        }
        seed(0)
        data = dataset("sentiment").subset(range(200))
        net = TextTransformer(data.vocab())
        h = fit(net, data, epochs: 2, quiet: true, optimizer: Adam(lr: 0.01))
        keys = net.state_dict.keys()
        result = [keys[2], keys[len(keys) - 1], h.loss[1] < h.loss[0],
                  explain(net, "the food was not good").scores.shape,
                  explain(net, "the food was not good", method: "occlusion").scores.shape]
        """
        XCTAssertEqual(try value(src).repr, "[\"blocks.0.attn.in_proj_weight\", \"head.bias\", true, [5], [5]]")
    }

    /// Attention and attention rollout read the encoder layers a user text model holds.
    func testAttentionRolloutReadsTheEncoderLayersOfAUserModel() throws {
        let src = """
        model Encoder(vocab, d = 16) {
            self.vocab = vocab
            self.embedding = Embedding(len(vocab), d, padding_idx: 0)
            self.layer1 = TransformerEncoderLayer(d, 2, feedforward: 32, dropout: 0)
            self.layer2 = TransformerEncoderLayer(d, 2, feedforward: 32, dropout: 0)
            self.head = Linear(d, 1)
            fn forward(ids, lengths) {
                mask = arange(ids.shape[1]).unsqueeze(0) >= lengths.unsqueeze(1)
                x = self.layer1(self.embedding(ids), key_padding_mask: mask)
                self.head(self.layer2(x, key_padding_mask: mask).mean(1)).squeeze(-1)
            }
        }
        seed(0)
        net = Encoder(dataset("sentiment").subset(range(100)).vocab())
        rollout = explain(net, "the food was not good", method: "attention_rollout")
        attention = explain(net, "the food was not good", method: "attention")
        result = [rollout.scores.shape, rollout.settings["layers"], attention.scores.shape]
        """
        XCTAssertEqual(try value(src).repr, "[[5], \"2\", [5]]")
    }

    /// Every method for feature rows explains a user model, as it does a built-in one.
    func testEveryRowMethodExplainsAUserModel() throws {
        let methods = ["saliency", "input_x_gradient", "smoothgrad", "integrated_gradients", "occlusion", "lime",
                       "kernel_shap", "exact_shapley", "permutation_shap", "shap"]
        let src = UserModelTests.mlp + """

        seed(0)
        data = dataset("iris").standardize()
        net = MLP(4)
        h = fit(net, data, epochs: 3, quiet: true)
        result = []
        for m in \(methods) {
            result.append(explain(net, data[0][0], method: m, background: data, samples: 300).scores.shape)
        }
        """
        XCTAssertEqual(try value(src).repr, "[" + Array(repeating: "[4]", count: methods.count).joined(separator: ", ") + "]")
    }

    /// A loss written as a function, and a training loop whose step the program writes.
    func testALossFunctionAndACustomStepTrainAUserModel() throws {
        let src = UserModelTests.mlp + """

        seed(0)
        data = dataset("iris").standardize()
        fn smooth_ce(logits, y) { cross_entropy(logits, y) + 0.01 * (logits ** 2).mean() }
        a = MLP(4)
        h = fit(a, data, epochs: 5, loss: smooth_ce, quiet: true, optimizer: Adam(lr: 0.01))
        x = randn(32, 4)
        target = x.sum(1, keepdim: true)
        model Regressor() { self.fc = Linear(4, 1); fn forward(v) { self.fc(v) } }
        b = Regressor()
        losses = train_steps(b, fn(i) { ((b(x) - target) ** 2).mean() }, steps: 200, quiet: true,
                             optimizer: Adam(lr: 0.05))
        result = [h.loss[0] > h.loss[4], losses[0] > 10 * losses[199], len(losses)]
        """
        XCTAssertEqual(try value(src).repr, "[true, true, 200]")
        XCTAssertTrue(runError("train_steps(Linear(2, 1), fn(i) { zeros(3) }, steps: 1)")
            .contains("step must return one number (the loss), found shape [3]"))
        XCTAssertTrue(runError("fit(Linear(4, 3), dataset(\"iris\"), loss: fn(a, b) { zeros(2) })")
            .contains("the loss must be one number"))
    }

    func testBadDefinitionsSayWhatWasExpectedAndTheSessionGoesOn() throws {
        let cases: [(String, String)] = [
            ("model A() { self.fc = Linear(2, 2) }\nA()", "model A has no forward: define 'fn forward(x)"),
            ("model A() { self.fc = Linear(2, 2); self.fc = Parameter(zeros(2)); fn forward(x) { x } }\nA()",
             "A.fc is already a layer; it cannot also be a Parameter"),
            ("model A() { self.w = Parameter(zeros(2)); self.w = Parameter(zeros(3)); fn forward(x) { x } }\nA()",
             "A.w is a parameter of shape [2]; found a tensor of shape [3]"),
            ("model A() { self.b = B(); fn forward(x) { x } }\nmodel B() { self.a = A(); fn forward(x) { x } }\nA()",
             "model A contains itself (A → B → A)"),
            ("model A() { fn forward(x) { \"no\" } }\nfit(A(), dataset(\"iris\"), epochs: 1)",
             "A.forward must return a tensor, found string"),
            ("model A() { self.fc = Linear(4, 3); fn forward(x) { self.fc(x).sum() } }\n"
                + "fit(A(), dataset(\"iris\"), epochs: 1)", "needs logits [batch, classes], found []"),
            ("model A() { fn helper() { 1 }; self.helper = 2; fn forward(x) { x } }\nA()",
             "model A has two things named 'helper'"),
            ("model A(self) { fn forward(x) { x } }", "'self' is the model itself inside its body"),
        ]
        for (src, expected) in cases {
            let message = runError(src)
            XCTAssertTrue(message.contains(expected), "\(src)\n→ \(message)")
        }
        let interp = Interpreter()
        _ = try runProgram("x = 3", interp)
        XCTAssertThrowsError(try runProgram("model A() { self.fc = Linear(2, 2) }\nA()", interp))
        XCTAssertEqual(try runProgram("print(x)", interp), ["3"])
    }

    func testHelpAndTheClassMessageKnowModels() throws {
        let help = try runProgram(UserModelTests.mlp + "\nhelp(MLP)").joined(separator: "\n")
        XCTAssertTrue(help.hasPrefix("model MLP(inputs, hidden = …, classes = …)"), help)
        XCTAssertTrue(runError("class Net(nn.Module):").contains("define a model with 'model Name("))
        XCTAssertEqual(try runProgram(UserModelTests.mlp + "\nMLP\nprint(type(MLP))").suffix(2),
                       ["<model MLP(inputs, hidden = …, classes = …)>", "model"])
        XCTAssertEqual(try runProgram("model = 3\nprint(model + 1)"), ["4"], "model stays a usable variable name")
    }
}
