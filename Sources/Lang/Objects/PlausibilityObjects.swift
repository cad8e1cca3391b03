import Explain
import Foundation
import Pictures

/// A human rationale as a language value: its words, which of them are the reason, and
/// people's ratings where known.
public final class RationaleObject: ExportableResult {
    let rationale: Rationale
    init(_ r: Rationale) { rationale = r }
    public var typeName: String { "Rationale" }
    public var summary: String {
        let r = rationale
        guard r.hasPositions else {
            return "rationale · \(r.source) · \(r.size) words: " + r.words.joined(separator: ", ")
        }
        return "rationale · \(r.source) · \(r.size) of \(r.words.count) words: " + markedLine
    }

    /// The text with the rationale's words in «»; rated words carry their mean rating ± spread.
    var markedLine: String {
        let r = rationale
        return r.words.indices.map { i in
            var w = r.words[i]
            if let m = r.ratings[i] {
                w += "(" + String(format: "%+.1f", m) + (r.spreads[i].map { String(format: " ±%.1f", $0) } ?? "") + ")"
            }
            return r.marked[i] ? "«" + w + "»" : w
        }.joined(separator: " ")
    }

    public var display: String {
        var lines = [summary]
        if rationale.ratings.contains(where: { $0 != nil }) {
            lines.append("  (rating: the mean of ten people's ratings on −4…+4, ± their standard deviation; "
                         + "«» marks the rationale)")
        }
        return lines.joined(separator: "\n")
    }

    public var json: String { rationale.jsonLine }

    /// The words in a row, the rationale's highlighted.
    public var figureHTML: String {
        let r = rationale
        var x = 4.0, items: [String] = []
        for (i, w) in r.words.enumerated() {
            let width = Double(TextWidth.of(w)) * 8 + 8
            if r.marked[i] {
                items.append(SVG.rect(x: x, y: 4, width: width, height: 22, fill: "#f4c542",
                                      title: SVG.esc(w) + (r.ratings[i].map { String(format: ": %+.1f", $0) } ?? "")))
            }
            items.append("<text x=\"\(SVG.f(x + 4))\" y=\"20\">\(SVG.esc(w))</text>")
            x += width + 4
        }
        return "<figure class=\"xai-figure\">\n" + SVG.open(width: x + 4, height: 30, fontSize: 13) + "\n"
            + items.joined(separator: "\n") + "\n</svg>\n<figcaption>\(SVG.esc(summary))</figcaption>\n</figure>\n"
    }

    public var propertyNames: [String] { ["words", "rationale", "marked", "ratings", "text", "source", "size"] }
    public func property(_ name: String) throws -> Value? {
        let r = rationale
        switch name {
        case "words": return .list(r.words.map { .string($0) })
        case "rationale": return .list(r.rationaleWords.map { .string($0) })
        case "marked": return .list(r.marked.map { .bool($0) })
        case "ratings": return .list(r.ratings.map { $0.map { .float($0) } ?? Value.none })
        case "text": return r.text.map { .string($0) } ?? Value.none
        case "source": return .string(r.source)
        case "size": return .int(r.size)
        default: return nil
        }
    }
}

/// One explanation scored against one rationale.
public final class PlausibilityObject: ExportableResult {
    let p: Plausibility
    init(_ p: Plausibility) { self.p = p }
    public var typeName: String { "Plausibility" }
    public var summary: String {
        String(format: "plausibility of %@ · token F1 %.3f · IOU F1 %.3f · AUPRC %.3f", p.method, p.tokenF1, p.iouF1,
               p.auprc)
    }
    /// AUPRC of a ranking that knows nothing: the rationale's share of the words.
    var chance: Double { Double(p.gold.filter { $0 }.count) / Double(max(1, p.units.count)) }

    func marked(_ flags: [Bool]) -> String {
        p.units.indices.map { flags[$0] ? "«" + p.units[$0] + "»" : p.units[$0] }.joined(separator: " ")
    }

    var verdict: String {
        if p.auprc >= 0.8 { return "verdict: plausible — the words it ranks highest are the ones people chose" }
        if p.auprc > chance + 0.1 {
            return "verdict: partly plausible — people's words rank above chance but not on top"
        }
        return "verdict: implausible — it ranks people's words no better than chance (which says nothing about "
            + "whether it is faithful to the model)"
    }

