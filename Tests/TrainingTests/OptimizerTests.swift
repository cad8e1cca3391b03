import Foundation
import XCTest
import TestSupport
import Layers
import Tensors
@testable import Training


/// Optimizer trajectories against torch.optim: a Linear(5, 3) after each of three steps of
/// mse on the recorded batches.
final class OptimizerTests: XCTestCase {
    func trajectory(_ folder: String, _ make: ([Parameter]) throws -> Optimizer) throws {
        let dir = referenceDir.appendingPathComponent(folder)
        let io = try SafeTensors.read(contentsOf: dir.appendingPathComponent("io.safetensors"))
        let lin = try Linear(5, 3)
        try lin.loadStateDict(try SafeTensors.read(contentsOf: dir.appendingPathComponent("model.safetensors")))
        let opt = try make(lin.parameters)
        for step in 0..<3 {
            opt.zeroGrad()
            let x = try XCTUnwrap(io["input.x\(step)"]), y = try XCTUnwrap(io["input.y\(step)"])
            try Tensor.mse(lin.forward(x), y).backward()
            try opt.step()
            for (name, p) in lin.namedParameters() {
                let want = try XCTUnwrap(io["expected.step\(step).\(name)"])
                let d = zip(p.value.floats, want.floats).map { abs($0 - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(d, 1e-5, "\(folder) step \(step) \(name): max |difference| \(d)")
            }
        }
    }

    func testSGDWithMomentumMatchesPyTorch() throws { try trajectory("optim_sgd_momentum") { try SGD($0, lr: 0.1, momentum: 0.9) } }
    func testAdamMatchesPyTorch() throws { try trajectory("optim_adam") { try Adam($0, lr: 0.01) } }
    func testAdamWMatchesPyTorch() throws { try trajectory("optim_adamw") { try Adam($0, lr: 0.01, weightDecay: 0.01, decoupled: true) } }

    func testClippingScalesTheGlobalNorm() throws {
        let p = try Parameter(Tensor([3, 4]))
        try p.value.mul(p.value).sum().backward()   // grad = [6, 8], norm 10
        XCTAssertEqual(clipGradNorm([p], maxNorm: 5), 10, accuracy: 1e-9)
        XCTAssertEqual(p.grad?.floats ?? [], [3, 4], accuracy: 1e-5)
    }

    func testSchedules() {
        XCTAssertEqual(Schedule.step(size: 2, gamma: 0.5).rate(base: 1, epoch: 5), 0.25)
        XCTAssertEqual(Schedule.cosine(periods: 10, minimum: 0).rate(base: 1, epoch: 5), 0.5, accuracy: 1e-12)
        XCTAssertEqual(Schedule.cosine(periods: 10, minimum: 0.1).rate(base: 1, epoch: 10), 0.1, accuracy: 1e-12)
    }
}

func XCTAssertEqual(_ a: [Float], _ b: [Float], accuracy: Float, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
