import Tensors

/// nn.Conv2d (groups 1). Weight and bias U(−1/√(in·k·k), …).
public final class Conv2d: Layer {
    public let weight: Parameter, bias: Parameter?
    public let stride: Int, padding: Int
    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                bias: Bool = true) throws {
        guard inChannels > 0, outChannels > 0, kernel > 0 else {
            throw TensorError(.value, "Conv2d needs positive sizes")
        }
        let fanIn = inChannels * kernel * kernel
        weight = try Parameter(Init.kaiming([outChannels, inChannels, kernel, kernel], fanIn: fanIn))
        self.bias = bias ? try Parameter(Init.kaiming([outChannels], fanIn: fanIn)) : nil
        self.stride = stride
        self.padding = padding
        super.init()
        register("weight", weight)
        if let b = self.bias { register("bias", b) }
    }
    public override var details: String {
        let s = weight.value.shape
        return "\(s[1]) → \(s[0]), kernel \(s[2]), stride \(stride), padding \(padding)"
    }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Tensor.conv2d(x, weight.value, bias: bias?.value, stride: stride, padding: padding)
    }
}

/// nn.MaxPool2d or nn.AvgPool2d over k×k windows (stride k unless given).
public final class Pool2d: Layer {
    public let max: Bool, kernel: Int, stride: Int?
    public init(max: Bool, kernel: Int, stride: Int? = nil) {
        self.max = max; self.kernel = kernel; self.stride = stride
    }
    public override var typeName: String { max ? "MaxPool2d" : "AvgPool2d" }
    public override var details: String { "kernel \(kernel)" }
    public override func forward(_ x: Tensor) throws -> Tensor {
        max ? try x.maxPool2d(kernel: kernel, stride: stride) : try x.avgPool2d(kernel: kernel, stride: stride)
    }
}

/// nn.Flatten: dimensions from `startDim` on become one (feature maps to a dense head).
public final class Flatten: Layer {
    public let startDim: Int
    public init(startDim: Int = 1) { self.startDim = startDim }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.flatten(from: startDim) }
}
