import XCTest
import Layers
import Tensors
import TestSupport

/// Input and output hooks: what they see and replace, and that the built-in models call the
/// children a person would attribute to through them (without changing a single number).
final class HookTests: XCTestCase {
    func testInputHookReplacesTheInputAndOutputHookSeesTheResult() throws {
        let lin = try Linear(2, 1)
        try lin.loadStateDict(["weight": Tensor(shape: [1, 2], floats: [1, 1]), "bias": Tensor([0])])
        var seen: [Float] = []
        lin.inputHook = { _ in try Tensor(shape: [1, 2], floats: [3, 4]) }
        lin.outputHook = { y in seen = y.floats; return try y.mul(Tensor([2])) }
        let y = try lin(Tensor(shape: [1, 2], floats: [1, 1]))
        XCTAssertEqual(seen, [7])
        XCTAssertEqual(y.floats, [14])
        XCTAssertEqual(try lin.forward(Tensor(shape: [1, 2], floats: [1, 1])).floats, [2], "forward skips hooks")
    }

    /// Counts the calls of each named sub-layer through identity hooks while `run` runs, and
    /// checks that the hooks change nothing.
    func calls(_ model: Module, _ names: [String], _ run: () throws -> Tensor) throws -> [String: Int] {
        let plain = try run()
        var count: [String: Int] = [:]
        let modules = Dictionary(model.modules(), uniquingKeysWith: { a, _ in a })
        for n in names {
            let m = try XCTUnwrap(modules[n], n)
            m.inputHook = { x in count[n, default: 0] += 1; return x }
            m.outputHook = { y in y }
        }
        let hooked = try run()
        for n in names { modules[n]?.inputHook = nil; modules[n]?.outputHook = nil }
        XCTAssertEqual(hooked.floats, plain.floats, "identity hooks change nothing")
        return count
    }

    func testBuiltInModelsCallTheirChildrenThroughHooks() throws {
        let cnn = try SmallCNN()
        let image = try Tensor.randn([2, 1, 8, 8], using: &Random.shared)
        XCTAssertEqual(try calls(cnn, ["conv", "fc"]) { try cnn(image) }, ["conv": 1, "fc": 1])

        let seq = try Sequential([Linear(3, 4), Activation("tanh"), Linear(4, 2)])
        let row = try Tensor.randn([1, 3], using: &Random.shared)
        XCTAssertEqual(try calls(seq, ["0", "1", "2"]) { try seq(row) }, ["0": 1, "1": 1, "2": 1])

        let net = try SentimentNet(vocab: 20, embed: 4, hidden: 6)
        let ids = try Tensor(shape: [2, 3], ints: [3, 4, 5, 6, 7, 0])
        let names = ["embedding", "rnn", "attn", "fc"]
        XCTAssertEqual(try calls(net, names) { try net.forward(ids: ids, lengths: [3, 2]).logit },
                       Dictionary(uniqueKeysWithValues: names.map { ($0, 1) }))

        let tc = try TransformerClassifier(vocab: 20, dModel: 8, heads: 2, layers: 2, dropout: 0)
        tc.eval()
        let parts = ["positions", "layers.0", "layers.1", "layers.1.linear2", "head"]
        XCTAssertEqual(try calls(tc, parts) { try tc.logits(ids: ids, lengths: [3, 2]) },
                       Dictionary(uniqueKeysWithValues: parts.map { ($0, 1) }))
    }
}
