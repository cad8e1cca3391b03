import Explain
import Foundation
import Pictures
import Tensors

/// The HTML figure of a global view: its SVG and a caption.
func globalFigure(_ svg: String, _ caption: String) -> String {
    "<figure class=\"xai-figure\">\n\(svg)\n<figcaption>\(SVG.esc(caption))</figcaption>\n</figure>\n"
}

/// A global view's display: its summary line, its meaning, its figure and a verdict.
func globalDisplay(_ summary: String, _ meaning: String, _ figure: any Figure, _ verdict: String) -> String {
    [summary, meaning, figure.terminal(width: TerminalSize.chartWidth, mode: Palette.mode), verdict]
        .joined(separator: "\n")
}

/// A global view's HTML: its figure, captioned with its summary and verdict.
func globalHTML(_ summary: String, _ figure: any Figure, _ verdict: String) -> String {
    globalFigure(figure.svg(), summary + " — " + verdict.trimmingCharacters(in: .whitespaces))
}

/// Numbers in global views' sentences: up to 4 significant digits.
func globalNumber(_ v: Double) -> String { v.isFinite ? String(format: "%.4g", v) : "–" }

/// Attributions for every row of a table (shap_summary): a beeswarm per feature.
public final class SummaryObject: HostObject, ExportableResult {
    public let summaryData: AttributionSummary
    init(_ s: AttributionSummary) { summaryData = s }
    public var typeName: String { "Summary" }
    public var summary: String {
        let s = summaryData
        return "\(s.method) summary · \(s.targetName) (\(s.outputDescription)) · \(s.rows) rows × \(s.features) "
            + "features · " + s.settings.filter { $0.0 != "rows" }.map { "\($0.0) \($0.1)" }.joined(separator: " · ")
    }
    var meaning: String {
        "  (each dot is one row: how far the feature moved that row's \(summaryData.outputDescription) from the\n"
            + "   base value; colour is the feature's value in that row)"
    }
    /// Whether high values of feature j push its attribution up or down (Pearson's r of the two).
    func direction(_ j: Int) -> String {
        let xs = summaryData.featureValues(j), ys = summaryData.column(j)
        let n = Double(xs.count), mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for (x, y) in zip(xs, ys) { sxy += (x - mx) * (y - my); sxx += (x - mx) * (x - mx); syy += (y - my) * (y - my) }
        let r = sxx > 0 && syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
        return r > 0.3 ? "; high values push it up" : r < -0.3 ? "; high values push it down" : ""
    }
    var verdict: String {
        let s = summaryData, order = s.order, m = s.meanAbs
        guard let top = order.first else { return "" }
        var v = "  \(s.featureNames[top]) matters most: it moves the \(s.outputDescription) by "
            + "\(globalNumber(m[top])) on average (mean |attribution|)" + direction(top)
        if order.count > 1, m[order[1]] > 0 { v += String(format: "; %.1f× the next feature", m[top] / m[order[1]]) }
        return v
    }
    var figure: Beeswarm {
        let s = summaryData
        return Beeswarm(names: s.featureNames, values: (0..<s.features).map { s.column($0) },
                        levels: (0..<s.features).map { FeatureValueColors.levels(s.featureValues($0)) },
                        xLabel: "\(s.method) value (impact on the \(s.outputDescription))")
    }
    public var display: String { globalDisplay(summary, meaning, figure, verdict) }
    public var figureHTML: String { globalHTML(summary, figure, verdict) }
    public var json: String {
        let s = summaryData
        var j = JSONFields()
        j.add("type", "summary")
        j.add("method", s.method)
        j.add("target", s.target)
        j.add("output", s.outputDescription)
        j.add("features", s.featureNames)
        j.add("rows", s.rows)
        j.add("mean_abs", s.meanAbs)
        j.add("values", (0..<s.rows).map { i in var r = JSONFields(); r.add("attributions", s.row(i)); return r })
        j.add("predictions", s.predictions)
        j.add("base_values", s.baseValues.map { $0 ?? .nan })
        return j.text()
    }
    public var propertyNames: [String] {
        ["values", "features", "method", "rows", "predictions", "base_values", "data"]
    }
    public func property(_ name: String) throws -> Value? {
        let s = summaryData
        switch name {
        case "values": return .tensor(try Tensor(shape: [s.rows, s.features], floats: s.values.map(Float.init)))
        case "data": return .tensor(try Tensor(shape: [s.rows, s.features], floats: s.inputs.map(Float.init)))
        case "features": return .list(s.featureNames.map { .string($0) })
        case "method": return .string(s.method)
        case "rows": return .int(s.rows)
        case "predictions": return .list(s.predictions.map { .float($0) })
        case "base_values": return .list(s.baseValues.map { $0.map { .float($0) } ?? .none })
        default: return nil
        }
    }
}

