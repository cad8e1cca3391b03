import Foundation
import Lang
import Repl
import Tensors
import Training

/// One input for each of xai's four readers of untrusted text, chosen by `XAI_FUZZ`:
/// - `lang`: a program through the lexer, parser and interpreter (bounded steps, time and sizes);
/// - `safetensors`: a file's bytes through the safetensors decoder;
/// - `csv`: a CSV and a TSV table, then its numeric columns;
/// - `notebook`: a script with its transcript, exported as HTML and Markdown, whose prose must
///   never carry a script, an event handler or a link other than http(s), mailto or relative.
/// Any input may fail with an error; none may crash, hang or break those rules.
enum FuzzTarget: String {
    case lang, safetensors, csv, notebook

    nonisolated(unsafe) static var current = FuzzTarget.lang
    nonisolated(unsafe) static var interpreter: Interpreter?
    nonisolated(unsafe) static var runs = 0
    static let sandbox = FileManager.default.temporaryDirectory.appendingPathComponent("xai-fuzz-\(getpid())")

    static func setUp() {
        let name = ProcessInfo.processInfo.environment["XAI_FUZZ"] ?? "lang"
        guard let target = FuzzTarget(rawValue: name) else {
            let message = "XAI_FUZZ must be lang, safetensors, csv or notebook, found \(name)\n"
            FileHandle.standardError.write(Data(message.utf8))
            exit(2)
        }
        current = target
        // Tensors of at most 2^20 elements keep one input to milliseconds.
        Shape.maxElements = 1 << 20
        try? FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
    }

    static func run(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch current {
        case .lang: runProgram(String(decoding: bytes, as: UTF8.self))
        case .safetensors: _ = try? SafeTensors.decode(Data(bytes))
        case .csv:
            let text = String(decoding: bytes, as: UTF8.self)
            for separator: Character in [",", "\t"] {
                if let table = try? Table.parse(text, separator: separator) {
                    _ = try? table.numbers(table.columns)
                }
            }
        case .notebook: checkNotebook(String(decoding: bytes, as: UTF8.self))
        }
    }

    static func runProgram(_ source: String) {
        // A fresh session every 200 inputs, so that state carries over but never grows.
        if interpreter == nil || runs % 200 == 0 {
            let interp = Interpreter()
            interp.baseDirectory = sandbox
            interp.sandbox = sandbox
            interp.output = { _, _ in }
            interpreter = interp
        }
        runs += 1
        guard let interp = interpreter else { return }
        interp.stepBudget = 5000
        Random.seed(0)
        // Builtins such as fit() run long inside one step: the time limit stops them at the
        // same safe points as Ctrl-C.
        let deadline = DispatchTime.now().uptimeNanoseconds + 200_000_000
        Interruption.poll = { DispatchTime.now().uptimeNanoseconds > deadline }
        try? interp.run(source)
    }

    static func checkNotebook(_ text: String) {
        let notebook = Notebook.fromTranscript(text, title: "fuzz")
        if let problem = unsafeMarkup(inHTML: notebook.html()) ?? unsafeMarkup(inMarkdown: notebook.markdown()) {
            fatalError("notebook export: \(problem), from the script \(text.debugDescription)")
        }
    }

    /// The first tag of an HTML page that could run code: a script beyond the page's own, an
    /// embedded frame or object, an `on…` event attribute, or a link or source that is not
    /// http(s), mailto, a fragment or a relative path.
    static func unsafeMarkup(inHTML page: String) -> String? {
        var scripts = 0
        var rest = Substring(page)
        while let open = rest.firstIndex(of: "<") {
            rest = rest[rest.index(after: open)...]
            guard let close = rest.firstIndex(of: ">") else { break }
            let tag = rest[..<close].lowercased()
            rest = rest[rest.index(after: close)...]
            let name = tag.prefix(while: { $0.isLetter || $0.isNumber })
            if name == "script" { scripts += 1 }
            if ["iframe", "object", "embed", "img", "base", "form", "frame"].contains(String(name)) {
                return "a <\(name)> tag"
            }
            let attributes = tag.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).dropFirst()
            for attribute in attributes {
                let key = attribute.prefix(while: { $0 != "=" })
                if key.hasPrefix("on") { return "an event attribute \(key)" }
                if key == "href" || key == "src" {
                    let value = attribute.dropFirst(key.count + 1)
                        .trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                    if !isSafeTarget(value) { return "a link to \(value)" }
                }
            }
        }
        return scripts > ownScripts ? "\(scripts - ownScripts) <script> tag(s) beyond the page's own" : nil
    }

    /// Markdown: outside fenced code, prose HTML is escaped and links are safe.
    static func unsafeMarkup(inMarkdown page: String) -> String? {
        var fence = 0
        for line in page.components(separatedBy: "\n") {
            let ticks = line.drop(while: { $0 == " " }).prefix(while: { $0 == "`" }).count
            if fence > 0 {
                // Only a line of as many backticks or more, and nothing else, closes the fence.
                if ticks >= fence && line.trimmingCharacters(in: .whitespaces).allSatisfy({ $0 == "`" }) { fence = 0 }
                continue
            }
            if ticks >= 3 { fence = ticks; continue }
            let chars = Array(line)
            for i in chars.indices.dropLast() where chars[i] == "<" && (chars[i + 1].isLetter || chars[i + 1] == "/") {
                return "raw HTML in Markdown prose: \(line)"
            }
            var rest = Substring(line)
            while let r = rest.range(of: "](") {
                // `\](` is escaped text, not a link.
                if r.lowerBound > rest.startIndex && rest[rest.index(before: r.lowerBound)] == "\\" {
                    rest = rest[r.upperBound...]
                    continue
                }
                let target = rest[r.upperBound...].prefix(while: { $0 != ")" && $0 != " " })
                if !isSafeTarget(String(target)) { return "a Markdown link to \(target)" }
                rest = rest[r.upperBound...]
            }
        }
        return nil
    }

    /// Whether a browser would follow a link without running code: the target as the browser
    /// reads it (character references decoded, tabs, newlines and controls dropped) has no
    /// scheme, or http(s) or mailto.
    static func isSafeTarget(_ target: String) -> Bool {
        let t = decodeReferences(target).lowercased().filter { !($0.asciiValue.map { $0 <= 32 } ?? false) }
        guard let colon = t.firstIndex(of: ":") else { return true }
        // A colon after a slash, ? or # is inside a relative path, not a scheme.
        if t[..<colon].contains(where: { "/?#".contains($0) }) { return true }
        return ["http", "https", "mailto"].contains(String(t[..<colon]))
    }

    /// `&#58;`, `&#x3a;` and the named references an attribute value may use for a scheme.
    static func decodeReferences(_ s: String) -> String {
        guard s.contains("&") else { return s }
        var out = "", rest = Substring(s)
        let named = ["amp": "&", "colon": ":", "tab": "\t", "newline": "\n", "lt": "<", "gt": ">",
                     "quot": "\"", "apos": "'"]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[rest.index(after: amp)...]
            let body = rest.prefix(while: { $0.isLetter || $0.isNumber || $0 == "#" })
            var decoded: String?
            if body.hasPrefix("#x") || body.hasPrefix("#X") {
                decoded = UInt32(body.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String($0) }
            } else if body.hasPrefix("#") {
                decoded = UInt32(body.dropFirst()).flatMap(Unicode.Scalar.init).map { String($0) }
            } else {
                decoded = named[String(body).lowercased()]
            }
            if let decoded {
                out += decoded
                rest = rest.dropFirst(body.count)
                if rest.first == ";" { rest = rest.dropFirst() }
            } else {
                out += "&"
            }
        }
        return out + rest
    }

    /// How many <script> tags a notebook page carries by itself.
    static let ownScripts = Notebook.fromTranscript("", title: "empty").html().lowercased()
        .components(separatedBy: "<script").count - 1
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<CInt>,
                             _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>>>) -> CInt {
    FuzzTarget.setUp()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    FuzzTarget.run(UnsafeBufferPointer(start: data, count: data == nil ? 0 : count))
    return 0
}

