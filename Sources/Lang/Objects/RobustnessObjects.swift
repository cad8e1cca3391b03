import Explain
import Foundation
import Layers
import Pictures

/// Drawing shared by the robustness results: a bar per sample, the meaning and verdict lines,
/// and the HTML figure around an SVG picture.
enum RobustnessPictures {
    /// A picture shown inside another result: every line indented alike under its heading.
    static func nested(_ picture: String, indent: String = "    ") -> [String] {
        picture.split(separator: "\n", omittingEmptySubsequences: false).map { indent + $0 }
    }

    /// One bar per value, scaled to the largest, with its label and number.
    static func bars(_ values: [Double], label: (Int) -> String, limit: Int = 12, labelWidth: Int = 10) -> [String] {
        let top = max(1e-300, values.map { $0.isFinite ? abs($0) : 0 }.max() ?? 1)
        var lines: [String] = []
        for (i, v) in values.enumerated().prefix(limit) {
            let n = v.isFinite ? Int(roundedClamping: abs(v) / top * 24) : 0
            let bar = String(repeating: "█", count: min(24, max(0, n))).padding(toLength: 24, withPad: " ",
                                                                                startingAt: 0)
            lines.append("  " + TextWidth.padLeft(label(i), to: labelWidth) + "  " + bar + " "
                         + String(format: "%.4f", v))
        }
        if values.count > limit { lines.append("  … \(values.count - limit) more") }
        return lines
    }

    static func verdict(_ v: (Grade, String)) -> String { "  verdict: \(v.1)" }

    /// A figure: the picture, then the caption lines.
    static func figure(_ svg: String, _ caption: [String]) -> String {
        "<figure class=\"xai-figure\">\n" + svg + "\n<figcaption>"
            + caption.map(SVG.esc).joined(separator: "<br/>") + "</figcaption>\n</figure>\n"
    }

    /// A setting as people write it: integers without a point, others with 4 significant digits.
    static func short(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(format: "%.4g", v)
    }
    static func floats(_ v: [Double]) -> Value { .list(v.map { .float($0) }) }
}

/// sensitivity_max or the local Lipschitz estimate: a maximum over sampled nearby inputs.
public final class NearbyMaximumObject: ExportableResult {
    let kind: String
    let method: String
    let radius: Double
    let seed: UInt64
    let perSample: [Double]
    let meaning: String
    let verdict: (Grade, String)
    /// Lipschitz only: the scale-free elasticity L · ‖x‖ / ‖e(x)‖.
    let elasticity: Double?

    init(_ s: Sensitivity) {
        kind = "Sensitivity"; method = s.method; radius = s.radius; seed = s.seed; perSample = s.perSample
        meaning = Sensitivity.meaning; verdict = RobustnessVerdict.sensitivity(s.value); elasticity = nil
    }
    init(_ l: LipschitzEstimate) {
        kind = "Lipschitz"; method = l.method; radius = l.radius; seed = l.seed; perSample = l.perSample
        meaning = LipschitzEstimate.meaning; verdict = RobustnessVerdict.lipschitz(l.elasticity)
        elasticity = l.elasticity
    }

    var value: Double { perSample.max() ?? .nan }
    var metric: String { kind == "Sensitivity" ? "sensitivity_max" : "local Lipschitz estimate" }
    var ratio: String {
        kind == "Sensitivity" ? "‖e(x+δ) − e(x)‖ / ‖e(x)‖" : "‖e(x′) − e(x)‖ / ‖x′ − x‖"
    }

