import Foundation
import XCTest
import TestSupport
import Layers
import Tensors
import Training
@testable import Explain

/// FGSM and PGD (L∞ attacks on rows and images): known answers on linear models, the ball and the
/// bounds respected, PGD at least as strong as FGSM, and seeded starts reproducible.
final class AdversarialTests: XCTestCase {
    func linear(_ w: [Float], outputs: Int, bias: [Float]) throws -> Model {
        let fc = try Linear(w.count / outputs, outputs)
        try fc.loadStateDict(["weight": Tensor(shape: [outputs, w.count / outputs], floats: w),
                              "bias": Tensor(bias)])
        return Model(fc)
    }

    func draws(_ n: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var g = RandomGenerator(seed: seed)
        return (0..<n).map { _ in (2 * g.uniform() - 1) * scale }
    }

    func smallNet(inputs: Int, classes: Int = 3, flatten: Bool = false) throws -> Model {
        var g = RandomGenerator(seed: 11)
        let a = try Linear(inputs, 12), b = try Linear(12, classes)
        try a.loadStateDict(["weight": Tensor.randn([12, inputs], using: &g),
                             "bias": Tensor.randn([12], using: &g)])
        try b.loadStateDict(["weight": Tensor.randn([classes, 12], using: &g),
                             "bias": Tensor.randn([classes], using: &g)])
        return Model(try Sequential((flatten ? [Flatten()] : []) + [a, Activation("tanh"), b]))
    }

    func testFGSMOnAOneLogitLinearModelMovesEachFeatureByEpsAgainstItsWeight() throws {
        let w = draws(6, seed: 1, scale: 0.5), x = draws(6, seed: 2)
        let m = try linear(w, outputs: 1, bias: [0.1])
        let z = zip(w, x).reduce(Float(0.1)) { $0 + $1.0 * $1.1 }
        let eps = 0.1
        let a = try GradientAttack.run(m, input: Tensor(x), kind: .tabular, AttackSettings(method: .fgsm, eps: eps))
        // Away from the predicted class: class 1 (z > 0) lowers z, class 0 raises it.
        let toward: Float = z > 0 ? -1 : 1
        let expected = zip(x, w).map { xi, wi in xi + toward * Float(eps) * (wi > 0 ? 1 : wi < 0 ? -1 : 0) }
        XCTAssertEqual(a.adversarial.floats, expected, "x − ε·sign(w) for class 1, x + ε·sign(w) for class 0")
        XCTAssertEqual(a.before.cls, z > 0 ? 1 : 0)
        XCTAssertEqual(a.linf, eps, accuracy: 1e-6)
    }

    func testFGSMOnATwoClassLinearModelFollowsTheDifferenceOfTheClassWeights() throws {
        let w = draws(8, seed: 3, scale: 0.5), x = draws(4, seed: 4)
        let m = try linear(w, outputs: 2, bias: [0, 0])
        let z0 = (0..<4).reduce(Float(0)) { $0 + w[$1] * x[$1] }
        let z1 = (0..<4).reduce(Float(0)) { $0 + w[4 + $1] * x[$1] }
        let y = z1 > z0 ? 1 : 0
        let a = try GradientAttack.run(m, input: Tensor(x), kind: .tabular, AttackSettings(method: .fgsm, eps: 0.05))
        // ∇ CE(y) = p_other·(w_other − w_y): the step is ε·sign(w_other − w_y).
        let expected = (0..<4).map { i -> Float in
            let d = w[(1 - y) * 4 + i] - w[y * 4 + i]
            return x[i] + 0.05 * (d > 0 ? 1 : d < 0 ? -1 : 0)
        }
        XCTAssertEqual(a.adversarial.floats, expected)
    }

    func testPGDStaysInTheEpsBallAndWithinTheBounds() throws {
        let m = try smallNet(inputs: 16, flatten: true)
        var g = RandomGenerator(seed: 5)
        let x = try Tensor.rand([1, 4, 4], using: &g)
        var s = AttackSettings(method: .pgd, eps: 0.15)
        s.steps = 12
        s.bounds = 0...1
        let a = try GradientAttack.run(m, input: x, kind: .image, s)
        XCTAssertLessThanOrEqual(a.linf, 0.15 + 1e-6, "‖δ‖∞ ≤ ε")
        for v in a.adversarial.floats { XCTAssert((0...1).contains(v), "value \(v) outside [0, 1]") }
        XCTAssertEqual(a.adversarial.shape, [1, 4, 4])
    }

    func testPGDRaisesTheLossAtLeastAsMuchAsFGSMOnASmallNet() throws {
        let m = try smallNet(inputs: 5)
        for seed in UInt64(20)..<UInt64(26) {
            let x = Tensor(draws(5, seed: seed))
            let f = try GradientAttack.run(m, input: x, kind: .tabular, AttackSettings(method: .fgsm, eps: 0.3))
            var s = AttackSettings(method: .pgd, eps: 0.3)
            s.steps = 20
            s.randomStart = false
            let p = try GradientAttack.run(m, input: x, kind: .tabular, s)
            XCTAssertGreaterThan(f.lossAfter, f.lossBefore, "FGSM raises the loss")
            XCTAssertGreaterThanOrEqual(p.lossAfter, f.lossAfter - 1e-6, "PGD's loss ≥ FGSM's (input seed \(seed))")
        }
    }

    func testTheSameSeedGivesTheSameBitsAndAnotherSeedAnotherStart() throws {
        let m = try smallNet(inputs: 5)
        let x = Tensor(draws(5, seed: 9))
        func run(_ seed: UInt64) throws -> [Float] {
            var s = AttackSettings(method: .pgd, eps: 0.2)
            s.seed = seed
            s.steps = 3
            return try GradientAttack.run(m, input: x, kind: .tabular, s).adversarial.floats
        }
        XCTAssertEqual(try run(3), try run(3))
        XCTAssertNotEqual(try run(3), try run(4))
    }

    func testATargetedAttackLowersTheTargetsLoss() throws {
        let m = try smallNet(inputs: 5)
        let x = Tensor(draws(5, seed: 12))
        let before = try Classifier.predict(m, x)
        let t = (before.cls + 1) % 3
        var s = AttackSettings(method: .pgd, eps: 0.5)
        s.target = t
        let a = try GradientAttack.run(m, input: x, kind: .tabular, s)
        XCTAssertLessThan(a.lossAfter, a.lossBefore, "the cross-entropy of the target falls")
        XCTAssertGreaterThan(a.after.probability(of: t), a.before.probability(of: t))
    }

    func testBadSettingsAreRefusedWithWhatWasExpectedAndFound() throws {
        let m = try smallNet(inputs: 5)
        let x = Tensor(draws(5, seed: 9))
        assertThrows("eps must be positive, found -0.1") {
            _ = try GradientAttack.run(m, input: x, kind: .tabular, AttackSettings(method: .pgd, eps: -0.1))
        }
        var s = AttackSettings(method: .pgd, eps: 0.1)
        s.target = 7
        assertThrows("target class must be in 0..<3, found 7") {
            _ = try GradientAttack.run(m, input: x, kind: .tabular, s)
        }
        s.target = nil
        s.bounds = 0...1
        assertThrows("within bounds") {
            _ = try GradientAttack.run(m, input: Tensor([5, 0, 0, 0, 0]), kind: .tabular, s)
        }
    }
}
