import Foundation
import Tensors

/// `Parameter(t)`: a tensor that a model learns, once assigned to `self.name` in its body.
public final class ParameterObject: HostObject {
    let tensor: Tensor
    init(_ tensor: Tensor) { self.tensor = tensor }
    public var typeName: String { "Parameter" }
    public var summary: String { "Parameter \(Shape.format(tensor.shape))" }
    public var display: String { "Parameter(shape: \(Shape.format(tensor.shape)))" }
    public var propertyNames: [String] { ["shape"] }
    public func property(_ name: String) throws -> Value? {
        name == "shape" ? .list(tensor.shape.map { .int($0) }) : nil
    }
}

/// `Buffer(t)`: a tensor a model keeps and saves, but does not learn (a mask, running statistics).
public final class BufferObject: HostObject {
    let tensor: Tensor
    init(_ tensor: Tensor) { self.tensor = tensor }
    public var typeName: String { "Buffer" }
    public var summary: String { "Buffer \(Shape.format(tensor.shape))" }
    public var display: String { "Buffer(shape: \(Shape.format(tensor.shape)))" }
    public var propertyNames: [String] { ["shape"] }
    public func property(_ name: String) throws -> Value? {
        name == "shape" ? .list(tensor.shape.map { .int($0) }) : nil
    }
}
