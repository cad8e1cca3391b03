import Foundation
import XCTest
import Layers
import Tensors
@testable import Training

/// Magnitude pruning removes exactly the smallest weights, and fine-tuning keeps them removed.
final class PruningTests: XCTestCase {
    func testGlobalAndPerLayerPruningRemoveTheRequestedShare() throws {
        Random.seed(4)
        let net = try Sequential([Linear(6, 10), Activation("relu"), Linear(10, 3)])
        let r = try net.prune(sparsity: 0.5, global: false)
        XCTAssertEqual(r.matrices, 2)
        XCTAssertEqual(r.removed, 30 + 15)
        XCTAssertEqual(net.prunableWeights.map { $0.value.floats.filter { $0 == 0 }.count }, [30, 15], "each layer loses half")

        Random.seed(4)
        let g = try Sequential([Linear(6, 10), Activation("relu"), Linear(10, 3)])
        let before = g.prunableWeights.flatMap { $0.value.floats.map(abs) }.sorted()
        let rg = try g.prune(sparsity: 0.25, global: true)
        XCTAssertEqual(rg.removed, 23)   // round(90 × 0.25)
        let kept = g.prunableWeights.flatMap { $0.value.floats.filter { $0 != 0 }.map(abs) }
        XCTAssertGreaterThanOrEqual(kept.min() ?? 0, before[22], "only the smallest were removed")
    }

    func testFineTuningKeepsPrunedWeightsAtZero() throws {
        Random.seed(5)
        let data = try Datasets.load("iris").standardized()
        let net = try Sequential([Linear(4, 16), Activation("relu"), Linear(16, 3)])
        try net.prune(sparsity: 0.6)
        let zeros = net.prunableWeights.map { p in p.value.floats.indices.filter { p.value.floats[$0] == 0 } }
        _ = try fit(Model(net), data, epochs: 3, batchSize: 16, optimizer: Adam(net.parameters, lr: 0.05))
        for (p, z) in zip(net.prunableWeights, zeros) { for i in z { XCTAssertEqual(p.value.floats[i], 0) } }
        XCTAssertThrowsError(try net.prune(sparsity: 1.5))
    }
}

/// Distillation teaches a small student what a larger teacher predicts.
final class DistillationTests: XCTestCase {
    func testAStudentLearnsTheTeachersDecisions() throws {
        Random.seed(6)
        let data = try Datasets.load("iris").standardized()
        let teacher = try Sequential([Linear(4, 32), Activation("relu"), Linear(32, 3)])
        _ = try fit(Model(teacher), data, epochs: 20, batchSize: 16, optimizer: Adam(teacher.parameters, lr: 0.02))
        let student = try Sequential([Linear(4, 3)])
        let h = try distill(teacher: Model(teacher), student: Model(student), data: data, epochs: 30, batchSize: 16,
                            optimizer: Adam(student.parameters, lr: 0.05), temperature: 3, alpha: 0.7)
        XCTAssertLessThan(h.epochs.last!.loss, h.epochs.first!.loss)
        let t = try predict(Model(teacher), data).argmax(dim: 1).ints, s = try predict(Model(student), data).argmax(dim: 1).ints
        let agree = zip(t, s).filter { $0 == $1 }.count
        XCTAssertGreaterThanOrEqual(Double(agree) / 150, 0.9, "the student agrees with the teacher on \(agree) of 150")
        XCTAssertThrowsError(try distill(teacher: Model(teacher), student: Model(student), data: data, epochs: 1, batchSize: 16,
                                         optimizer: Adam(student.parameters), temperature: 0))
    }
}
