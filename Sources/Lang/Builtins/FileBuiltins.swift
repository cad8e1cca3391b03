import Foundation
import Tensors

/// Reading and writing files: tensors as safetensors, and text.
enum FileBuiltins {
    static func register(_ r: Registry) {
        registerTensorFiles(r)
        registerTextFiles(r)
    }

    /// The named tensors save() writes: one tensor, a dict of name → tensor, or a model's state_dict.
    static func namedTensors(_ v: Value?) throws -> [(String, Tensor)] {
        var entries: [(String, Tensor)] = []
        switch v {
        case .tensor(let t)?: entries = [("tensor", t)]
        case .dict(let d)?:
            for (k, v) in d.pairs {
                guard case .string(let name) = k else {
                    throw RuntimeError("save: tensor names must be strings, found \(k)")
                }
                entries.append((name, try Convert.tensor(v, what: "save: entry '\(name)'")))
            }
        case .object(let o)?:
            guard let sd = try o.property("state_dict"), case .dict(let d) = sd else {
                throw RuntimeError("save: \(o.typeName) has no state_dict to save")
            }
            for (k, v) in d.pairs { entries.append((k.value.display, try Convert.tensor(v, what: "save"))) }
        case let v: throw RuntimeError("save needs a tensor or a dict of tensors, found \(v?.typeName ?? "nil")")
        }
        return entries
    }

    static func registerTensorFiles(_ r: Registry) {
        r.function("load", "path: string", returns: "dict",
                   "Reads a .safetensors file into a dict of name → tensor (in the file's order).",
                   details: """
                   Every rule of the safetensors format is checked; a malformed file is an error naming the problem.
                   F32, F64, F16 and BF16 become float32; I64, I32 and U8 become int64; BOOL stays bool.
                   """,
                   example: """
                   save({w: eye(2)}, "/tmp/w.safetensors")
                   load("/tmp/w.safetensors")
                   """) { c in
            let path = try c.string("path"), url = try c.url("path")
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw RuntimeError("load: no file at \(path)")
            }
            let entries = try SafeTensors.readOrdered(contentsOf: url)
            let d = DictBox()
            for (name, t) in entries { d[name] = .tensor(t) }
            return .dict(d)
        }
        r.function("save", "tensors: any, path: string", returns: "nil",
                   "Writes a tensor or a dict of name → tensor to a .safetensors file (atomically).",
                   details: """
                   float32, int64 and bool tensors are written as F32, I64 and BOOL; \
                   the file loads in PyTorch with safetensors.torch.load_file.
                   """,
                   example: "save({w: eye(2)}, \"/tmp/w.safetensors\")") { c in
            let path = try c.string("path")
            let entries = try namedTensors(c.value("tensors"))
            try SafeTensors.write(entries, to: try c.interp.resolve(path))
            return .none
        }
    }

    static func registerTextFiles(_ r: Registry) {
        r.function("read_text", "path: string", returns: "string", "The contents of a UTF-8 text file.",
                   example: "len(read_text(\"data/sentiment_test_indices.txt\").split())") { c in
            let path = try c.string("path"), url = try c.url("path")
            guard let d = FileManager.default.contents(atPath: url.path) else {
                throw RuntimeError("read_text: no readable file at \(path)")
            }
            guard let s = String(data: d, encoding: .utf8) else {
                throw RuntimeError("read_text: \(path) is not UTF-8 text")
            }
            return .string(s)
        }
    }
}
