import Layers

/// A module that only names what it holds, so that dotted names nest as in transformers
/// (`bert.encoder.layer.0`, `cls.predictions.transform.dense`); its type name is the class
/// it stands for.
final class ModuleGroup: Module {
    let name: String

    init(_ typeName: String, _ children: [(String, Module)], parameters: [(String, Parameter)] = []) {
        name = typeName
        super.init()
        for (n, p) in parameters { register(n, p) }
        for (n, m) in children { register(n, m) }
    }

    override var typeName: String { name }
}
