import Explain
import Foundation
import Pictures
import Tensors

/// A result of probing or judging a model (a robustness metric, an attack, a counterfactual,
/// a global view…) that exports itself: JSON for other tools, an HTML figure for notebooks
/// and pages. Its display is the terminal picture; notebooks draw `figureHTML`.
public protocol ExportableResult: HostObject, FigureProviding {
    /// Stable JSON (see JSONFields): every number of the result, keys in a fixed order.
    var json: String { get }
}

/// The methods every exportable result has: `.json()`, `.html()` and `.save(path)`.
enum ResultExports {
    /// Registers json, html and save for `typeName`; `make` is an expression that builds such
    /// a result, for the help examples (each is run by the tests).
    static func register(_ r: Registry, _ typeName: String, setup: String = "", make: String) {
        let prefix = setup.isEmpty ? "" : setup + "\n"
        r.method(typeName, "json", "", returns: "string",
                 "The \(typeName) as JSON: every number, keys in a fixed order.",
                 example: prefix + "len(\(make).json()) > 0") { c in
            .string(try c.receiverObject(ExportableResult.self).json)
        }
        r.method(typeName, "html", "", returns: "string",
                 "The \(typeName) as a self-contained HTML figure with inline SVG.",
                 example: prefix + "\(make).html().startswith(\"<figure\")") { c in
            .string(try c.receiverObject(ExportableResult.self).figureHTML)
        }
        r.method(typeName, "save", "path: string", returns: "nil",
                 "Writes the \(typeName) (atomically) as JSON (.json) or as an HTML page (.html).",
                 example: prefix + "\(make).save(\"/tmp/\(typeName.lowercased()).json\")") { c in
            let result = try c.receiverObject(ExportableResult.self)
            let path = try c.string("path")
            let url = try c.interp.resolve(path)
            let text: String
            switch url.pathExtension.lowercased() {
            case "json": text = result.json
            case "html", "htm": text = page(title: typeName, body: result.figureHTML)
            default: throw RuntimeError("save: the file name must end in .json or .html, found \"\(path)\"")
            }
            do { try SafeFile.write(Data(text.utf8), to: url) } catch { throw RuntimeError("save: \(error)") }
            return .none
        }
    }

    /// A standalone HTML page around a figure, light or dark as the reader prefers.
    static func page(title: String, body: String) -> String {
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>\(SVG.esc(title))</title>\n"
            + "<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222;background:#fff}"
            + "@media (prefers-color-scheme:dark){body{color:#ddd;background:#1e1e1e}}"
            + "figcaption{margin-top:.5em;font-size:.9em}</style></head>\n<body>\n"
            + body + "</body>\n</html>\n"
    }
}
