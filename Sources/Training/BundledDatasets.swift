import Foundation
import Tensors

/// The datasets shipped in data/ (see data/README.md for sources and licences).
public enum Datasets {
    public static let names = ["sentiment", "breast_cancer", "wine", "iris", "digits", "shakespeare"]

    /// data/ of the repository: $XAI_DATA, next to the executable's build folder, or the
    /// source tree this was built from.
    public static func directory() throws -> URL {
        var candidates: [URL] = []
        if let env = ProcessInfo.processInfo.environment["XAI_DATA"] { candidates.append(URL(fileURLWithPath: env)) }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 { candidates.append(dir.appendingPathComponent("data")); dir = dir.deletingLastPathComponent() }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(source.deletingLastPathComponent().appendingPathComponent("data"))
        let files = FileManager.default
        for c in candidates where files.fileExists(atPath: c.appendingPathComponent("sentiment.tsv").path) {
            return c
        }
        throw TensorError(.file, "cannot find xai's data folder (set XAI_DATA to the repository's data/ directory)")
    }

    /// Parsed datasets, kept for the process: a Dataset never changes, so reuse is safe.
    nonisolated(unsafe) static var cache: [String: Dataset] = [:]

    public static func load(_ name: String) throws -> Dataset {
        if let d = cache[name] { return d }
        let d = try parse(name)
        cache[name] = d
        return d
    }

    static func parse(_ name: String) throws -> Dataset {
        let dir = try directory()
        switch name {
        case "sentiment":
            let t = try Table.read(dir.appendingPathComponent("sentiment.tsv"))
            let ti = try t.index(of: "text"), li = try t.index(of: "label")
            let labels = try t.rows.enumerated().map { r, row -> Int64 in
                guard let v = Int64(row[li]) else {
                    throw TensorError(.value, "sentiment.tsv row \(r + 1): label \"\(row[li])\" is not 0 or 1")
                }
                return v
            }
            return try Dataset(name: name, inputs: .text(t.rows.map { $0[ti] }),
                               labels: Tensor(shape: [labels.count], ints: labels),
                               classNames: ["negative", "positive"])
        case "breast_cancer", "wine", "iris", "digits":
            let t = try Table.read(dir.appendingPathComponent("\(name).csv"))
            let target = name == "digits" ? "label" : "target"
            let featureNames = t.columns.filter { $0 != target }
            let x = try t.numbers(featureNames)
            let y = try t.numbers([target]).reshape([-1]).toInt()
            let classes: [String]
            switch name {
            case "breast_cancer": classes = ["malignant", "benign"]
            case "wine": classes = ["class_0", "class_1", "class_2"]
            case "iris": classes = ["setosa", "versicolor", "virginica"]
            default: classes = (0..<10).map(String.init)
            }
            return try Dataset(name: name, inputs: .features(x), labels: y, featureNames: featureNames,
                               classNames: classes)
        case "shakespeare":
            throw TensorError(.value, "shakespeare is a text corpus: use corpus(\"shakespeare\")")
        default:
            throw TensorError(.value, "no bundled dataset '\(name)'; the datasets are \(names.joined(separator: ", "))")
        }
    }

    public static func corpus(_ name: String) throws -> String {
        guard name == "shakespeare" else {
            throw TensorError(.value, "no bundled corpus '\(name)'; the corpus is shakespeare")
        }
        let url = try directory().appendingPathComponent("tiny_shakespeare.txt")
        guard let d = FileManager.default.contents(atPath: url.path), let s = String(data: d, encoding: .utf8) else {
            throw TensorError(.file, "cannot read \(url.path)")
        }
        return s
    }
}
