import XCTest
import TestSupport
@testable import Tensors

/// Bad shapes, indices, dtypes and sizes are errors that name what was expected and found.
final class ErrorTests: XCTestCase {
    func testShapeMismatchesNameBothShapes() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4])
        assertThrows("[2, 3] and [4] cannot be broadcast") { try a + b }
        assertThrows("inner sizes to agree, found 3 vs 4") { try a.matmul(Tensor.zeros([4, 2])) }
        assertThrows("cannot reshape [2, 3] (6 elements) to [4]") { try a.reshape([4]) }
        assertThrows("differ outside that dimension") { try Tensor.cat([a, Tensor.zeros([3, 3])], dim: 1) }
        assertThrows("needs 6 values, found 5") { try Tensor(shape: [2, 3], floats: [1, 2, 3, 4, 5]) }
    }

    func testBadIndicesAreReported() throws {
        let a = try Tensor.zeros([2, 3])
        assertThrows("dimension 2 is out of range") { try a.sum(dim: 2) }
        assertThrows("index 5 is out of range for dimension 1 of size 3") { try a.select(dim: 1, index: 5) }
        assertThrows("token id 7 is out of range for an embedding of 4 rows") {
            try Tensor.embedding(Tensor(shape: [1], ints: [7]), Tensor.zeros([4, 2]))
        }
        assertThrows("target class 3 is out of range for 3 classes") {
            try Tensor.crossEntropy(Tensor.zeros([1, 3]), Tensor(shape: [1], ints: [3]))
        }
    }

    func testWrongDtypesAreReported() throws {
        assertThrows("needs int64 ids, found float32") { try Tensor.embedding(Tensor.zeros([2]), Tensor.zeros([4, 2])) }
        assertThrows("expects a float32 tensor, found int64") { try Tensor(shape: [2], ints: [1, 2]).softmax(dim: 0) }
    }

    func testImpossibleSizesAreErrorsNotCrashes() throws {
        assertThrows("too many elements") { try Tensor.zeros([1 << 40, 1 << 40]) }
        assertThrows("more than this machine") { try Tensor.zeros([1 << 30, 7]) }
        assertThrows("non-negative") { try Tensor.zeros([-1, 2]) }
        assertThrows("window does not fit") { try Tensor.zeros([1, 1, 2, 2]).maxPool2d(kernel: 3) }
    }
}
