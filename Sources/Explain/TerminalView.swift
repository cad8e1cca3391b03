import Foundation
import Pictures
import Tensors

/// Explanations drawn as text: tokens coloured by score, horizontal bars for features, and
/// images as half-block heatmaps. Without colour, the same information as plain text.
public enum TerminalView {
    static func num(_ v: Double) -> String { String(format: "%+.4f", v) }

    /// The header, the picture, and the checks.
    public static func render(_ e: Explanation, mode: ColorMode = Palette.mode, width: Int = 80) -> String {
        var lines: [String] = []
        let s = e.subject
        var head = "\(e.method) · \(s.model.module.typeName) · \(s.targetName) (\(s.outputDescription)) · "
            + "f(x) = \(String(format: "%.4f", e.prediction))"
        if let b = e.baseValue { head += " · base \(String(format: "%.4f", b))" }
        lines.append(head)
        if !e.settings.isEmpty { lines.append("  " + e.settings.map { "\($0.0) \($0.1)" }.joined(separator: " · ")) }
        switch e.kind {
        case .text: lines += tokens(e, mode: mode, width: width)
        case .tabular: lines += BarChart.terminal(names: e.units, values: e.scores, mode: mode, width: width, limit: 12)
        case .image: lines += image(e, mode: mode)
        }
        for c in e.checks { lines.append("  \(c.name): \(String(format: "%.4g", c.value))  — \(c.note)") }
        return lines.joined(separator: "\n")
    }


    /// Tokens with a background colour by score (wrapped to the width), then the strongest
    /// tokens' scores as bars; without colour each token is followed by its score.
    static func tokens(_ e: Explanation, mode: ColorMode, width: Int) -> [String] {
        let m = Palette.fullScale(e.scores)
        var lines: [String] = []
        var line = "  ", visible = 2
        for (w, v) in zip(e.units, e.scores) {
            let piece: String, len: Int
            if mode == .none {
                piece = "\(w)[\(String(format: "%+.3f", v))]"
                len = TextWidth.of(piece)
            } else {
                let bg = Palette.diverging(v / m)
                piece = Palette.escape(bg, background: true, mode: mode)
                    + Palette.escape(Palette.ink(on: bg), background: false, mode: mode)
                    + " \(w) " + Palette.reset(mode: mode)
                len = TextWidth.of(w) + 2
            }
            if visible + len + 1 > width && visible > 2 { lines.append(line); line = "  "; visible = 2 }
            line += piece + " "
            visible += len + 1
        }
        lines.append(line)
        if mode != .none {
            let neg = Palette.swatch(Palette.diverging(-1), cells: 3, mode: mode)
            let pos = Palette.swatch(Palette.diverging(1), cells: 3, mode: mode)
            lines.append("  \(neg) against  \(pos) toward \(e.subject.targetName)   "
                         + "(full colour = ±\(String(format: "%.3g", m)))")
            // The numbers too, for the strongest tokens: colour alone does not survive a
            // projector or a colour-blind reader.
            lines += BarChart.terminal(names: e.units, values: e.scores, mode: mode, width: width, limit: 8)
        }
        return lines
    }

    /// The image (high values dark, like ink on paper) and the attribution map (diverging) side by side, two pixels per
    /// pair of character cells (▀: foreground = upper pixel, background = lower). Without colour, the
    /// attribution as a grid of numbers.
    static func image(_ e: Explanation, mode: ColorMode) -> [String] {
        guard let (map, H, W) = e.pixelMap else { return [] }
        let x = e.subject.input
        return Heatmap.terminal(map, rows: H, cols: W, image: Array(x.floats.prefix(H * W)).map(Double.init),
                                mode: mode)
    }

}
