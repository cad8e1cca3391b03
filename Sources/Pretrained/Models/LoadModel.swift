import Foundation
import Layers
import Tensors

extension Pretrained {
    /// Loads the model saved in `folder` (config.json + model.safetensors) as the class its config
    /// names (see `PretrainedConfig.supported`). Pickled PyTorch files are never read. Every
    /// problem is an error naming the file, the field or tensor, what was expected and what was found.
    public static func loadModel(folder: URL) throws -> LoadedCheckpoint {
        let fm = FileManager.default
        var isFolder: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw TensorError(.file, "no checkpoint folder at \(folder.path) (expected a folder with config.json and "
                              + "model.safetensors)")
        }
        let configURL = folder.appendingPathComponent("config.json")
        guard fm.fileExists(atPath: configURL.path) else {
            throw TensorError(.file, "\(folder.path) has no config.json: a checkpoint folder holds config.json "
                              + "and model.safetensors, as save_pretrained writes them")
        }
        let weightsURL = try weightsFile(in: folder)
        let config = try PretrainedConfig(contentsOf: configURL)
        let tensors: [String: Tensor]
        do { tensors = try SafeTensors.read(contentsOf: weightsURL) } catch let e as TensorError {
            throw TensorError(e.kind, "\(weightsURL.path): \(e.message)")
        }
        // Every parameter is then replaced by the checkpoint's values (or computed): drawing random
        // initial weights first would only cost time and move the session's generator.
        return try Init.withoutRandomDraws { try build(config, tensors, file: weightsURL.path, folder: folder) }
    }

    /// model.safetensors, or an error saying what the folder holds instead.
    static func weightsFile(in folder: URL) throws -> URL {
        let fm = FileManager.default
        let url = folder.appendingPathComponent("model.safetensors")
        if fm.fileExists(atPath: url.path) { return url }
        if let pickle = ["pytorch_model.bin", "model.bin"].first(where: {
            fm.fileExists(atPath: folder.appendingPathComponent($0).path)
        }) {
            throw TensorError(.file, "\(folder.path) has \(pickle) but no model.safetensors: pickled PyTorch "
                              + "files are never loaded (unpickling can run code); re-save the model with "
                              + "save_pretrained(folder, safe_serialization=True)")
        }
        if fm.fileExists(atPath: folder.appendingPathComponent("model.safetensors.index.json").path) {
            throw TensorError(.file, "\(folder.path) holds a checkpoint sharded over several files "
                              + "(model.safetensors.index.json): expected one model.safetensors")
        }
        throw TensorError(.file, "\(folder.path) has no model.safetensors (the weights): a checkpoint folder holds "
                          + "config.json and model.safetensors, as save_pretrained writes them")
    }

    static func build(_ config: PretrainedConfig, _ tensors: [String: Tensor], file: String,
                      folder: URL) throws -> LoadedCheckpoint {
        let module: Module
        var tied = 0, generated = 0
        let t: CheckpointTensors
        switch config.family {
        case .bert:
            t = CheckpointTensors(file: file, model: config.architecture, tensors: tensors, basePrefix: "bert.",
                                  probe: "embeddings.word_embeddings.weight")
            module = try PretrainedBert.load(config, t)
        case .distilbert:
            t = CheckpointTensors(file: file, model: config.architecture, tensors: tensors,
                                  basePrefix: "distilbert.", probe: "embeddings.word_embeddings.weight")
            (module, generated) = try PretrainedDistilBert.load(config, t)
        case .gpt2:
            t = CheckpointTensors(file: file, model: config.architecture, tensors: tensors,
                                  basePrefix: "transformer.", probe: "wte.weight")
            (module, tied) = try GPT2Loading.load(config, t)
        }
        // Every parameter was read from the file, shared, or computed: nothing is left at random.
        guard module.parameterCount == t.usedValues + tied + generated else {
            throw TensorError(.value, "\(config.architecture) has \(module.parameterCount) parameter values but "
                              + "\(t.usedValues) were read from \(file) (+\(tied) tied, +\(generated) computed)")
        }
        return LoadedCheckpoint(module: module, config: config, folder: folder, unusedTensors: t.unused,
                                checkpointValues: t.usedValues, tiedValues: tied, generatedValues: generated)
    }
}
