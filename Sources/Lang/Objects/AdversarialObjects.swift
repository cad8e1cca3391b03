import Explain
import Foundation
import Layers
import Pictures
import Tensors
import Training

/// Class numbers as people read them: the model's or the data's class names, else "class 3".
struct ClassNames {
    let names: [String]
    func name(_ c: Int) -> String { c >= 0 && c < names.count ? names[c] : "class \(c)" }
    /// "benign (p 0.982)".
    func said(_ p: Prediction) -> String { name(p.cls) + String(format: " (p %.3f)", p.probability) }
    /// "flipped malignant → benign", or "did not flip malignant" (and what it says now, if that changed).
    func outcome(_ before: Prediction, _ after: Prediction, flipped: Bool) -> String {
        if flipped { return "flipped \(name(before.cls)) → \(name(after.cls))" }
        return "did not flip \(name(before.cls))" + (after.cls == before.cls ? "" : " (now \(name(after.cls)))")
    }
    func json(_ p: Prediction) -> JSONFields {
        var j = JSONFields()
        j.add("class", p.cls)
        j.add("name", name(p.cls))
        j.add("probability", p.probability)
        j.add("probabilities", p.probabilities)
        return j
    }
}

/// Pictures shared by the attack and counterfactual results.
enum DiffPictures {
    /// Blocks of lines side by side (or one under the other when they would not fit the terminal).
    static func sideBySide(_ blocks: [[String]], gap: Int = 3) -> [String] {
        let widths = blocks.map { $0.map { TextWidth.of(Palette.stripEscapes($0)) }.max() ?? 0 }
        guard widths.reduce(0, +) + gap * blocks.count <= TerminalSize.columns else { return blocks.flatMap { $0 } }
        let height = blocks.map(\.count).max() ?? 0
        return (0..<height).map { r in
            blocks.indices.map { b -> String in
                let line = r < blocks[b].count ? blocks[b][r] : ""
                let pad = widths[b] - TextWidth.of(Palette.stripEscapes(line))
                return line + String(repeating: " ", count: max(0, pad) + (b + 1 < blocks.count ? gap : 0))
            }.joined()
        }.map { $0.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }
    }

    /// A greyscale image (ink dark) on a fixed scale, so that two images compare.
    static func image(_ px: [Double], rows: Int, cols: Int, lo: Double, hi: Double, title: String) -> [String] {
        let mode = Palette.mode
        if mode != .none {
            return [title] + ImageFigure(pixels: px, rows: rows, cols: cols)
                .terminal(width: TerminalSize.chartWidth, mode: mode).split(separator: "\n").map(String.init)
        }
        let ramp = Array(" .:-=+*#%@")
        return [title] + (0..<rows).map { r in
            (0..<cols).map { c -> String in
                let v = (px[r * cols + c] - lo) / max(hi - lo, 1e-12)
                let k = Int(roundedClamping: min(max(v, 0), 1) * Double(ramp.count - 1))
                return String(repeating: ramp[k], count: 2)
            }.joined()
        }
    }

    /// A perturbation: colours in a terminal; in plain text "++"/"--" for at least half of ε, " +"/" -"
    /// for less, " ." for unchanged.
    static func perturbation(_ d: [Double], rows: Int, cols: Int, eps: Double, title: String) -> [String] {
        if Palette.mode != .none {
            return [title] + Heatmap.terminal(d, rows: rows, cols: cols).dropLast()
        }
        return [title] + (0..<rows).map { r in
            (0..<cols).map { c -> String in
                let v = d[r * cols + c]
                if v >= eps / 2 { return "++" }
                if v <= -eps / 2 { return "--" }
                return v > 0 ? " +" : v < 0 ? " -" : " ."
            }.joined()
        }
    }

    /// Channel means of an image [C, H, W], as one [H × W] plane.
    static func plane(_ t: Tensor) -> (px: [Double], rows: Int, cols: Int) {
        let C = t.shape[0], H = t.shape[1], W = t.shape[2], f = t.floats
        return ((0..<H * W).map { p in (0..<C).reduce(0.0) { $0 + Double(f[$1 * H * W + p]) } / Double(C) }, H, W)
    }

