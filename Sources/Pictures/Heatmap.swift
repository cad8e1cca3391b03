import Foundation

/// A matrix as coloured cells: attribution maps (diverging, optionally beside the image),
/// attention matrices and confusion matrices (sequential, with labels).
public enum Heatmap {
    /// A [rows, cols] map as a diverging heatmap, optionally beside a grey image.
    public static func terminal(_ map: [Double], rows H: Int, cols W: Int, image: [Double]? = nil,
                                mode: ColorMode = Palette.mode) -> [String] {
        let m = Palette.fullScale(map)
        if mode == .none {
            var lines = ["  attribution × 100 (rows top to bottom):"]
            for r in 0..<H {
                lines.append("  " + (0..<W).map { String(format: "%5.0f", map[r * W + $0] / m * 100) }.joined())
            }
            return lines
        }
        var lo = 0.0, hi = 1.0
        if let image { lo = image.min() ?? 0; hi = max(lo + 1e-12, image.max() ?? 1) }
        var lines: [String] = []
        for r in stride(from: 0, to: H, by: 2) {
            var line = "  "
            func cell(_ top: Palette.RGB, _ bottom: Palette.RGB?) -> String {
                Palette.escape(top, background: false, mode: mode)
                    + (bottom.map { Palette.escape($0, background: true, mode: mode) } ?? "")
                    + "▀" + Palette.reset(mode: mode)
            }
            if let image {
                for c in 0..<W {
                    let top = Palette.grey(1 - (image[r * W + c] - lo) / (hi - lo))
                    let bottom = r + 1 < H ? Palette.grey(1 - (image[(r + 1) * W + c] - lo) / (hi - lo)) : nil
                    line += cell(top, bottom) + cell(top, bottom)
                }
                line += "   "
            }
            for c in 0..<W {
                let top = Palette.diverging(map[r * W + c] / m)
                let bottom = r + 1 < H ? Palette.diverging(map[(r + 1) * W + c] / m) : nil
                line += cell(top, bottom) + cell(top, bottom)
            }
            lines.append(line)
        }
        lines.append("  blue against · red toward the target (full colour = ±\(String(format: "%.3g", m)))")
        return lines
    }

    public static func svg(_ map: [Double], rows H: Int, cols W: Int, image: [Double]? = nil,
                           cell: Double = 20) -> String {
        let m = Palette.fullScale(map)
        var items: [String] = []
        var offset = 0.0
        if let image {
            let lo = image.min() ?? 0, hi = max(lo + 1e-12, image.max() ?? 1)
            for r in 0..<H { for c in 0..<W {
                let grey = Palette.hex(Palette.grey(1 - (image[r * W + c] - lo) / (hi - lo)))
                items.append(SVG.rect(x: Double(c) * cell, y: Double(r) * cell, width: cell, height: cell, fill: grey))
            } }
            offset = Double(W) * cell + 16
        }
        for r in 0..<H { for c in 0..<W {
            let v = map[r * W + c]
            items.append(SVG.rect(x: offset + Double(c) * cell, y: Double(r) * cell, width: cell, height: cell,
                                  fill: Palette.hex(Palette.diverging(v / m)),
                                  title: "(\(r), \(c)): \(String(format: "%+.4f", v))"))
        } }
        let width = offset + Double(W) * cell, height = Double(H) * cell
        return SVG.start(width: width, height: height) + "\n" + items.joined(separator: "\n") + "\n</svg>"
    }
}
