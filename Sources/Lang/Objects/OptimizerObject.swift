import Layers
import Training

/// An optimizer as the user wrote it (`Adam(lr: 0.005)`): made concrete for a model's
/// parameters when training starts, or at once when given them.
public final class OptimizerObject: HostObject {
    public let kind: String
    public let settings: [String: Double]
    public let flags: [String: Bool]
    public var bound: Optimizer?
    init(kind: String, settings: [String: Double], flags: [String: Bool]) {
        self.kind = kind; self.settings = settings; self.flags = flags
    }
    public var typeName: String { "Optimizer" }
    public var summary: String {
        bound?.summary
            ?? "\(kind)(" + settings.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
                .joined(separator: ", ") + ")"
    }
    public var propertyNames: [String] { ["lr"] }
    public func property(_ name: String) throws -> Value? {
        name == "lr" ? .float(bound?.lr ?? settings["lr"] ?? 0) : nil
    }

    func make(_ params: [Parameter]) throws -> Optimizer {
        let lr = settings["lr"] ?? (kind == "SGD" ? 0.01 : 1e-3)
        switch kind {
        case "SGD":
            return try SGD(params, lr: lr, momentum: settings["momentum"] ?? 0, dampening: settings["dampening"] ?? 0,
                           weightDecay: settings["weight_decay"] ?? 0, nesterov: flags["nesterov"] ?? false)
        case "AdamW":
            return try Adam(params, lr: lr, betas: (settings["beta1"] ?? 0.9, settings["beta2"] ?? 0.999),
                            eps: settings["eps"] ?? 1e-8, weightDecay: settings["weight_decay"] ?? 0.01,
                            decoupled: true)
        default:
            return try Adam(params, lr: lr, betas: (settings["beta1"] ?? 0.9, settings["beta2"] ?? 0.999),
                            eps: settings["eps"] ?? 1e-8, weightDecay: settings["weight_decay"] ?? 0)
        }
    }
}
