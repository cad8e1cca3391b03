import Foundation

/// A small greyscale image (high values dark, like ink).
public struct ImageFigure: Figure {
    public var title: String
    public var pixels: [Double]
    public var rows: Int, cols: Int
    public init(title: String = "", pixels: [Double], rows: Int, cols: Int) {
        self.title = title; self.pixels = pixels; self.rows = rows; self.cols = cols
    }

    func shade(_ v: Double) -> Double {
        let lo = pixels.min() ?? 0, hi = max(lo + 1e-12, pixels.max() ?? 1)
        return 1 - (v - lo) / (hi - lo)
    }

    public func terminal(width: Int, mode: ColorMode) -> String {
        var lines = title.isEmpty ? [] : [title]
        if mode == .none {
            let ramp = Array(" .:-=+*#%@")
            for r in 0..<rows {
                lines.append("  " + (0..<cols).map { c -> String in
                    let k = Int(roundedClamping: (1 - shade(pixels[r * cols + c])) * Double(ramp.count - 1))
                    return String(repeating: ramp[max(0, min(ramp.count - 1, k))], count: 2)
                }.joined())
            }
            return lines.joined(separator: "\n")
        }
        for r in stride(from: 0, to: rows, by: 2) {
            var line = "  "
            for c in 0..<cols {
                let top = Palette.grey(shade(pixels[r * cols + c]))
                let bottom = r + 1 < rows
                    ? Palette.escape(Palette.grey(shade(pixels[(r + 1) * cols + c])), background: true, mode: mode) : ""
                line += Palette.escape(top, background: false, mode: mode) + bottom + "▀▀"
                    + Palette.reset(mode: mode)
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    public func svg() -> String {
        let cell = max(4, min(24, 240 / Double(max(rows, cols))))
        var s = [SVG.open(width: Double(cols) * cell, height: Double(rows) * cell)]
        for r in 0..<rows { for c in 0..<cols {
            s.append(SVG.rect(x: Double(c) * cell, y: Double(r) * cell, width: cell, height: cell,
                              fill: Palette.hex(Palette.grey(shade(pixels[r * cols + c])))))
        } }
        s.append("</svg>")
        return s.joined(separator: "\n")
    }
}
