import Foundation

/// A matrix of numbers as coloured cells, with row and column labels: attention weights,
/// confusion matrices, any 2-D tensor. Signed data use the diverging palette, non-negative
/// data a sequential one (white → blue).
public struct MatrixFigure: Figure {
    public var title: String
    public var values: [Double]
    public var rows: Int, cols: Int
    public var rowLabels: [String], colLabels: [String]
    /// Print each cell's value in the SVG (confusion counts).
    public var annotate: Bool
    public var integers: Bool

    public init(title: String = "", values: [Double], rows: Int, cols: Int, rowLabels: [String] = [],
                colLabels: [String] = [], annotate: Bool = false, integers: Bool = false) {
        self.title = title; self.values = values; self.rows = rows; self.cols = cols
        self.rowLabels = rowLabels.count == rows ? rowLabels : (0..<rows).map(String.init)
        self.colLabels = colLabels.count == cols ? colLabels : (0..<cols).map(String.init)
        self.annotate = annotate; self.integers = integers
    }

    var signed: Bool { values.contains { $0 < 0 } }
    var scale: Double { Palette.fullScale(values) }

    func color(_ v: Double) -> Palette.RGB { signed ? Palette.diverging(v / scale) : Palette.sequential(v / scale) }

    /// Cell text: integers as integers; values up to 10 with two decimals (attention weights,
    /// scaled scores); others as short labels.
    func text(_ v: Double) -> String {
        if integers { return String(Int(roundedClamping: v)) }
        return scale < 10 ? String(format: "%.2f", v) : SVG.label(v)
    }

    public func terminal(width: Int, mode: ColorMode) -> String {
        let lw = min(16, rowLabels.map(TextWidth.of).max() ?? 1)
        var lines = title.isEmpty ? [] : [title]
        let texts = values.map(text)
        // One column per matrix column, wide enough for its values and its label.
        let cw = max(6, (texts.map { $0.count }.max() ?? 1) + 1, (colLabels.map(TextWidth.of).max() ?? 1) + 1)
        if mode == .none {
            lines.append(String(repeating: " ", count: lw + 1)
                         + colLabels.map { TextWidth.padLeft($0, to: cw) }.joined())
            for r in 0..<rows {
                let cells = (0..<cols).map { texts[r * cols + $0].leftPad(cw) }
                lines.append(TextWidth.pad(rowLabels[r], to: lw) + " " + cells.joined())
            }
            return lines.joined(separator: "\n")
        }
        if lw + 1 + cols * cw <= width {
            // Each cell in its colour with its value on it, so the numbers are there for a
            // projector or a reader who cannot tell the colours apart.
            lines.append(String(repeating: " ", count: lw + 1)
                         + colLabels.map { TextWidth.padLeft($0, to: cw - 1) + " " }.joined())
            for r in 0..<rows {
                var line = TextWidth.pad(rowLabels[r], to: lw) + " "
                for c in 0..<cols {
                    let bg = color(values[r * cols + c])
                    line += Palette.escape(bg, background: true, mode: mode)
                        + Palette.escape(Palette.ink(on: bg), background: false, mode: mode)
                        + texts[r * cols + c].leftPad(cw - 1) + " " + Palette.reset(mode: mode)
                }
                lines.append(line)
            }
            return lines.joined(separator: "\n")
        }
        // Too wide for numbers: two character cells per matrix cell, with the scale underneath.
        for r in 0..<rows {
            var line = TextWidth.pad(rowLabels[r], to: lw) + " "
            for c in 0..<cols {
                line += Palette.swatch(color(values[r * cols + c]), cells: 2, mode: mode)
            }
            lines.append(line)
        }
        let sw = { (v: Double) in Palette.swatch(self.color(v), cells: 2, mode: mode) }
        let legend = (signed ? "\(sw(-scale)) \(SVG.label(-scale))  " : "")
            + "\(sw(0)) 0  \(sw(scale)) \(SVG.label(scale))"
        lines.append(String(repeating: " ", count: lw + 1) + legend
                     + "   columns: " + colLabels.prefix(12).joined(separator: " ") + (cols > 12 ? " …" : "")
                     + "   (too wide for the numbers: print the tensor to read them)")
        return lines.joined(separator: "\n")
    }

    public func svg() -> String {
        // Values are written on the cells whenever they fit (up to 20 × 20 cells), widening the
        // cells for longer numbers; larger maps keep them as tooltips.
        let written = annotate || (rows <= 20 && cols <= 20)
        let longest = Double(values.map { text($0).count }.max() ?? 1)
        let cell = written ? max(24, min(64, 7 * longest + 10)) : max(14, min(36, 420 / Double(max(rows, cols))))
        let lw = 8 + 7 * Double(min(40, rowLabels.map(TextWidth.of).max() ?? 1))
        let th = 8 + 7 * Double(min(40, colLabels.map(TextWidth.of).max() ?? 1))
        let top = (title.isEmpty ? 4 : 26) + th
        // Column labels lean right at 60°: the last one reaches half its length past its cell.
        let reach = 0.5 * (th - 8)
        let width = max(lw + (Double(cols) - 0.5) * cell + 4 + reach + 8, Double(title.count) * 7.5 + 16)
        let height = top + Double(rows) * cell + 8
        var s = [SVG.open(width: width, height: height, fontSize: 11)]
        if !title.isEmpty {
            s.append("<text x=\"\(SVG.f(width / 2))\" y=\"16\" text-anchor=\"middle\" font-weight=\"bold\">"
                     + "\(SVG.esc(title))</text>")
        }
        for c in 0..<cols {
            let x = lw + (Double(c) + 0.5) * cell
            s.append("<text transform=\"translate(\(SVG.f(x + 4)) \(SVG.f(top - 4))) rotate(-60)\">"
                     + "\(SVG.esc(TextWidth.truncate(colLabels[c], to: 40)))</text>")
        }
        for r in 0..<rows {
            let y = top + Double(r) * cell
            s.append("<text x=\"\(SVG.f(lw - 6))\" y=\"\(SVG.f(y + cell / 2 + 4))\" text-anchor=\"end\">"
                     + "\(SVG.esc(TextWidth.truncate(rowLabels[r], to: 40)))</text>")
            for c in 0..<cols {
                let v = values[r * cols + c], bg = color(v)
                var cellSVG = SVG.rect(x: lw + Double(c) * cell, y: y, width: cell, height: cell, fill: Palette.hex(bg),
                                       attributes: " stroke=\"#8888\" stroke-width=\"0.5\"",
                                       title: "\(SVG.esc(rowLabels[r])), \(SVG.esc(colLabels[c])): \(text(v))")
                if written {
                    cellSVG += "<text x=\"\(SVG.f(lw + (Double(c) + 0.5) * cell))\" y=\"\(SVG.f(y + cell / 2 + 4))\" "
                        + "text-anchor=\"middle\" fill=\"\(Palette.hex(Palette.ink(on: bg)))\">\(text(v))</text>"
                }
                s.append(cellSVG)
            }
        }
        s.append("</svg>")
        return s.joined(separator: "\n")
    }
}