#if XAI_LIBFUZZER
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The package manager names an executable's entry point after its module; libFuzzer's
/// driver runs from there.
@_cdecl("xai_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzerTestOneInput(data, size) }
}
#else
/// Without libFuzzer (a plain `swift build`), the target replays inputs and mutates them: each
/// argument is a file or a folder of files, run in order, then `--mutations N` seeded random
/// mutants of each (bytes flipped, inserted, deleted, repeated, or spliced from another
/// input). CI runs this short campaign; scripts/fuzz.sh runs libFuzzer's long one.
@main
struct FuzzReplay {
    static func main() {
        FuzzTarget.setUp()
        var arguments = Array(CommandLine.arguments.dropFirst())
        var mutations = 0
        if let i = arguments.firstIndex(of: "--mutations"), i + 1 < arguments.count {
            mutations = Int(arguments[i + 1]) ?? 0
            arguments.removeSubrange(i...i + 1)
        }
        var inputs: [[UInt8]] = []
        for path in arguments {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                if let data = FileManager.default.contents(atPath: file) { inputs.append([UInt8](data)) }
            }
        }
        var rng = RandomGenerator(seed: 2026)
        var count = 0
        func run(_ bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { FuzzTarget.run($0) }
            count += 1
        }
        for input in inputs { run(input) }
        for _ in 0..<mutations {
            for input in inputs { run(mutate(input, with: inputs, &rng)) }
        }
        print("ran \(count) inputs (\(inputs.count) given, \(count - inputs.count) mutants) "
              + "through the \(FuzzTarget.current.rawValue) target")
    }

    static func mutate(_ input: [UInt8], with all: [[UInt8]], _ g: inout RandomGenerator) -> [UInt8] {
        var bytes = input
        let interesting: [[UInt8]] = [[0], [0xFF], Array("9223372036854775807".utf8), Array("\"".utf8),
                                      Array("\r\n".utf8), Array("[".utf8), Array("{".utf8), Array(",".utf8),
                                      [0xEF, 0xBB, 0xBF], Array("-1".utf8)]
        for _ in 0..<(1 + Int(g.below(4))) {
            let i = bytes.isEmpty ? 0 : Int(g.below(UInt64(bytes.count)))
            switch g.below(6) {
            case 0: if !bytes.isEmpty { bytes[i] ^= UInt8(1 << g.below(8)) }
            case 1: bytes.insert(UInt8(g.below(256)), at: i)
            case 2: if !bytes.isEmpty { bytes.removeSubrange(i..<min(bytes.count, i + 1 + Int(g.below(16)))) }
            case 3: bytes.insert(contentsOf: interesting[Int(g.below(UInt64(interesting.count)))], at: i)
            case 4:
                let j = bytes.isEmpty ? 0 : Int(g.below(UInt64(bytes.count)))
                bytes.insert(contentsOf: bytes[j..<min(bytes.count, j + Int(g.below(32)))], at: i)
            default:
                let other = all[Int(g.below(UInt64(all.count)))]
                let j = other.isEmpty ? 0 : Int(g.below(UInt64(other.count)))
                bytes.insert(contentsOf: other[j..<min(other.count, j + Int(g.below(64)))], at: i)
            }
        }
        return Array(bytes.prefix(4096))
    }
}
#endif