    public var typeName: String { kind }
    public var summary: String {
        "\(metric) of \(method) · \(String(format: "%.4f", value)) · radius \(RobustnessPictures.short(radius)) · "
            + "\(perSample.count) samples · seed \(seed)"
    }
    public var display: String {
        var lines = [summary, "  (\(meaning))", "  \(ratio) per sample:"]
        lines += RobustnessPictures.bars(perSample, label: { "sample \($0 + 1)" })
        if let el = elasticity {
            lines.append("  elasticity L·‖x‖/‖e(x)‖ = \(String(format: "%.4g", el)) "
                         + "(1: the explanation moves in proportion to the input)")
        }
        lines.append(RobustnessPictures.verdict(verdict))
        return lines.joined(separator: "\n")
    }
    public var json: String {
        var f = JSONFields()
        f.add("metric", kind == "Sensitivity" ? "sensitivity_max" : "lipschitz")
        f.add("method", method); f.add("value", value); f.add("radius", radius)
        f.add("samples", perSample.count); f.add("seed", Int(truncatingIfNeeded: seed))
        f.add("per_sample", perSample)
        if let el = elasticity { f.add("elasticity", el) }
        f.add("verdict", verdict.1)
        return f.text()
    }
    public var figureHTML: String {
        RobustnessPictures.figure(BarChart.svg(names: perSample.indices.map { "sample \($0 + 1)" },
                                               values: perSample, limit: 30),
                                  [summary, meaning, "verdict: " + verdict.1])
    }
    public var propertyNames: [String] {
        ["value", "per_sample", "radius", "samples", "seed", "method", "verdict"]
            + (elasticity == nil ? [] : ["elasticity"])
    }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "value": return .float(value)
        case "per_sample": return RobustnessPictures.floats(perSample)
        case "radius": return .float(radius)
        case "samples": return .int(perSample.count)
        case "seed": return .int(Int(truncatingIfNeeded: seed))
        case "method": return .string(method)
        case "verdict": return .string(verdict.1)
        case "elasticity": return elasticity.map { .float($0) }
        default: return nil
        }
    }
}

/// Captum's infidelity of one explanation.
public final class InfidelityObject: ExportableResult {
    let r: Infidelity
    init(_ r: Infidelity) { self.r = r }
    var verdict: (Grade, String) { RobustnessVerdict.infidelity(r.unexplainedShare) }
    public var typeName: String { "Infidelity" }
    public var summary: String {
        "infidelity of \(r.method)\(r.normalized ? " (normalised)" : "") · \(String(format: "%.4g", r.value)) · "
            + "σ \(RobustnessPictures.short(r.stdev)) · \(r.samples) samples · seed \(r.seed)"
    }
    public var display: String {
        var lines = [summary, "  (\(Infidelity.meaning))"]
        lines.append("  mean squared output change to predict   " + String(format: "%.4g", r.meanSquaredChange))
        lines.append("  share of it not predicted               " + String(format: "%.1f%%", r.unexplainedShare * 100)
                     + (r.normalized ? String(format: " (after scaling the attribution by β = %.4g)", r.beta) : ""))
        lines.append(r.multipliesByInputs
            ? "  perturbation I = ε / (x − baseline): \(r.method) multiplies by the input (Captum's convention)"
            : "  perturbation I = ε: \(r.method) is a gradient-like attribution (Captum's convention)")
        lines.append(RobustnessPictures.verdict(verdict))
        return lines.joined(separator: "\n")
    }
    public var json: String {
        var f = JSONFields()
        f.add("metric", "infidelity"); f.add("method", r.method); f.add("value", r.value)
        f.add("normalized", r.normalized); f.add("beta", r.beta); f.add("mean_squared_change", r.meanSquaredChange)
        f.add("unexplained_share", r.unexplainedShare); f.add("stdev", r.stdev); f.add("samples", r.samples)
        f.add("seed", Int(truncatingIfNeeded: r.seed)); f.add("multiplies_by_inputs", r.multipliesByInputs)
        f.add("verdict", verdict.1)
        return f.text()
    }
    public var figureHTML: String {
        let svg = BarChart.svg(names: ["mean squared change", "infidelity"], values: [r.meanSquaredChange, r.value])
        return RobustnessPictures.figure(svg, [summary, Infidelity.meaning, "verdict: " + verdict.1])
    }
    public var propertyNames: [String] {
        ["value", "normalized", "beta", "mean_squared_change", "unexplained_share", "stdev", "samples", "seed",
         "method", "verdict"]
    }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "value": return .float(r.value)
        case "normalized": return .bool(r.normalized)
        case "beta": return .float(r.beta)
        case "mean_squared_change": return .float(r.meanSquaredChange)
        case "unexplained_share": return .float(r.unexplainedShare)
        case "stdev": return .float(r.stdev)
        case "samples": return .int(r.samples)
        case "seed": return .int(Int(truncatingIfNeeded: r.seed))
        case "method": return .string(r.method)
        case "verdict": return .string(verdict.1)
        default: return nil
        }
    }
}

