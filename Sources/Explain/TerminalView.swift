import Foundation
import Tensors

/// Explanations drawn as text: tokens coloured by score, horizontal bars for features, and
/// images as half-block heatmaps. Without colour, the same information as plain text.
public enum TerminalView {
    static func num(_ v: Double) -> String { String(format: "%+.4f", v) }

    /// The header, the picture, and the checks.
    public static func render(_ e: Explanation, mode: ColorMode = Palette.mode, width: Int = 80) -> String {
        var lines: [String] = []
        let s = e.subject
        var head = "\(e.method) · \(s.model.module.typeName) · \(s.targetName) (\(s.output.rawValue)) · f(x) = \(String(format: "%.4f", e.prediction))"
        if let b = e.baseValue { head += " · base \(String(format: "%.4f", b))" }
        lines.append(head)
        if !e.settings.isEmpty { lines.append("  " + e.settings.map { "\($0.0) \($0.1)" }.joined(separator: " · ")) }
        switch e.kind {
        case .text: lines += tokens(e, mode: mode, width: width)
        case .tabular: lines += bars(names: e.units, values: e.scores, mode: mode, width: width, limit: 12)
        case .image: lines += image(e, mode: mode)
        }
        for c in e.checks { lines.append("  \(c.name): \(String(format: "%.4g", c.value))  — \(c.note)") }
        return lines.joined(separator: "\n")
    }

    static func scale(_ v: [Double]) -> Double { max(1e-12, v.map(abs).filter(\.isFinite).max() ?? 1) }

    /// Tokens with a background colour by score (wrapped to the width); without colour each
    /// token is followed by its score.
    static func tokens(_ e: Explanation, mode: ColorMode, width: Int) -> [String] {
        let m = scale(e.scores)
        var lines: [String] = []
        var line = "  ", visible = 2
        for (w, v) in zip(e.units, e.scores) {
            let piece: String, len: Int
            if mode == .none {
                piece = "\(w)[\(String(format: "%+.3f", v))]"
                len = piece.count
            } else {
                let bg = Palette.diverging(v / m)
                piece = Palette.escape(bg, background: true, mode: mode) + Palette.escape(Palette.ink(on: bg), background: false, mode: mode) + " \(w) " + Palette.reset(mode: mode)
                len = w.count + 2
            }
            if visible + len + 1 > width && visible > 2 { lines.append(line); line = "  "; visible = 2 }
            line += piece + " "
            visible += len + 1
        }
        lines.append(line)
        if mode != .none {
            let neg = Palette.escape(Palette.diverging(-1), background: true, mode: mode) + "   " + Palette.reset(mode: mode)
            let pos = Palette.escape(Palette.diverging(1), background: true, mode: mode) + "   " + Palette.reset(mode: mode)
            lines.append("  \(neg) against  \(pos) toward \(e.subject.targetName)   (full colour = ±\(String(format: "%.3g", m)))")
        }
        return lines
    }

    /// Horizontal bars around a centre line, largest |value| first: blue to the left for
    /// negative values, red to the right for positive.
    public static func bars(names: [String], values: [Double], mode: ColorMode = Palette.mode, width: Int = 80, limit: Int = 12) -> [String] {
        // Exact zeros (features LIME left out, say) are counted, not drawn.
        let shown = values.indices.filter { values[$0] != 0 }
        let order = (shown.isEmpty ? Array(values.indices) : shown)
            .sorted { abs(values[$0]) != abs(values[$1]) ? abs(values[$0]) > abs(values[$1]) : $0 < $1 }.prefix(limit)
        let nameWidth = min(28, order.map { names[$0].count }.max() ?? 4)
        let half = max(6, (width - nameWidth - 16) / 2)
        let m = scale(values)
        var lines: [String] = []
        for i in order {
            var name = names[i]
            if name.count > nameWidth { name = String(name.prefix(nameWidth - 1)) + "…" }
            let cells = abs(values[i]) / m * Double(half)
            let bar = blocks(cells)
            let color = mode == .none ? "" : Palette.escape(Palette.diverging(values[i] < 0 ? -1 : 1), background: false, mode: mode)
            let left = values[i] < 0 ? String(repeating: " ", count: half - bar.count) + color + bar + Palette.reset(mode: mode) : String(repeating: " ", count: half)
            let right = values[i] >= 0 ? color + bar + Palette.reset(mode: mode) + String(repeating: " ", count: half - bar.count) : String(repeating: " ", count: half)
            lines.append("  " + name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + " " + left + "│" + right + " " + num(values[i]))
        }
        if values.count > order.count {
            let zeros = values.count - shown.count
            lines.append("  … \(values.count - order.count) more" + (zeros > 0 && !shown.isEmpty ? " (\(zeros) of them exactly 0)" : " with smaller |score|"))
        }
        return lines
    }

    /// A bar of `cells` character cells, with eighth blocks for the fraction (at least a sliver).
    static func blocks(_ cells: Double) -> String {
        guard cells > 0 else { return "" }
        let eighths = max(1, Int((cells * 8).rounded()))
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        return String(repeating: "█", count: eighths / 8) + partial[eighths % 8]
    }

    /// The image (high values dark, like ink on paper) and the attribution map (diverging) side by side, two pixels per
    /// pair of character cells (▀: foreground = upper pixel, background = lower). Without colour, the
    /// attribution as a grid of numbers.
    static func image(_ e: Explanation, mode: ColorMode) -> [String] {
        let x = e.subject.input
        guard x.rank == 3 else { return [] }
        let (H, W) = (x.shape[1], x.shape[2])
        // Per-pixel map: the raw attribution summed over channels, or unit scores spread over patches.
        var map = [Double](repeating: 0, count: H * W)
        if let raw = e.raw, raw.rank == 3, raw.shape[1] == H, raw.shape[2] == W {
            for c in 0..<raw.shape[0] { for p in 0..<(H * W) { map[p] += Double(raw.floats[c * H * W + p]) } }
        } else {
            for (u, px) in e.subject.patchPixels.enumerated() where u < e.scores.count { for p in px { map[p] = e.scores[u] } }
        }
        return heatmap(map, rows: H, cols: W, image: Array(x.floats.prefix(H * W)).map(Double.init), mode: mode)
    }

    /// A [rows, cols] map as a diverging heatmap, optionally beside a grey image.
    public static func heatmap(_ map: [Double], rows H: Int, cols W: Int, image: [Double]? = nil, mode: ColorMode = Palette.mode) -> [String] {
        let m = scale(map)
        if mode == .none {
            var lines = ["  attribution × 100 (rows top to bottom):"]
            for r in 0..<H { lines.append("  " + (0..<W).map { String(format: "%5.0f", map[r * W + $0] / m * 100) }.joined()) }
            return lines
        }
        var lo = 0.0, hi = 1.0
        if let image { lo = image.min() ?? 0; hi = max(lo + 1e-12, image.max() ?? 1) }
        var lines: [String] = []
        for r in stride(from: 0, to: H, by: 2) {
            var line = "  "
            func cell(_ top: Palette.RGB, _ bottom: Palette.RGB?) -> String {
                Palette.escape(top, background: false, mode: mode) + (bottom.map { Palette.escape($0, background: true, mode: mode) } ?? "") + "▀" + Palette.reset(mode: mode)
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
}
