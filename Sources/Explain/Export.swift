import Foundation
import Pictures
import Tensors

/// Explanations as files: JSON (every number, for other tools) and a self-contained
/// HTML fragment with inline SVG (for notebooks and pages; no scripts, no external files).
public enum Export {
    public static func jsonString(_ s: String) -> String { SafeTensors.jsonString(s) }

    public static func jsonNumber(_ v: Double) -> String { v.isFinite ? String(format: "%.9g", v) : "null" }

    /// Stable JSON: keys in a fixed order, numbers with 9 significant digits; `oneLine` writes
    /// it without line breaks (JSON Lines, one explanation per line).
    public static func json(_ e: Explanation, oneLine: Bool = false) -> String {
        let s = e.subject
        var f: [String] = []
        f.append("\"method\": \(jsonString(e.method))")
        f.append("\"model\": \(jsonString(s.model.module.typeName))")
        f.append("\"input\": \(jsonString(s.kind.rawValue))")
        f.append("\"target\": \(s.target.map(String.init) ?? "null")")
        f.append("\"output\": \(jsonString(s.output.rawValue))")
        f.append("\"prediction\": \(jsonNumber(e.prediction))")
        f.append("\"base_value\": \(e.baseValue.map(jsonNumber) ?? "null")")
        let settings = e.settings.map { "\(jsonString($0.0)): \(jsonString($0.1))" }
        f.append("\"settings\": {" + settings.joined(separator: ", ") + "}")
        if s.kind == .image {
            let shape = s.input.shape.map(String.init).joined(separator: ", ")
            f.append("\"image_shape\": [\(shape)], \"patch\": \(s.patch)")
        }
        let units = zip(e.units, e.scores).map { "{\"name\": \(jsonString($0.0)), \"score\": \(jsonNumber($0.1))}" }
        let (open, between, close) = oneLine ? ("", ", ", "") : ("\n    ", ",\n    ", "\n  ")
        f.append("\"units\": [" + open + units.joined(separator: between) + close + "]")
        let checks = e.checks.map {
            "{\"name\": \(jsonString($0.name)), \"value\": \(jsonNumber($0.value)), \"note\": \(jsonString($0.note))}"
        }
        f.append("\"checks\": [" + checks.joined(separator: ", ") + "]")
        if oneLine { return "{" + f.joined(separator: ", ") + "}" }
        return "{\n  " + f.joined(separator: ",\n  ") + "\n}\n"
    }

    static func esc(_ s: String) -> String { SVG.esc(s) }
    static func f(_ v: Double) -> String { SVG.f(v) }

    /// A <figure> with the picture as inline SVG and a caption with the method, settings
    /// and checks. Colours are fills with their own text colour, so the figure reads on light
    /// and dark pages and in print.
    public static func html(_ e: Explanation) -> String {
        let s = e.subject
        let svg: String
        switch e.kind {
        case .text: svg = tokenSVG(e)
        case .tabular: svg = BarChart.svg(names: e.units, values: e.scores)
        case .image: svg = imageSVG(e)
        }
        var caption = "<strong>\(esc(e.method))</strong> · \(esc(s.model.module.typeName)) · \(esc(s.targetName)) "
            + "(\(s.outputDescription)) · f(x) = \(String(format: "%.4f", e.prediction))"
        if let b = e.baseValue { caption += " · base \(String(format: "%.4f", b))" }
        if !e.settings.isEmpty {
            caption += "<br/>" + esc(e.settings.map { "\($0.0) \($0.1)" }.joined(separator: " · "))
        }
        let swatch = { (v: Double) in
            "<span style=\"display:inline-block;width:0.9em;height:0.9em;vertical-align:middle;"
                + "background:\(Palette.hex(Palette.diverging(v)))\"></span>"
        }
        caption += "<br/>\(swatch(-1)) against · \(swatch(1)) toward \(esc(s.targetName)) "
            + "(colour scaled to the largest |score|, \(String(format: "%.3g", Palette.fullScale(e.scores))))"
        for c in e.checks { caption += "<br/>\(esc(c.name)): \(String(format: "%.4g", c.value)) — \(esc(c.note))" }
        return "<figure class=\"xai-explanation\">\n\(svg)\n<figcaption>\(caption)</figcaption>\n</figure>\n"
    }

    /// Tokens as coloured boxes, wrapped into lines of at most 640 px.
    static func tokenSVG(_ e: Explanation) -> String {
        let m = Palette.fullScale(e.scores)
        var items: [String] = []
        var x = 0.0, y = 0.0
        let h = 26.0, maxWidth = 640.0
        for (w, v) in zip(e.units, e.scores) {
            let width = Double(w.count) * 8.4 + 14
            if x + width > maxWidth && x > 0 { x = 0; y += h + 8 }
            let bg = Palette.diverging(v / m), ink = Palette.ink(on: bg)
            items.append("<g><title>\(esc(w)): \(String(format: "%+.4f", v))</title>"
                         + "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(h))\" rx=\"4\" "
                         + "fill=\"\(Palette.hex(bg))\" stroke=\"#888\" stroke-width=\"0.5\"/>"
                         + "<text x=\"\(f(x + width / 2))\" y=\"\(f(y + 17.5))\" text-anchor=\"middle\" "
                         + "fill=\"\(Palette.hex(ink))\">\(esc(w))</text></g>")
            x += width + 6
        }
        let height = y + h + 4
        let total = max(x, y > 0 ? maxWidth : x)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(total))\" height=\"\(f(height))\" "
            + "viewBox=\"0 0 \(f(total)) \(f(height))\" "
            + "font-family=\"ui-monospace, Menlo, monospace\" font-size=\"14\" role=\"img\">\n"
            + items.joined(separator: "\n") + "\n</svg>"
    }

    /// The image in grey and the attribution map side by side, one square per pixel.
    static func imageSVG(_ e: Explanation) -> String {
        guard let (map, H, W) = e.pixelMap else { return "" }
        let x = e.subject.input
        return Heatmap.svg(map, rows: H, cols: W, image: Array(x.floats.prefix(H * W)).map(Double.init))
    }

}
