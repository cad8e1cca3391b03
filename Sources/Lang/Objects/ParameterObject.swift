import Foundation
import Tensors

/// `Parameter(t)` or `Buffer(t)`: a tensor marked for a model's body. Assigned to `self.name`,
/// a parameter is learned, saved and loaded under that name; a buffer is kept, saved and
/// loaded, but not learned (a mask, a fixed table).
public final class ModelTensorObject: HostObject {
    public enum Role: String { case parameter = "Parameter", buffer = "Buffer" }
    let role: Role
    let tensor: Tensor
    init(_ role: Role, _ tensor: Tensor) { self.role = role; self.tensor = tensor }
    public var typeName: String { role.rawValue }
    public var summary: String { "\(role.rawValue) \(Shape.format(tensor.shape))" }
    public var display: String { "\(role.rawValue)(shape: \(Shape.format(tensor.shape)))" }
    public var propertyNames: [String] { ["shape"] }
    public func property(_ name: String) throws -> Value? {
        name == "shape" ? .list(tensor.shape.map { .int($0) }) : nil
    }
}