/// Rank agreement of an explanation with explanations of noisy copies of its input.
public final class StabilityObject: ExportableResult {
    let s: Stability
    init(_ s: Stability) { self.s = s }
    var verdict: (Grade, String) { RobustnessVerdict.stability(s.meanSpearman) }
    public var typeName: String { "Stability" }
    public var summary: String {
        String(format: "stability of %@ · Spearman mean %.3f, worst %.3f · top-%d overlap mean %.2f, worst %.2f",
               s.method, s.meanSpearman, s.worstSpearman, s.k, s.meanTopK, s.worstTopK)
    }
    public var display: String {
        var lines = [summary, "  (\(Stability.meaning))",
                     "  noise σ = \(RobustnessPictures.short(s.noise)) × the input's range = "
                        + String(format: "%.4g", s.sigma) + " · \(s.samples) samples · seed \(s.seed)",
                     "  Spearman with the original, per noisy copy:"]
        lines += RobustnessPictures.bars(s.spearman, label: { "sample \($0 + 1)" })
        lines.append(RobustnessPictures.verdict(verdict))
        return lines.joined(separator: "\n")
    }
    public var json: String {
        var f = JSONFields()
        f.add("metric", "stability"); f.add("method", s.method); f.add("noise", s.noise); f.add("sigma", s.sigma)
        f.add("k", s.k); f.add("samples", s.samples); f.add("seed", Int(truncatingIfNeeded: s.seed))
        f.add("mean_spearman", s.meanSpearman); f.add("worst_spearman", s.worstSpearman)
        f.add("mean_top_k", s.meanTopK); f.add("worst_top_k", s.worstTopK)
        f.add("spearman", s.spearman); f.add("top_k", s.topK); f.add("verdict", verdict.1)
        return f.text()
    }
    public var figureHTML: String {
        let svg = BarChart.svg(names: s.spearman.indices.map { "sample \($0 + 1)" }, values: s.spearman, limit: 30)
        return RobustnessPictures.figure(svg, [summary, Stability.meaning, "verdict: " + verdict.1])
    }
    public var propertyNames: [String] {
        ["mean_spearman", "worst_spearman", "mean_top_k", "worst_top_k", "spearman", "top_k", "k", "sigma",
         "samples", "method", "verdict"]
    }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "mean_spearman": return .float(s.meanSpearman)
        case "worst_spearman": return .float(s.worstSpearman)
        case "mean_top_k": return .float(s.meanTopK)
        case "worst_top_k": return .float(s.worstTopK)
        case "spearman": return RobustnessPictures.floats(s.spearman)
        case "top_k": return RobustnessPictures.floats(s.topK)
        case "k": return .int(s.k)
        case "sigma": return .float(s.sigma)
        case "samples": return .int(s.samples)
        case "method": return .string(s.method)
        case "verdict": return .string(verdict.1)
        default: return nil
        }
    }
}

/// Complexity, sparseness and the effective number of units of one explanation.
public final class SimplicityObject: ExportableResult {
    let s: Simplicity
    let e: Explanation
    init(_ s: Simplicity, _ e: Explanation) { self.s = s; self.e = e }
    /// Each unit's share of Σ|scores|.
    var shares: [Double] {
        let total = e.scores.reduce(0) { $0 + abs($1) }
        return e.scores.map { total > 0 ? abs($0) / total : 0 }
    }
    public var typeName: String { "Simplicity" }
    public var summary: String {
        String(format: "simplicity of %@ · complexity %.3f (of at most %.3f) · sparseness %.3f · "
                   + "effective units %.1f of %d", s.method, s.complexity, log(Double(max(1, s.units))),
               s.sparseness, s.effectiveUnits, s.units)
    }
    public var display: String {
        var lines = [summary,
                     "  complexity        (\(Simplicity.complexityMeaning))",
                     "  sparseness        (\(Simplicity.sparsenessMeaning))",
                     "  effective units   (\(Simplicity.effectiveMeaning))",
                     "  share of |attribution| by unit, largest first:"]
        let order = e.ranking(byMagnitude: true)
        let sh = shares
        lines += RobustnessPictures.bars(order.map { sh[$0] }, label: { self.e.units[order[$0]] }, limit: 8,
                                         labelWidth: 24)
        lines.append("  verdict: " + RobustnessVerdict.simplicity(s))
        return lines.joined(separator: "\n")
    }
    public var json: String {
        var f = JSONFields()
        f.add("metric", "simplicity"); f.add("method", s.method); f.add("units", s.units)
        f.add("complexity", s.complexity); f.add("sparseness", s.sparseness); f.add("effective_units", s.effectiveUnits)
        f.add("verdict", RobustnessVerdict.simplicity(s))
        return f.text()
    }
    public var figureHTML: String {
        RobustnessPictures.figure(BarChart.svg(names: e.units, values: shares, limit: 30),
                                  [summary, "bars: each unit's share of |attribution|",
                                   "verdict: " + RobustnessVerdict.simplicity(s)])
    }
    public var propertyNames: [String] { ["complexity", "sparseness", "effective_units", "units", "method", "verdict"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "complexity": return .float(s.complexity)
        case "sparseness": return .float(s.sparseness)
        case "effective_units": return .float(s.effectiveUnits)
        case "units": return .int(s.units)
        case "method": return .string(s.method)
        case "verdict": return .string(RobustnessVerdict.simplicity(s))
        default: return nil
        }
    }
}