/// One feature's attributions against its values (Summary.dependence).
public final class DependenceObject: HostObject, ExportableResult {
    let feature: String, color: String?
    let xs: [Double], ys: [Double], colorValues: [Double]?
    let method: String
    init(feature: String, color: String?, xs: [Double], ys: [Double], colorValues: [Double]?, method: String) {
        self.feature = feature; self.color = color; self.xs = xs; self.ys = ys
        self.colorValues = colorValues; self.method = method
    }
    public var typeName: String { "DependencePlot" }
    public var summary: String {
        "dependence of \(method) on \(feature) · \(xs.count) rows" + (color.map { " · coloured by \($0)" } ?? "")
    }
    var meaning: String {
        "  (each dot is one row: \(feature)'s value across, its attribution up; a spread at one value\n"
            + "   means \(feature) acts together with other features" + (color.map { ", such as \($0))" } ?? ")")
    }
    var figure: DependencePlot {
        DependencePlot(xs: xs, ys: ys, levels: colorValues.map(FeatureValueColors.levels), xLabel: feature,
                       yLabel: "\(method) value of \(feature)", colorLabel: color ?? "")
    }
    public var display: String {
        [summary, meaning, figure.terminal(width: TerminalSize.chartWidth, mode: Palette.mode)].joined(separator: "\n")
    }
    public var figureHTML: String { globalFigure(figure.svg(), summary) }
    public var json: String {
        var j = JSONFields()
        j.add("type", "dependence")
        j.add("feature", feature)
        j.add("color", color ?? "")
        j.add("values", xs)
        j.add("attributions", ys)
        if let c = colorValues { j.add("color_values", c) }
        return j.text()
    }
    public var propertyNames: [String] { ["feature", "color", "values", "attributions"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "feature": return .string(feature)
        case "color": return color.map { .string($0) } ?? Value.none
        case "values": return .list(xs.map { .float($0) })
        case "attributions": return .list(ys.map { .float($0) })
        default: return nil
        }
    }
}

/// Mean |attribution| per feature (tables) or per word type (texts), as bars.
public final class MeanAttributionObject: HostObject, ExportableResult {
    let method: String
    let names: [String]
    let values: [Double]
    /// Texts: how often each word occurs; nil for features.
    let counts: [Int]?
    let top: Int
    let unit: String
    let over: String
    init(method: String, names: [String], values: [Double], counts: [Int]?, top: Int, over: String) {
        self.method = method; self.names = names; self.values = values; self.counts = counts
        self.top = max(1, top); self.over = over
        unit = counts == nil ? "feature" : "word"
    }
    public var typeName: String { "MeanAttribution" }
    public var summary: String { "mean |\(method)| per \(unit) over \(over)" }
    var meaning: String {
        "  (how far each \(unit) moves a prediction on average, whichever way: |\(method)| averaged over "
            + (counts == nil ? "rows)" : "its\n   occurrences; n = how often it occurs)")
    }
    var order: [Int] { values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 } }
    var labels: [String] {
        guard let counts else { return names }
        return zip(names, counts).map { "\($0) (n=\($1))" }
    }
    var verdict: String {
        let o = order
        guard let first = o.first else { return "" }
        var v = "  \(names[first]) matters most: mean |attribution| \(globalNumber(values[first]))"
        if o.count > 1, values[o[1]] > 0 {
            v += String(format: ", %.1f× the next %@", values[first] / values[o[1]], unit)
        }
        return v
    }
    var figure: BarFigure { BarFigure(names: labels, values: values) }
    public var display: String {
        let bars = BarChart.terminal(names: labels, values: values, mode: Palette.mode, width: TerminalSize.chartWidth,
                                     limit: top)
        return ([summary, meaning] + bars + [verdict]).joined(separator: "\n")
    }
    public var figureHTML: String {
        globalFigure(BarChart.svg(names: labels, values: values, limit: top), summary + " — "
                     + verdict.trimmingCharacters(in: .whitespaces))
    }
    public var json: String {
        var j = JSONFields()
        j.add("type", "mean_attribution")
        j.add("method", method)
        j.add("names", order.map { names[$0] })
        j.add("mean_abs", order.map { values[$0] })
        if let counts { j.add("counts", order.map { counts[$0] }) }
        return j.text()
    }
    public var propertyNames: [String] { ["names", "values", "counts", "top"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "names": return .list(order.map { .string(names[$0]) })
        case "values": return .list(order.map { .float(values[$0]) })
        case "counts": return counts.map { c in .list(order.map { .int(c[$0]) }) } ?? Value.none
        case "top": return .list(order.prefix(top).map { .list([.string(names[$0]), .float(values[$0])]) })
        default: return nil
        }
    }
}

