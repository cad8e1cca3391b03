import Foundation

/// A notebook as Markdown: prose as written, code in ```xai fences, output in plain fences,
/// figures as inline HTML (SVG), so the file stands alone.
extension Notebook {
    /// A prose line for Markdown export: raw HTML shown as text (< escaped), and links whose
    /// target is not safe (see isSafeLink) no longer links.
    static func markdownProse(_ line: String) -> String {
        var out = ""
        var rest = Substring(line)
        while let open = rest.firstIndex(of: "[") {
            out += rest[..<open]
            let after = rest[open...]
            if let mid = after.range(of: "]("), let close = after[mid.upperBound...].firstIndex(of: ")") {
                let url = String(after[mid.upperBound..<close])
                let text = after[after.index(after: open)..<mid.lowerBound]
                out += isSafeLink(url) ? String(after[...close]) : "\\[\(text)\\](\(url))"
                rest = after[after.index(after: close)...]
            } else {
                out += "["
                rest = after.dropFirst()
            }
        }
        out += rest
        return out.replacingOccurrences(of: "<", with: "&lt;")
    }

    /// A code fence longer than any run of backticks that starts a line of the block, so that
    /// no code or output line (`print("```")`) can close it early and turn the rest into prose.
    static func fence(_ lines: [String]) -> String {
        let longest = lines.map { $0.drop(while: { $0 == " " }).prefix(while: { $0 == "`" }).count }.max() ?? 0
        return String(repeating: "`", count: max(3, longest + 1))
    }

    /// The whole notebook as one Markdown file, the title its `#` heading.
    public func markdown() -> String {
        var out = ["# \(Notebook.markdownProse(title))", ""]
        for cell in cells {
            switch cell {
            case .prose(let lines): out += lines.map(Notebook.markdownProse) + [""]
            case .code(let lines, let outputs, let figures):
                if !lines.isEmpty { let f = Notebook.fence(lines); out += [f + "xai"] + lines + [f, ""] }
                if !outputs.isEmpty { let f = Notebook.fence(outputs); out += [f + "text"] + outputs + [f, ""] }
                for f in figures { out += [f.trimmingCharacters(in: .newlines), ""] }
            }
        }
        return out.joined(separator: "\n")
    }
}