    public var display: String {
        var lines = [summary,
                     "  rationale: " + marked(p.gold),
                     "  top-\(p.k):" + String(repeating: " ", count: max(1, 6 - String(p.k).count))
                        + marked(p.predicted),
                     String(format: "  token F1 %.3f  (higher is better: overlap of the top-%d words by |score| with "
                            + "the rationale, as F1)", p.tokenF1, p.k),
                     String(format: "  IOU F1   %.3f  (higher is better: runs of top words that match a rationale "
                            + "span at IOU ≥ 0.5, as F1)", p.iouF1),
                     String(format: "  AUPRC    %.3f  (higher is better: average precision of all words ranked by "
                            + "|score|; chance %.3f)", p.auprc, chance)]
        if let rho = p.ratingCorrelation {
            lines.append(String(format: "  ρ rating %.3f  (higher is better: rank correlation of |score| with "
                                + "people's |rating|)", rho))
        }
        lines.append("  " + verdict)
        return lines.joined(separator: "\n")
    }

    public var json: String {
        var f = JSONFields()
        f.add("method", p.method)
        f.add("units", p.units)
        f.add("scores", p.scores)
        f.add("rationale", p.units.indices.filter { p.gold[$0] })
        f.add("top_k", p.units.indices.filter { p.predicted[$0] })
        f.add("k", p.k)
        f.add("token_precision", p.tokenPrecision); f.add("token_recall", p.tokenRecall); f.add("token_f1", p.tokenF1)
        f.add("iou_precision", p.iouPrecision); f.add("iou_recall", p.iouRecall); f.add("iou_f1", p.iouF1)
        f.add("auprc", p.auprc)
        f.add("rating_spearman", p.ratingCorrelation)
        return f.text()
    }

    public var figureHTML: String {
        let names = p.units.indices.map { p.gold[$0] ? "★ " + p.units[$0] : p.units[$0] }
        return "<figure class=\"xai-figure\">\n" + BarChart.svg(names: names, values: p.scores, limit: 30) + "\n"
            + "<figcaption>\(SVG.esc(summary)) — ★ marks the rationale's words</figcaption>\n</figure>\n"
    }

    public var propertyNames: [String] {
        ["token_f1", "token_precision", "token_recall", "iou_f1", "iou_precision", "iou_recall", "auprc",
         "rating_spearman", "k", "rationale", "top"]
    }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "token_f1": return .float(p.tokenF1)
        case "token_precision": return .float(p.tokenPrecision)
        case "token_recall": return .float(p.tokenRecall)
        case "iou_f1": return .float(p.iouF1)
        case "iou_precision": return .float(p.iouPrecision)
        case "iou_recall": return .float(p.iouRecall)
        case "auprc": return .float(p.auprc)
        case "rating_spearman": return p.ratingCorrelation.map { .float($0) } ?? Value.none
        case "k": return .int(p.k)
        case "rationale": return .list(p.rationaleWords.map { .string($0) })
        case "top": return .list(p.topWords.map { .string($0) })
        default: return nil
        }
    }
}