/// Every trust number of one explanation as one table, with a verdict.
public final class TrustObject: ExportableResult {
    let t: TrustReport
    init(_ t: TrustReport) { self.t = t }
    static func value(_ v: Double?) -> String { v.map { String(format: "%.4g", $0) } ?? "—" }
    public var typeName: String { "Trust" }
    public var summary: String { "trust report of \(t.method) · \(t.verdict)" }
    public var display: String {
        var lines = ["trust report of \(t.method)"]
        let width = t.lines.map { TextWidth.of($0.name) }.max() ?? 10
        for l in t.lines {
            let grade = l.grade.map { "[\($0.rawValue)]" } ?? ""
            lines.append("  " + TextWidth.pad(l.name, to: width) + "  "
                         + TextWidth.padLeft(TrustObject.value(l.value), to: 9) + "  "
                         + TextWidth.pad(grade, to: 6) + "  " + l.verdict)
            lines.append("  " + String(repeating: " ", count: width + 21) + "(" + l.meaning + ")")
        }
        lines.append("  verdict: \(t.verdict)")
        return lines.joined(separator: "\n")
    }
    public var json: String {
        var f = JSONFields()
        f.add("metric", "trust"); f.add("method", t.method)
        f.add("lines", t.lines.map { l -> JSONFields in
            var o = JSONFields()
            o.add("name", l.name); o.add("value", l.value); o.add("grade", l.grade?.rawValue ?? "")
            o.add("verdict", l.verdict); o.add("meaning", l.meaning)
            return o
        })
        f.add("verdict", t.verdict)
        return f.text()
    }
    public var figureHTML: String {
        var rows = "<table class=\"xai-table\"><tr><th>metric</th><th>value</th><th>grade</th><th>verdict</th>"
            + "<th>meaning</th></tr>"
        for l in t.lines {
            rows += "<tr><td>\(SVG.esc(l.name))</td><td>\(TrustObject.value(l.value))</td>"
                + "<td>\(l.grade?.rawValue ?? "")</td><td>\(SVG.esc(l.verdict))</td><td>\(SVG.esc(l.meaning))</td></tr>"
        }
        return "<figure class=\"xai-figure\">\n" + rows + "</table>\n<figcaption>"
            + SVG.esc(summary) + "</figcaption>\n</figure>\n"
    }
    public var propertyNames: [String] { ["values", "grades", "verdict", "method"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "values": return .dict(DictBox(t.lines.map { ($0.name, $0.value.map { .float($0) } ?? Value.none) }))
        case "grades":
            return .dict(DictBox(t.lines.map { ($0.name, $0.grade.map { .string($0.rawValue) } ?? Value.none) }))
        case "verdict": return .string(t.verdict)
        case "method": return .string(t.method)
        default: return nil
        }
    }
}