/// sklearn-style permutation importance: bars of the mean drop in score with ± std whiskers.
public final class PermutationImportanceObject: HostObject, ExportableResult {
    let result: PermutationImportance
    init(_ r: PermutationImportance) { result = r }
    public var typeName: String { "PermutationImportance" }
    public var summary: String {
        let r = result
        return "permutation importance · \(r.metric.rawValue) · baseline \(globalNumber(r.baseline)) on "
            + "\(r.rows) rows · \(r.repeats) repeats · seed \(r.seed)"
    }
    var meaning: String {
        "  (importance = the score on these rows − the score with the feature's column shuffled;\n"
            + "   0: the model does not use it; negative: by chance)"
    }
    var verdict: String {
        let r = result, m = r.means, sd = r.stds
        guard let top = r.order.first else { return "" }
        var v = "  \(r.featureNames[top]) matters most: shuffling it costs \(globalNumber(m[top])) "
            + r.metric.costWord
        if m[top] <= 0 { v = "  no feature matters: shuffling any one of them costs nothing" }
        else if m[top] <= 2 * sd[top] { v += " (within twice its spread over repeats: uncertain)" }
        let unused = m.indices.filter { m[$0] == 0 && sd[$0] == 0 }.count
        if unused > 0 { v += "; \(unused) feature\(unused == 1 ? "" : "s") cost nothing" }
        return v
    }
    var figure: WhiskerBars {
        WhiskerBars(names: result.featureNames, means: result.means, stds: result.stds,
                    valueLabel: "drop in \(result.metric.rawValue) when shuffled")
    }
    public var display: String { globalDisplay(summary, meaning, figure, verdict) }
    public var figureHTML: String { globalHTML(summary, figure, verdict) }
    public var json: String {
        let r = result
        var j = JSONFields()
        j.add("type", "permutation_importance")
        j.add("metric", r.metric.rawValue)
        j.add("baseline", r.baseline)
        j.add("repeats", r.repeats)
        j.add("seed", Int(r.seed))
        j.add("features", r.featureNames)
        j.add("importances_mean", r.means)
        j.add("importances_std", r.stds)
        j.add("importances", r.importances.map { v in var f = JSONFields(); f.add("repeats", v); return f })
        return j.text()
    }
    public var propertyNames: [String] { ["features", "mean", "std", "importances", "baseline", "metric"] }
    public func property(_ name: String) throws -> Value? {
        let r = result
        switch name {
        case "features": return .list(r.featureNames.map { .string($0) })
        case "mean": return .list(r.means.map { .float($0) })
        case "std": return .list(r.stds.map { .float($0) })
        case "importances": return .list(r.importances.map { .list($0.map { .float($0) }) })
        case "baseline": return .float(r.baseline)
        case "metric": return .string(r.metric.rawValue)
        default: return nil
        }
    }
}

