import Tensors

/// The tensors of a model.safetensors, found by the names the saving class gave them: the
/// base model's under a prefix ("bert.", "distilbert.", "transformer.") or under none (a
/// bare BertModel), the heads' at the top ("classifier.weight"). Each tensor is checked
/// against the shape the config gives it before any module is built, so a config cannot make
/// the loader allocate more than the file holds.
final class CheckpointTensors {
    /// The file, for messages.
    let file: String
    /// The class being loaded, for messages.
    let model: String
    let tensors: [String: Tensor]
    /// The base model's prefix, as the file spells it ("bert." or "").
    let prefix: String
    private(set) var used = Set<String>()
    /// Values taken into the model (tensors' element counts).
    private(set) var usedValues = 0

    /// `probe` is a base-model tensor every checkpoint of the family has ("embeddings.word_embeddings.weight").
    init(file: String, model: String, tensors: [String: Tensor], basePrefix: String, probe: String) {
        self.file = file
        self.model = model
        self.tensors = tensors
        prefix = tensors[basePrefix + probe] != nil ? basePrefix : ""
    }

    /// The name in the file of a base-model tensor (`base`) or of a head's.
    func fullName(_ name: String, base: Bool) -> String { base ? prefix + name : name }

    func has(_ name: String, base: Bool = true) -> Bool { tensors[fullName(name, base: base)] != nil }

    /// The float tensor `name`, which must have `shape`; `sizes` names the config fields that
    /// give that shape ("vocab_size × hidden_size").
    func take(_ name: String, _ shape: [Int], sizes: String, base: Bool = true) throws -> Tensor {
        let full = fullName(name, base: base)
        guard let t = tensors[full] else {
            throw TensorError(.value, "\(file) has no tensor \"\(full)\", which \(model) needs "
                              + "(shape \(Shape.format(shape)))")
        }
        guard t.dtype == .float32 else {
            throw TensorError(.value, "tensor \"\(full)\" in \(file) holds \(t.dtype) values, expected floating-point "
                              + "weights (F32, F16, BF16 or F64)")
        }
        guard t.shape == shape else {
            throw TensorError(.shape, "tensor \"\(full)\" in \(file) has shape \(Shape.format(t.shape)), but the "
                              + "config (\(sizes)) expects \(Shape.format(shape))")
        }
        if used.insert(full).inserted { usedValues += t.count }
        return t
    }

    /// Marks a tensor the model does not read because it is a copy of another (a tied decoder).
    func markTied(_ name: String, base: Bool = false) {
        if tensors[fullName(name, base: base)] != nil { used.insert(fullName(name, base: base)) }
    }

    /// Tensors the model does not use (another head's weights), leaving out buffers that
    /// transformers recomputes (position_ids, GPT-2's causal-mask attn.bias and attn.masked_bias).
    var unused: [String] {
        tensors.keys.filter { name in
            !used.contains(name) && !name.hasSuffix("position_ids") && !name.hasSuffix("attn.masked_bias")
                && !(name.hasSuffix("attn.bias") && tensors[name]?.rank == 4)
        }.sorted()
    }
}