    /// Original, perturbation and changed image side by side (terminal).
    static func triple(_ ex: AdversarialExample, changedTitle: String) -> [String] {
        let (a, H, W) = plane(ex.original), b = plane(ex.adversarial).px
        let d = zip(b, a).map { $0 - $1 }
        let lo = min(a.min() ?? 0, b.min() ?? 0), hi = max(a.max() ?? 1, b.max() ?? 1)
        return sideBySide([image(a, rows: H, cols: W, lo: lo, hi: hi, title: "original"),
                           perturbation(d, rows: H, cols: W, eps: ex.settings.eps, title: "perturbation"),
                           image(b, rows: H, cols: W, lo: lo, hi: hi, title: changedTitle)]).map { "  " + $0 }
    }

    /// The same three as SVG, side by side.
    static func tripleSVG(_ ex: AdversarialExample, changedTitle: String) -> String {
        let (a, H, W) = plane(ex.original), b = plane(ex.adversarial).px
        let d = zip(b, a).map { $0 - $1 }
        let cells = [("original", ImageFigure(pixels: a, rows: H, cols: W).svg()),
                     ("perturbation", Heatmap.svg(d, rows: H, cols: W)),
                     (changedTitle, ImageFigure(pixels: b, rows: H, cols: W).svg())]
        return "<div style=\"display:flex;gap:16px\">\n" + cells.map { title, svg in
            "<div><div>\(SVG.esc(title))</div>\n\(svg)\n</div>"
        }.joined(separator: "\n") + "\n</div>"
    }

    /// A table of changed features: before, after and the change (plus extra columns), largest first.
    static func diffTable(names: [String], before: [Double], after: [Double], order: [Int],
                          extra: (header: String, value: (Int) -> String)? = nil, limit: Int = 15) -> [String] {
        let width = max(8, min(28, order.map { TextWidth.of(names[$0]) }.max() ?? 8))
        var lines = ["  " + TextWidth.pad("feature", to: width) + "      before       after      change"
                        + (extra.map { "  " + $0.header } ?? "")]
        // Values that print as zero print without a sign.
        func clean(_ v: Double) -> Double { abs(v) < 5e-5 ? 0 : v }
        for i in order.prefix(limit) {
            lines.append("  " + TextWidth.pad(TextWidth.truncate(names[i], to: width), to: width)
                + String(format: "  %10.4f  %10.4f  %+10.4f", clean(before[i]), clean(after[i]),
                         after[i] - before[i])
                + (extra.map { "  " + $0.value(i) } ?? ""))
        }
        if order.count > limit { lines.append("  … and \(order.count - limit) more") }
        return lines
    }

    /// The same table in HTML.
    static func diffTableHTML(names: [String], before: [Double], after: [Double], order: [Int],
                              extra: (header: String, value: (Int) -> String)? = nil) -> String {
        var rows = ["<tr><th>feature</th><th>before</th><th>after</th><th>change</th>"
                        + (extra.map { "<th>\(SVG.esc($0.header))</th>" } ?? "") + "</tr>"]
        for i in order {
            rows.append("<tr><td>\(SVG.esc(names[i]))</td>"
                + String(format: "<td>%.4f</td><td>%.4f</td><td>%+.4f</td>", before[i], after[i], after[i] - before[i])
                + (extra.map { "<td>\(SVG.esc($0.value(i)))</td>" } ?? "") + "</tr>")
        }
        return "<table>\n" + rows.joined(separator: "\n") + "\n</table>"
    }

    static func figure(_ body: String, caption: String) -> String {
        "<figure class=\"xai-figure\">\n\(body)\n<figcaption>\(SVG.esc(caption))</figcaption>\n</figure>\n"
    }

    static func names(_ given: [String], count: Int) -> [String] {
        given.count == count ? given : (0..<count).map { "x\($0)" }
    }
}

/// An FGSM or PGD attack on a feature row or an image (typeName "Adversarial"), or an image
/// counterfactual found by targeted PGD (typeName "Counterfactual").
public final class AdversarialObject: HostObject, ExportableResult {
    let example: AdversarialExample
    let model: Model
    let classes: ClassNames
    let featureNames: [String]
    /// Image counterfactuals: every ε tried.
    let tried: [(eps: Double, reached: Bool)]?

    init(_ example: AdversarialExample, model: Model, classes: ClassNames, featureNames: [String],
         tried: [(eps: Double, reached: Bool)]? = nil) {
        self.example = example
        self.model = model
        self.classes = classes
        self.featureNames = DiffPictures.names(featureNames, count: example.original.count)
        self.tried = tried
    }

