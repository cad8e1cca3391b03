import Foundation
import Training

extension Pretrained {
    /// The tokenizer saved in a checkpoint's folder: tokenizer.json when there is one (its
    /// model.type says WordPiece or BPE), else vocab.txt (WordPiece), else vocab.json with
    /// merges.txt (byte-level BPE); tokenizer_config.json adjusts it when present.
    public static func loadTokenizer(folder: URL) throws -> SubwordTokenizer {
        let file = { (name: String) in folder.appendingPathComponent(name) }
        let config = file("tokenizer_config.json")
        if TokenizerFiles.exists(file("tokenizer.json")) {
            let json = try TokenizerJSON(contentsOf: file("tokenizer.json"))
            let settings = try TokenizerConfig.optional(config)
            switch json.modelType {
            case "WordPiece": return try WordPieceTokenizer(json, config: settings)
            case "BPE": return try ByteLevelBPETokenizer(json, config: settings)
            default: throw json.unsupported()
            }
        }
        if TokenizerFiles.exists(file("vocab.txt")) {
            return try WordPieceTokenizer(vocabularyFile: file("vocab.txt"), configFile: config)
        }
        if TokenizerFiles.exists(file("vocab.json")) || TokenizerFiles.exists(file("merges.txt")) {
            for name in ["vocab.json", "merges.txt"] where !TokenizerFiles.exists(file(name)) {
                throw TokenizerFileError("\(folder.path) has \(name == "vocab.json" ? "merges.txt" : "vocab.json") "
                                         + "but no \(name); a byte-level BPE tokenizer needs both")
            }
            return try ByteLevelBPETokenizer(vocabularyFile: file("vocab.json"), mergesFile: file("merges.txt"),
                                             configFile: config)
        }
        throw TokenizerFileError("\(folder.path) has no tokenizer files: expected tokenizer.json, vocab.txt "
                                 + "(WordPiece) or vocab.json with merges.txt (byte-level BPE)")
    }
}
