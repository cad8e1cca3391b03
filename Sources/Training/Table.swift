import CSV
import Foundation
import Tensors

/// A delimited text file with a header row: column names and string fields, validated.
public struct Table {
    public let columns: [String]
    public let rows: [[String]]

    /// Reads a CSV (`,`) or TSV (tab) file. Every row must have as many fields as the header;
    /// the error names the row and what was found.
    public static func read(_ url: URL, separator: Character? = nil) throws -> Table {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TensorError(.file, "cannot read \(url.path): no such file or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TensorError(.file, "\(url.lastPathComponent) is not UTF-8 text")
        }
        let sep = separator ?? (url.pathExtension.lowercased() == "tsv" ? "\t" : ",")
        return try parse(text, separator: sep, name: url.lastPathComponent)
    }

    /// Parses delimited text as RFC 4180 describes it: fields may be quoted, and a quoted field
    /// may hold the separator, a newline or a doubled quote. Lines may end in LF or CRLF, and a
    /// UTF-8 byte order mark before the header is dropped.
    public static func parse(_ text: String, separator: Character, name: String = "table") throws -> Table {
        guard let delimiter = separator.unicodeScalars.first, separator.unicodeScalars.count == 1 else {
            throw TensorError(.value, "a table's separator must be one character, found \"\(separator)\"")
        }
        let body = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        if let line = unclosedQuote(in: body, separator: UInt8(delimiter.value & 0xFF)) {
            throw TensorError(.file, "\(name) line \(line): a quoted field starts there and is never closed "
                                     + "(a field in quotes ends with \")")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: body, hasHeaderRow: true, delimiter: delimiter)
        } catch {
            throw TensorError(.file, "\(name) is empty: expected a header row")
        }
        guard let columns = reader.headerRow, columns != [""] else {
            throw TensorError(.file, "\(name) is empty: expected a header row")
        }
        var rows: [[String]] = []
        while let fields = reader.next() {
            // A blank line (often the last) is not a row.
            if fields == [""] { continue }
            guard fields.count == columns.count else {
                let found = "\(fields.count) field\(fields.count == 1 ? "" : "s")"
                throw TensorError(.file, "\(name) row \(rows.count + 1) has \(found), "
                                         + "expected \(columns.count) like the header")
            }
            rows.append(fields)
        }
        if let error = reader.error { throw TensorError(.file, "\(name) could not be read: \(error)") }
        return Table(columns: columns, rows: rows)
    }

    /// The line where a quoted field opens and the text ends before its closing quote, or nil.
    /// A quote opens a field only at its start (RFC 4180); `""` inside one is a quote.
    static func unclosedQuote(in text: String, separator: UInt8) -> Int? {
        var line = 1, openedAt = 0, quoted = false, atFieldStart = true
        var bytes = text.utf8.makeIterator()
        while let b = bytes.next() {
            if quoted {
                if b == UInt8(ascii: "\"") {
                    // A doubled quote stays inside; a single one closes the field.
                    guard let next = bytes.next() else { return nil }
                    if next == UInt8(ascii: "\"") { continue }
                    quoted = false
                    atFieldStart = next == separator || next == UInt8(ascii: "\n")
                    if next == UInt8(ascii: "\n") { line += 1 }
                    continue
                }
                if b == UInt8(ascii: "\n") { line += 1 }
                continue
            }
            switch b {
            case UInt8(ascii: "\"") where atFieldStart: quoted = true; openedAt = line
            case UInt8(ascii: "\n"): line += 1; atFieldStart = true
            case separator: atFieldStart = true
            default: atFieldStart = false
            }
        }
        return quoted ? openedAt : nil
    }

    public func index(of column: String) throws -> Int {
        guard let i = columns.firstIndex(of: column) else {
            let shown = columns.prefix(12).joined(separator: ", ") + (columns.count > 12 ? ", …" : "")
            throw TensorError(.value, "no column '\(column)'; the columns are \(shown)")
        }
        return i
    }

    /// The named columns as a float matrix [rows, columns]; a non-number is an error naming its row and column.
    public func numbers(_ names: [String]) throws -> Tensor {
        // One lookup table, so that choosing 100,000 columns costs linear time.
        let position = Dictionary(columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let idx = try names.map { name in try position[name] ?? index(of: name) }
        var out = [Float](repeating: 0, count: rows.count * idx.count)
        for (r, row) in rows.enumerated() {
            for (k, c) in idx.enumerated() {
                guard let v = Float(row[c].trimmingCharacters(in: .whitespaces)), v.isFinite else {
                    throw TensorError(.value,
                                      "row \(r + 1), column '\(columns[c])': expected a number, found \"\(row[c])\"")
                }
                out[r * idx.count + k] = v
            }
        }
        return try Tensor(shape: [rows.count, idx.count], floats: out)
    }
}
