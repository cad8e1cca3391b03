import Foundation
import Tensors

/// What a `model` body uses besides layers: learned tensors and kept tensors.
enum UserModelBuiltins {
    static func register(_ r: Registry) {
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
            .object(ParameterObject(try c.tensor("data").toFloat()))
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
            .object(BufferObject(try c.tensor("data")))
        }
    }
}
