import Foundation
import Layers
import Tensors
import Training

/// An anchor (Ribeiro et al. 2018): a rule that "anchors" a prediction — as long as its
/// conditions hold, the model almost always (precision ≥ threshold) keeps its decision,
/// whatever the rest of the input is. Coverage is the share of inputs the rule applies to.
public struct Anchor {
    public let kind: InputKind
    /// The conditions in the order the search added them.
    public let conditions: [String]
    /// The precision and coverage after each condition was added.
    public let steps: [(precision: Double, coverage: Double)]
    public let precision: Double
    public let coverage: Double
    /// Whether the precision reached the threshold (else this is the most precise rule found).
    public let success: Bool
    public let threshold: Double
    public let target: Int
    public let className: String
    /// Model calls made (perturbed inputs classified).
    public let samples: Int
    public let settings: AnchorSettings
    public let seed: UInt64

    /// "IF worst_radius > 0.97 AND worst_texture > 0.3 THEN malignant".
    public var rule: String {
        conditions.isEmpty ? "ALWAYS \(className) (no condition needed)"
            : "IF " + (kind == .text ? "the text keeps " : "") + conditions.joined(separator: " AND ") + " THEN "
                + className
    }
}

public enum Anchors {
    /// An anchor for one table row; `data` are the training rows that give the quartiles and
    /// the perturbations; `classNames` name the classes in the rule.
    public static func tabular(model: Model, row: Tensor, data: Tensor, names: [String] = [], classNames: [String] = [],
                               settings: AnchorSettings, seed: UInt64) throws -> Anchor {
        try check(settings)
        model.module.eval()
        let subject = try Explainer.subject(model, .row(row), ExplainRequest(method: "saliency"), names: names)
        try check(settings, units: row.count)
        let target = try subject.decisions(row.unsqueeze(0))[0]
        var sampler = try TabularAnchorSampler(subject: subject, data: data, target: target, seed: seed)
        var search = AnchorSearch(sampler: sampler, settings: settings)
        let found = try search.run()
        sampler = search.sampler
        return result(found, search, kind: .tabular, describe: sampler.describe, target: target,
                      className: name(target, classNames, subject), seed: seed)
    }

    /// An anchor for a text: the words that, kept, keep the model's decision while each other
    /// word is removed with probability 0.5 (replaced by padding, or dropped with `dropWords`).
    public static func text(model: Model, text: String, classNames: [String] = [], dropWords: Bool = false,
                            settings: AnchorSettings, seed: UInt64) throws -> Anchor {
        try check(settings)
        model.module.eval()
        let subject = try Explainer.subject(model, .text(text), ExplainRequest(method: "saliency"))
        try check(settings, units: subject.tokenIds.count)
        let target = try subject.decisions(tokenRows: [subject.tokenIds], keepLength: true)[0]
        let sampler = TextAnchorSampler(subject: subject, target: target, dropWords: dropWords, seed: seed)
        var search = AnchorSearch(sampler: sampler, settings: settings)
        let found = try search.run()
        return result(found, search, kind: .text, describe: sampler.describe, target: target,
                      className: name(target, classNames, subject), seed: seed)
    }

    static func check(_ s: AnchorSettings) throws {
        guard s.threshold > 0, s.threshold <= 1 else {
            throw TensorError.value("the anchor's precision threshold must be in (0, 1], found "
                                    + fmtNumber(s.threshold))
        }
        guard s.batch >= 1, s.batch <= 1_000_000 else {
            throw TensorError.value("samples per draw must be between 1 and 1000000, found \(s.batch)")
        }
        guard s.beam >= 1, s.beam <= 1000 else {
            throw TensorError.value("the beam width must be between 1 and 1000, found \(s.beam)")
        }
        if let m = s.maxSize, m < 1 { throw TensorError.value("max_size must be positive, found \(m)") }
    }

    /// The most values one draw may hold (samples × features or tokens), checked before allocating.
    public static let largestDraw = 1 << 26

    static func check(_ s: AnchorSettings, units: Int) throws {
        let (n, overflow) = s.batch.multipliedReportingOverflow(by: max(1, units))
        guard !overflow, n <= largestDraw else {
            throw TensorError.value("samples per draw × the \(units) units of the input must be at most "
                                    + "\(largestDraw) values, found \(s.batch) × \(units); use fewer samples")
        }
    }

    static func name(_ target: Int, _ classNames: [String], _ s: Explainee) -> String {
        if target < classNames.count { return classNames[target] }
        if let named = s.model.module as? NamedClasses, target < named.classNames.count {
            return named.classNames[target]
        }
        return "class \(target)"
    }

    static func result<S>(_ found: AnchorSearch<S>.Found, _ search: AnchorSearch<S>, kind: InputKind,
                          describe: (Int) -> String, target: Int, className: String, seed: UInt64) -> Anchor {
        var steps: [(Double, Double)] = []
        for i in found.anchor.indices {
            let prefix = Array(found.anchor.prefix(i + 1)).sorted()
            steps.append((search.mean(prefix), search.arms[prefix]?.coverage ?? 0))
        }
        return Anchor(kind: kind, conditions: found.anchor.map(describe), steps: steps, precision: found.precision,
                      coverage: found.coverage, success: found.success, threshold: search.settings.threshold,
                      target: target, className: className, samples: search.drawn, settings: search.settings,
                      seed: seed)
    }
}