    public var typeName: String { tried == nil ? "Adversarial" : "Counterfactual" }
    var method: String { example.settings.method.rawValue.uppercased() }
    var changedTitle: String { tried == nil ? "adversarial" : "counterfactual" }

    /// One line: what happened.
    public var summary: String {
        let ex = example
        let outcome = classes.outcome(ex.before, ex.after, flipped: ex.flipped)
        if let tried {
            let how = ex.flipped
                ? String(format: "with ε = %.4g, the smallest of %d tried", ex.settings.eps, tried.count)
                : String(format: "with any ε up to %.4g (%d tried)", ex.settings.eps, tried.count)
            return "\(outcome) \(how); ‖δ‖∞ \(fmt(ex.linf)), ‖δ‖₂ \(fmt(ex.l2))"
        }
        let n = changedFeatures.count, features = "\(n) feature\(n == 1 ? "" : "s")"
        let changed = ex.kind != .tabular ? "" : ex.flipped ? " by changing \(features)" : " (\(features) changed)"
        let within = " within ε = \(fmt(ex.settings.eps))"
        return "\(method) \(outcome)" + (ex.flipped ? changed + within : within + changed)
            + "; ‖δ‖∞ \(fmt(ex.linf)), ‖δ‖₂ \(fmt(ex.l2))"
    }

    func fmt(_ v: Double) -> String { String(format: "%.4g", v) }

    var changedFeatures: [Int] {
        let d = example.perturbation
        return d.indices.filter { d[$0] != 0 }.sorted { abs(d[$0]) > abs(d[$1]) }
    }

    var settingsLine: String {
        let s = example.settings
        let goal = s.target.map { "toward \(classes.name($0))" } ?? "away from the predicted class"
        let steps = s.method == .fgsm ? "one step of ε" : "\(s.steps) steps of \(fmt(s.step))"
            + (s.randomStart ? " from a random start" : "")
        let range = s.bounds.map { " · values in [\(fmt($0.lowerBound)), \(fmt($0.upperBound))]" } ?? ""
        return "  \(method) · L∞ ε = \(fmt(s.eps)) · \(steps) · \(goal)\(range)"
    }

    var predictionLines: [String] {
        let ex = example
        let cls = ex.settings.target ?? ex.before.cls
        let lossMeaning = ex.settings.target == nil ? "higher: further from the predicted class"
            : "lower: closer to the target"
        return ["  before: \(classes.said(ex.before)) · after: \(classes.said(ex.after))",
                "  cross-entropy of \(classes.name(cls)): \(fmt(ex.lossBefore)) → \(fmt(ex.lossAfter))"
                    + " (\(lossMeaning))"]
    }

    public var display: String {
        var lines = [summary, settingsLine] + predictionLines
        if let tried {
            let marks = tried.map { fmt($0.eps) + ($0.reached ? " ✓" : " ✗") }
            lines.append("  ε tried: " + marks.joined(separator: ", ") + " (✓ reached the target)")
        }
        switch example.kind {
        case .image:
            lines += DiffPictures.triple(example, changedTitle: changedTitle)
            lines.append(Palette.mode == .none
                ? "  perturbation: ++ / -- up / down by at least ε/2, + / - by less, . unchanged (channel mean)"
                : "  perturbation: red up, blue down (channel mean)")
        default:
            let d = changedFeatures
            lines += d.isEmpty ? ["  no feature changed"]
                : DiffPictures.diffTable(names: featureNames, before: example.original.floats.map(Double.init),
                                         after: example.adversarial.floats.map(Double.init), order: d)
        }
        return lines.joined(separator: "\n")
    }

    public var figureHTML: String {
        let body: String
        switch example.kind {
        case .image: body = DiffPictures.tripleSVG(example, changedTitle: changedTitle)
        default:
            let order = changedFeatures, d = example.perturbation
            body = BarChart.svg(names: order.map { featureNames[$0] }, values: order.map { d[$0] }) + "\n"
                + DiffPictures.diffTableHTML(names: featureNames, before: example.original.floats.map(Double.init),
                                             after: example.adversarial.floats.map(Double.init), order: order)
        }
        return DiffPictures.figure(body, caption: summary)
    }