/// Plausibility of several methods over many texts, ranked, with a bar chart.
public final class PlausibilityTableObject: ExportableResult {
    let table: PlausibilityTable
    init(_ t: PlausibilityTable) { table = t }
    public var typeName: String { "PlausibilityTable" }
    public var summary: String {
        "plausibility against VADER rationales (|mean rating| ≥ \(SVG.label(table.threshold))) · "
            + "\(table.rows.count - 1) methods · \(table.texts) texts"
    }
    static let header = ["method", "token F1", "IOU F1", "AUPRC", "ρ rating"]
    var cells: [[String]] {
        func num(_ v: Double) -> String { v.isFinite ? String(format: "%.3f", v) : "–" }
        return table.rows.map { [$0.method, num($0.tokenF1), num($0.iouF1), num($0.auprc), num($0.ratingCorrelation)] }
    }
    var tableLines: [String] {
        let all = [Self.header] + cells
        let widths = Self.header.indices.map { c in all.map { TextWidth.of($0[c]) }.max() ?? 0 }
        return all.map { row in
            "  " + row.enumerated().map { c, s in
                c == 0 ? TextWidth.pad(s, to: widths[c]) : TextWidth.padLeft(s, to: widths[c])
            }.joined(separator: "  ")
        }
    }
    var measureName: String {
        ["auprc": "AUPRC", "token_f1": "token F1", "iou_f1": "IOU F1", "spearman": "ρ rating"][table.rankedBy] ?? ""
    }
    var meanings: [String] {
        [String(format: "  %d texts with a rated word (%d without were left out); on average %.1f words, %.1f of them "
                + "in the rationale", table.texts, table.skipped, table.meanWords, table.meanRationale),
         "  token F1: overlap of each explanation's top-k words by |score| (k = the rationale's size) with the "
            + "rationale, as F1 (higher is better)",
         "  IOU F1: runs of top-k words matching a rationale span at IOU ≥ 0.5, F1 of mean precision and recall "
            + "(higher is better)",
         "  AUPRC: average precision of all words ranked by |score| against the rationale (higher is better)",
         "  ρ rating: rank correlation of |score| with the raters' |mean rating| (higher is better)",
         "  random: scores drawn at random, the chance level each method should beat"]
    }
    var verdict: String {
        guard let best = table.rows.first, let chance = table.rows.last, best.method != chance.method else { return "" }
        let b = best.value(table.rankedBy), c = chance.value(table.rankedBy)
        let beaten = table.rows.dropLast().filter { $0.value(table.rankedBy) > c }.count
        return String(format: "  verdict: %@ agrees best with the words people rated (%@ %.3f vs %.3f by chance); "
                      + "%d of %d methods beat chance. Plausible is not faithful: a model may rightly use other words.",
                      best.method, measureName, b, c, beaten, table.rows.count - 1)
    }
    public var display: String {
        let width = table.rows.map { TextWidth.of($0.method) }.max() ?? 0
        // Every measure runs from 0 to 1: bars on that fixed scale compare across tables.
        let bars = table.rows.map { r -> String in
            let v = r.value(table.rankedBy)
            let cells = v.isFinite ? Int((max(0, min(1, v)) * 40).rounded()) : 0
            return "  " + TextWidth.pad(r.method, to: width) + " " + String(repeating: "█", count: cells)
                + (v.isFinite ? String(format: " %.3f", v) : " –")
        }
        return ([summary + " · ranked by \(measureName)"] + tableLines + ["  \(measureName) (0 to 1):"] + bars
                + meanings
                + [verdict]).joined(separator: "\n")
    }
    public var json: String {
        var f = JSONFields()
        f.add("threshold", table.threshold)
        f.add("texts", table.texts)
        f.add("skipped", table.skipped)
        f.add("ranked_by", table.rankedBy)
        f.add("rows", table.rows.map { r in
            var o = JSONFields()
            o.add("method", r.method); o.add("token_f1", r.tokenF1); o.add("iou_f1", r.iouF1)
            o.add("iou_precision", r.iouPrecision); o.add("iou_recall", r.iouRecall); o.add("auprc", r.auprc)
            o.add("rating_spearman", r.ratingCorrelation); o.add("texts", r.texts); o.add("chance", r.chance)
            return o
        })
        return f.text()
    }
    public var figureHTML: String {
        let values = table.rows.map { $0.value(table.rankedBy) }.map { $0.isFinite ? $0 : 0 }
        let head = "<tr>" + Self.header.map { "<th>\(SVG.esc($0))</th>" }.joined() + "</tr>"
        let body = cells.map { "<tr>" + $0.map { "<td>\(SVG.esc($0))</td>" }.joined() + "</tr>" }
            .joined(separator: "\n")
        return "<figure class=\"xai-figure\">\n" + BarChart.svg(names: table.rows.map(\.method), values: values) + "\n"
            + "<table class=\"xai-table\">\n\(head)\n\(body)\n</table>\n"
            + "<figcaption>\(SVG.esc(summary)), ranked by \(SVG.esc(measureName))</figcaption>\n</figure>\n"
    }
    public var propertyNames: [String] { ["methods", "token_f1", "iou_f1", "auprc", "spearman", "texts", "best"] }
    public func property(_ name: String) throws -> Value? {
        func col(_ f: (PlausibilityTable.Row) -> Double) -> Value {
            .dict(DictBox(table.rows.map { ($0.method, .float(f($0))) }))
        }
        switch name {
        case "methods": return .list(table.rows.map { .string($0.method) })
        case "token_f1": return col(\.tokenF1)
        case "iou_f1": return col(\.iouF1)
        case "auprc": return col(\.auprc)
        case "spearman": return col(\.ratingCorrelation)
        case "texts": return .int(table.texts)
        case "best": return table.rows.first.map { .string($0.method) } ?? Value.none
        default: return nil
        }
    }
}