/// Partial dependence (and ICE curves) of one feature, or of two as a heat map.
public final class PartialDependenceObject: HostObject, ExportableResult {
    let result: PartialDependence
    /// The rows whose ICE curves are drawn (a seeded subsample when there are many).
    let iceRows: [Int]
    init(_ r: PartialDependence, iceRows: [Int]) { result = r; self.iceRows = iceRows }
    var names: [String] { result.features.map { result.featureNames[$0] } }
    public var typeName: String { "PartialDependence" }
    public var summary: String {
        "partial dependence of the \(result.targetName) \(result.outputDescription) on "
            + names.joined(separator: " × ") + " · \(result.rows) rows · grid "
            + result.axes.map { "\($0.count)" }.joined(separator: " × ")
            + (iceRows.isEmpty ? "" : " · \(iceRows.count) ICE curves drawn")
    }
    var meaning: String {
        result.features.count == 1
            ? "  (the average prediction when every row's \(names[0]) is set to each grid value; ICE curves\n"
                + "   are single rows: lines far from parallel mean \(names[0]) acts together with other features)"
            : "  (the average prediction when every row's \(names[0]) and \(names[1]) are set to each pair of "
                + "grid values)"
    }
    var verdict: String {
        let a = result.average
        guard let lo = a.min(), let hi = a.max(), let first = a.first, let last = a.last else { return "" }
        if result.features.count == 2 {
            return "  the average \(result.outputDescription) ranges over \(globalNumber(lo)) … \(globalNumber(hi))"
        }
        let xs = result.axes[0]
        if hi - lo < 0.01 * max(1, abs(hi)) {
            return "  \(names[0]) hardly matters on its own: the average changes by \(globalNumber(hi - lo))"
        }
        let way = last > first ? "rises" : "falls"
        return "  the average \(result.outputDescription) \(way) from \(globalNumber(first)) to "
            + "\(globalNumber(last)) as \(names[0]) goes from \(globalNumber(xs.first ?? 0)) to "
            + "\(globalNumber(xs.last ?? 0)) (range \(globalNumber(hi - lo)))"
    }
    var figure: Figure {
        if result.features.count == 2 {
            let (a, b) = (result.axes[0], result.axes[1])
            return MatrixFigure(title: "rows: \(names[0]) · columns: \(names[1])", values: result.average,
                                rows: a.count, cols: b.count, rowLabels: a.map(SVG.label), colLabels: b.map(SVG.label))
        }
        return PartialDependencePlot(grid: result.axes[0], average: result.average,
                                     ice: iceRows.map { result.individual[$0] }, deciles: result.deciles[0],
                                     xLabel: names[0], yLabel: result.outputDescription)
    }
    public var display: String { globalDisplay(summary, meaning, figure, verdict) }
    public var figureHTML: String { globalHTML(summary, figure, verdict) }
    public var json: String {
        let r = result
        var j = JSONFields()
        j.add("type", "partial_dependence")
        j.add("features", names)
        j.add("target", r.target)
        j.add("output", r.outputDescription)
        j.add("grid", r.axes.map { a in var f = JSONFields(); f.add("values", a); return f })
        j.add("average", r.average)
        j.add("ice_rows", iceRows)
        j.add("ice", iceRows.map { i in
            var f = JSONFields()
            f.add("row", i)
            f.add("values", r.individual[i])
            return f
        })
        return j.text()
    }
    public var propertyNames: [String] { ["grid", "average", "ice", "features", "deciles"] }
    public func property(_ name: String) throws -> Value? {
        let r = result
        switch name {
        case "grid":
            return r.axes.count == 1 ? .list(r.axes[0].map { .float($0) })
                : .list(r.axes.map { .list($0.map { .float($0) }) })
        case "average": return .list(r.average.map { .float($0) })
        case "ice": return .list(r.individual.map { .list($0.map { .float($0) }) })
        case "features": return .list(names.map { .string($0) })
        case "deciles": return .list(r.deciles.map { .list($0.map { .float($0) }) })
        default: return nil
        }
    }
}