    public var json: String {
        let ex = example
        var j = JSONFields()
        j.add("kind", tried == nil ? "attack" : "counterfactual")
        j.add("method", ex.settings.method.rawValue)
        j.add("eps", ex.settings.eps)
        j.add("steps", ex.settings.method == .fgsm ? 1 : ex.settings.steps)
        j.add("step_size", ex.settings.step)
        j.add("target", ex.settings.target)
        j.add("seed", Int(clamping: ex.settings.seed))
        j.add("before", classes.json(ex.before))
        j.add("after", classes.json(ex.after))
        j.add("flipped", ex.flipped)
        j.add("linf", ex.linf)
        j.add("l2", ex.l2)
        j.add("loss_before", ex.lossBefore)
        j.add("loss_after", ex.lossAfter)
        j.add("shape", ex.original.shape)
        j.add("perturbation", ex.perturbation)
        if let tried {
            j.add("eps_tried", tried.map(\.eps))
            j.add("eps_reached", tried.map { $0.reached ? 1 : 0 })
        }
        return j.text()
    }

    public var propertyNames: [String] {
        ["input", "adversarial", "perturbation", "class_before", "class_after", "prob_before", "prob_after",
         "linf", "l2", "flipped", "loss_before", "loss_after", "eps", "method"]
    }

    public func property(_ name: String) throws -> Value? {
        let ex = example
        switch name {
        case "input": return .tensor(ex.original)
        case "adversarial": return .tensor(ex.adversarial)
        case "perturbation": return .tensor(try ex.adversarial.sub(ex.original))
        case "class_before": return .int(ex.before.cls)
        case "class_after": return .int(ex.after.cls)
        case "prob_before": return .float(ex.before.probability)
        case "prob_after": return .float(ex.after.probability)
        case "linf": return .float(ex.linf)
        case "l2": return .float(ex.l2)
        case "flipped": return .bool(ex.flipped)
        case "loss_before": return .float(ex.lossBefore)
        case "loss_after": return .float(ex.lossAfter)
        case "eps": return .float(ex.settings.eps)
        case "method": return .string(ex.settings.method.rawValue)
        default: return nil
        }
    }
}

/// The word search's edits that flip a text classifier (typeName "WordAttack", or "Counterfactual").
public final class WordEditObject: HostObject, ExportableResult {
    let result: WordEditResult
    let classes: ClassNames
    let counterfactual: Bool
    init(_ r: WordEditResult, classes: ClassNames, counterfactual: Bool) {
        result = r
        self.classes = classes
        self.counterfactual = counterfactual
    }

    public var typeName: String { counterfactual ? "Counterfactual" : "WordAttack" }

    public var summary: String {
        let r = result, n = r.edits.count
        let edits = "\(n) word edit\(n == 1 ? "" : "s")"
        let p = String(format: "p %.3f → %.3f", r.before.probability, r.after.probability(of: r.before.cls))
        return classes.outcome(r.before, r.after, flipped: r.flipped) + (r.flipped ? " by " : " after ")
            + edits + " (\(p) for \(classes.name(r.before.cls)))"
    }

    /// The text with deletions struck through (~~word~~) and substitutions as [old → new].
    var diffLine: String {
        result.words.indices.map { i -> String in
            let old = result.words[i]
            guard let now = result.current[i] else { return "~~\(old)~~" }
            return now == old ? old : "[\(old) → \(now)]"
        }.joined(separator: " ")
    }

    public var display: String {
        let r = result
        var lines = [summary, "  " + diffLine,
                     "  before: \(classes.said(r.before)) · after: \(classes.said(r.after))"]
        for (k, e) in r.edits.enumerated() {
            lines.append("  edit \(k + 1): " + (e.new.map { "\"\(e.old)\" → \"\($0)\"" } ?? "deleted \"\(e.old)\""))
        }
        lines.append("  \(r.evaluations) edited sentences scored; greedy by deletion importance, substitutes by "
            + "HotFlip's first-order estimate")
        return lines.joined(separator: "\n")
    }

    public var figureHTML: String {
        let words = result.words.indices.map { i -> String in
            let old = SVG.esc(result.words[i])
            guard let now = result.current[i] else { return "<del>\(old)</del>" }
            return now == result.words[i] ? old : "<del>\(old)</del> <ins>\(SVG.esc(now))</ins>"
        }.joined(separator: " ")
        return DiffPictures.figure("<p style=\"font-size:1.2em\">\(words)</p>", caption: summary)
    }

