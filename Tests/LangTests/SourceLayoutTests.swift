import Foundation
import XCTest
import TestSupport

/// The source stays easy to read: no line over 120 characters anywhere in Sources, and no
/// function of the language (Sources/Lang) over 59 lines.
final class SourceLayoutTests: XCTestCase {
    func sourceFiles(under folder: String, endings: [String]) -> [URL] {
        let root = repoRoot.appendingPathComponent(folder)
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var files: [URL] = []
        while let url = walker?.nextObject() as? URL {
            if endings.contains(url.pathExtension) { files.append(url) }
        }
        return files.sorted { $0.path < $1.path }
    }

    func testNoSourceLineIsWiderThan120Characters() throws {
        var wide: [String] = []
        for url in sourceFiles(under: "Sources", endings: ["swift", "c", "h"]) {
            let text = try String(contentsOf: url, encoding: .utf8)
            for (i, line) in text.components(separatedBy: "\n").enumerated() where line.count > 120 {
                wide.append("\(url.path.replacingOccurrences(of: repoRoot.path + "/", with: "")):\(i + 1) (\(line.count))")
            }
        }
        XCTAssertEqual(wide, [], "lines over 120 characters")
    }

    func testNoFunctionOfTheLanguageIsLongerThan59Lines() throws {
        var long: [String] = []
        for url in sourceFiles(under: "Sources/Lang", endings: ["swift"]) {
            let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
            for (start, length) in functionLengths(lines) where length > 59 {
                long.append("\(url.lastPathComponent):\(start + 1) (\(length) lines)")
            }
        }
        XCTAssertEqual(long, [], "functions over 59 lines")
    }

    /// (first line, line count) of each `func`/`init`, from its declaration to the brace that
    /// closes its body. Braces inside string literals are not counted.
    func functionLengths(_ lines: [String]) -> [(Int, Int)] {
        let declaration = try! NSRegularExpression(pattern: #"^\s*(@\w+\s+)*([a-z]+\s+)*(func\s|init[?!]?\s*[(<])"#)
        var result: [(Int, Int)] = []
        for (i, line) in lines.enumerated() {
            let range = NSRange(line.startIndex..., in: line)
            guard declaration.firstMatch(in: line, range: range) != nil else { continue }
            var depth = 0, opened = false
            for j in i..<lines.count {
                let code = lines[j].replacingOccurrences(of: #""(?:[^"\\]|\\.)*""#, with: "\"\"",
                                                         options: .regularExpression)
                for ch in code {
                    if ch == "{" { depth += 1; opened = true } else if ch == "}" { depth -= 1 }
                }
                if opened && depth <= 0 { result.append((i, j - i + 1)); break }
                if !opened && j > i + 8 { break }   // a declaration without a body (a protocol's)
            }
        }
        return result
    }
}