/// The fragility attack's result: both explanations, the numbers, and whether the class held.
public final class FragilityObject: ExportableResult {
    let f: Fragility
    init(_ f: Fragility) { self.f = f }
    var verdict: (Grade, String) { RobustnessVerdict.fragility(f.topK) }
    /// "class 1", or "class 1 \"positive\"" when the model names its classes.
    func className(_ c: Int) -> String {
        guard let names = (f.original.subject.model.module as? NamedClasses)?.classNames, c >= 0, c < names.count
        else { return "class \(c)" }
        return "class \(c) \"\(names[c])\""
    }
    var classes: String {
        f.classBefore == f.classAfter ? "class kept (\(className(f.classBefore)))"
            : "\(className(f.classBefore)) → \(className(f.classAfter))"
    }
    public var typeName: String { "Fragility" }
    public var summary: String {
        String(format: "fragility attack on %@ · top-%d overlap 1.00 → %.2f · Spearman 1.00 → %.3f · %@",
               f.original.method, f.k, f.topK, f.spearman, classes)
    }
    var details: [String] {
        var lines = [
            "  top-\(f.k) overlap (\(Fragility.topKMeaning))",
            "  Spearman (\(Fragility.spearmanMeaning))",
            String(format: "  budget ‖δ‖∞ ≤ eps %@ × the input's range = %.4g; used %.4g",
                   RobustnessPictures.short(f.eps), f.bound, f.largestChange),
            String(format: "  f(x) %.4f → %.4f · %d steps · %d explanations · %d candidates dropped "
                       + "(they changed the class)", f.original.prediction, f.attacked.prediction, f.steps,
                   f.explained, f.rejected),
        ]
        if f.original.subject.kind == .text {
            lines.append("  text: the word embeddings were moved (as Captum perturbs text); the words are the same")
        }
        return lines
    }
    public var display: String {
        var lines = [summary] + details
        lines.append("  before:")
        lines += RobustnessPictures.nested(TerminalView.render(f.original, width: TerminalSize.chartWidth - 4))
        lines.append("  after the attack:")
        lines += RobustnessPictures.nested(TerminalView.render(f.attacked, width: TerminalSize.chartWidth - 4))
        lines.append(RobustnessPictures.verdict(verdict))
        return lines.joined(separator: "\n")
    }
    public var json: String {
        var j = JSONFields()
        j.add("metric", "fragility"); j.add("method", f.original.method); j.add("eps", f.eps); j.add("bound", f.bound)
        j.add("largest_change", f.largestChange); j.add("k", f.k); j.add("top_k_overlap", f.topK)
        j.add("spearman", f.spearman); j.add("class_before", f.classBefore); j.add("class_after", f.classAfter)
        j.add("prediction_before", f.original.prediction); j.add("prediction_after", f.attacked.prediction)
        j.add("steps", f.steps); j.add("seed", Int(truncatingIfNeeded: f.seed)); j.add("explained", f.explained)
        j.add("rejected", f.rejected); j.add("units", f.original.units)
        j.add("scores_before", f.original.scores); j.add("scores_after", f.attacked.scores)
        j.add("verdict", verdict.1)
        return j.text()
    }
    public var figureHTML: String {
        "<figure class=\"xai-figure\">\n<div>before</div>\n" + Export.pictureSVG(f.original)
            + "\n<div>after the attack</div>\n" + Export.pictureSVG(f.attacked) + "\n<figcaption>"
            + ([summary] + details.map { $0.trimmingCharacters(in: .whitespaces) } + ["verdict: " + verdict.1])
                .map(SVG.esc).joined(separator: "<br/>") + "</figcaption>\n</figure>\n"
    }
    public var propertyNames: [String] {
        ["top_k_overlap", "spearman", "class_before", "class_after", "prediction_before", "prediction_after",
         "largest_change", "bound", "original", "attacked", "attacked_input", "explained", "rejected", "verdict"]
    }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "top_k_overlap": return .float(f.topK)
        case "spearman": return .float(f.spearman)
        case "class_before": return .int(f.classBefore)
        case "class_after": return .int(f.classAfter)
        case "prediction_before": return .float(f.original.prediction)
        case "prediction_after": return .float(f.attacked.prediction)
        case "largest_change": return .float(f.largestChange)
        case "bound": return .float(f.bound)
        case "original": return .object(ExplanationObject(f.original))
        case "attacked": return .object(ExplanationObject(f.attacked))
        case "attacked_input": return .tensor(f.attacked.subject.input)
        case "explained": return .int(f.explained)
        case "rejected": return .int(f.rejected)
        case "verdict": return .string(verdict.1)
        default: return nil
        }
    }
}