    public var json: String {
        let r = result
        var j = JSONFields()
        j.add("kind", counterfactual ? "counterfactual" : "attack")
        j.add("method", "words")
        j.add("text", r.words.joined(separator: " "))
        j.add("edited_text", r.editedText)
        j.add("target", r.target)
        j.add("before", classes.json(r.before))
        j.add("after", classes.json(r.after))
        j.add("flipped", r.flipped)
        j.add("edits", r.edits.map { e -> JSONFields in
            var f = JSONFields()
            f.add("position", e.position)
            f.add("old", e.old)
            if let n = e.new { f.add("new", n) } else { f.raw("new", "null") }
            return f
        })
        j.add("evaluations", r.evaluations)
        return j.text()
    }

    public var propertyNames: [String] {
        ["text", "edited_text", "edits", "flipped", "class_before", "class_after", "prob_before", "prob_after",
         "evaluations"]
    }

    public func property(_ name: String) throws -> Value? {
        let r = result
        switch name {
        case "text": return .string(r.words.joined(separator: " "))
        case "edited_text": return .string(r.editedText)
        case "edits": return .list(r.edits.map { .list([.string($0.old), $0.new.map { .string($0) } ?? .none]) })
        case "flipped": return .bool(r.flipped)
        case "class_before": return .int(r.before.cls)
        case "class_after": return .int(r.after.cls)
        case "prob_before": return .float(r.before.probability)
        case "prob_after": return .float(r.after.probability)
        case "evaluations": return .int(r.evaluations)
        default: return nil
        }
    }
}

/// A tabular counterfactual (Wachter et al.): the changed features, before → after, in the data's
/// units and in MADs.
public final class TabularCounterfactualObject: HostObject, ExportableResult {
    let result: TabularCounterfactual
    let classes: ClassNames
    let names: [String]
    /// The data's standardisation, if it was standardised: values are shown in the original units.
    let scaling: (mean: [Double], std: [Double])?
    init(_ r: TabularCounterfactual, classes: ClassNames, names: [String],
         scaling: (mean: [Double], std: [Double])? = nil) {
        result = r
        self.classes = classes
        self.names = DiffPictures.names(names, count: r.original.count)
        let F = r.original.count
        self.scaling = scaling.flatMap { $0.mean.count == F && $0.std.count == F ? $0 : nil }
    }

    /// A row in the units people measured it in.
    func units(_ row: [Double]) -> [Double] {
        guard let (mean, std) = scaling else { return row }
        return row.indices.map { row[$0] * std[$0] + mean[$0] }
    }
    public var typeName: String { "Counterfactual" }

    public var summary: String {
        let r = result, n = r.changed.count
        let features = "\(n) feature\(n == 1 ? "" : "s")"
        guard r.flipped else {
            return "no counterfactual found: the search did not reach \(classes.name(r.target)) within the bounds "
                + "and immutable features (still \(classes.said(r.after)))"
        }
        return classes.outcome(r.before, r.after, flipped: true) + " by changing \(features); "
            + String(format: "L1/MAD distance %.3g", r.distance)
    }

    public var display: String {
        let r = result
        var lines = [summary, "  before: \(classes.said(r.before)) · after: \(classes.said(r.after))"
                        + (r.lambda.map { String(format: " · λ %.3g", $0) } ?? "")]
        if !r.immutable.isEmpty {
            lines.append("  kept fixed: " + r.immutable.map { names[$0] }.joined(separator: ", "))
        }
        guard !r.changed.isEmpty else { return lines.joined(separator: "\n") }
        lines += DiffPictures.diffTable(names: names, before: units(r.original), after: units(r.counterfactual),
                                        order: r.changed,
                                        extra: ("in MADs", { String(format: "%+7.2f", self.signedMAD($0)) }))
        if scaling != nil { lines.append("  values in the data's original units (the data was standardised)") }
        lines.append("  distance: Σ |change| / MAD (median absolute deviation of the feature in the data); "
            + "lower is a smaller change")
        return lines.joined(separator: "\n")
    }

    func signedMAD(_ i: Int) -> Double { (result.counterfactual[i] - result.original[i]) / result.mad[i] }

    public var figureHTML: String {
        let r = result
        let bars = BarChart.svg(names: r.changed.map { names[$0] }, values: r.changed.map(signedMAD))
        let table = DiffPictures.diffTableHTML(names: names, before: units(r.original), after: units(r.counterfactual),
                                               order: r.changed,
                                               extra: ("in MADs", { String(format: "%+.2f", self.signedMAD($0)) }))
        return DiffPictures.figure(bars + "\n" + table, caption: summary)
    }

    public var json: String {
        let r = result
        var j = JSONFields()
        j.add("kind", "counterfactual")
        j.add("method", "wachter")
        j.add("target", r.target)
        j.add("before", classes.json(r.before))
        j.add("after", classes.json(r.after))
        j.add("flipped", r.flipped)
        j.add("lambda", r.lambda)
        j.add("distance", r.distance)
        j.add("features", names)
        j.add("original", r.original)
        j.add("counterfactual", r.counterfactual)
        j.add("mad", r.mad)
        j.add("changed", r.changed.map { names[$0] })
        j.add("immutable", r.immutable.map { names[$0] })
        return j.text()
    }

    public var propertyNames: [String] {
        ["row", "counterfactual", "changed", "distance", "lambda", "flipped", "class_before", "class_after",
         "prob_before", "prob_after", "mad"]
    }

    public func property(_ name: String) throws -> Value? {
        let r = result
        switch name {
        case "row": return .tensor(Tensor(r.original.map(Float.init)))
        case "counterfactual": return .tensor(Tensor(r.counterfactual.map(Float.init)))
        case "changed": return .list(r.changed.map { .string(names[$0]) })
        case "distance": return .float(r.distance)
        case "lambda": return r.lambda.map { .float($0) } ?? Value.none
        case "flipped": return .bool(r.flipped)
        case "class_before": return .int(r.before.cls)
        case "class_after": return .int(r.after.cls)
        case "prob_before": return .float(r.before.probability)
        case "prob_after": return .float(r.after.probability)
        case "mad": return .tensor(Tensor(r.mad.map(Float.init)))
        default: return nil
        }
    }
}

/// One explanation method applied before and after an attack: how far the explanation moved.
public final class ExplanationShiftObject: HostObject, ExportableResult {
    let before: Explanation
    let after: Explanation
    let comparison: (spearman: Double, topK: Double, k: Int)
    init(before: Explanation, after: Explanation) throws {
        self.before = before
        self.after = after
        let r = try ExplanationMetrics.compare(before, after, k: min(5, before.units.count))
        comparison = (r.spearman, r.topK, r.k)
    }
    public var typeName: String { "ExplanationShift" }

    public var summary: String {
        String(format: "%@ of %@ before and after the attack · Spearman %.3f · top-%d overlap %.2f",
               before.method, before.subject.targetName, comparison.spearman, comparison.k, comparison.topK)
    }

    public var display: String {
        var lines = [summary, "  (1 = the explanation did not move; near 0 = the attack rewrote it)"]
        if before.kind == .image, let a = before.raw, let b = after.raw, a.rank == 3 {
            let (pa, H, W) = DiffPictures.plane(a), pb = DiffPictures.plane(b).px
            let maps = [("before", pa), ("after", pb)].map { title, px in
                [title] + Heatmap.terminal(px, rows: H, cols: W).filter { !$0.contains("attribution ×") }
            }
            lines += DiffPictures.sideBySide(maps).map { "  " + $0 }
            if Palette.mode == .none { lines.append("  scores × 100 of each map's largest, rows top to bottom") }
        } else {
            let top = { (e: Explanation) in e.top(8).map { String(format: "%@ %+.3f", $0.0, $0.1) } }
            lines += DiffPictures.sideBySide([["before"] + top(before), ["after"] + top(after)])
                .map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    public var figureHTML: String {
        "<figure class=\"xai-figure\">\n<div style=\"display:flex;gap:16px\">\n" + Export.html(before)
            + Export.html(after) + "</div>\n<figcaption>\(SVG.esc(summary))</figcaption>\n</figure>\n"
    }

    public var json: String {
        var j = JSONFields()
        j.add("method", before.method)
        j.add("spearman", comparison.spearman)
        j.add("top_k_overlap", comparison.topK)
        j.add("k", comparison.k)
        j.add("units", before.units)
        j.add("before", before.scores)
        j.add("after", after.scores)
        return j.text()
    }

    public var propertyNames: [String] { ["before", "after", "spearman", "top_k_overlap"] }
    public func property(_ name: String) throws -> Value? {
        switch name {
        case "before": return .object(ExplanationObject(before))
        case "after": return .object(ExplanationObject(after))
        case "spearman": return .float(comparison.spearman)
        case "top_k_overlap": return .float(comparison.topK)
        default: return nil
        }
    }
}
