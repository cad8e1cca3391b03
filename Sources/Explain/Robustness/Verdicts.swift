import Foundation

/// How a number reads against rules of thumb: good, fair or poor. The thresholds are
/// conventions for a first look, not published cut-offs; the numbers themselves are exported.
public enum Grade: String, Sendable {
    case good, fair, poor
}

/// One-line verdicts for the robustness and simplicity numbers.
public enum RobustnessVerdict {
    public static func sensitivity(_ v: Double) -> (Grade, String) {
        if v <= 0.1 { return (.good, "stable: nearby inputs change the explanation by at most 10% of its size") }
        if v <= 0.5 { return (.fair, "somewhat sensitive: nearby inputs change the explanation noticeably") }
        return (.poor, "sensitive: inputs this close give a substantially different explanation")
    }

    public static func infidelity(_ share: Double) -> (Grade, String) {
        guard share.isFinite else { return (.fair, "the output did not change under the noise; nothing to predict") }
        if share <= 0.1 { return (.good, "faithful to small changes: the attribution predicts the output's moves") }
        if share <= 0.5 { return (.fair, "partly faithful: the attribution predicts some of the output's moves") }
        return (.poor, "unfaithful to small changes: the attribution misses how the output moves")
    }

    public static func lipschitz(_ elasticity: Double) -> (Grade, String) {
        guard elasticity.isFinite else { return (.fair, "the explanation is 0; no relative change to measure") }
        if elasticity <= 1 { return (.good, "smooth: the explanation changes in proportion to the input or less") }
        if elasticity <= 10 { return (.fair, "the explanation changes up to 10× faster than the input, relatively") }
        return (.poor, "jumpy: the explanation changes over 10× faster than the input, relatively")
    }

    public static func stability(_ meanSpearman: Double) -> (Grade, String) {
        guard meanSpearman.isFinite else { return (.fair, "the rankings are constant; no correlation to measure") }
        if meanSpearman >= 0.8 { return (.good, "stable: the ranking of units survives small noise") }
        if meanSpearman >= 0.5 { return (.fair, "fairly stable: the ranking shifts under small noise") }
        return (.poor, "unstable: small noise reorders the explanation")
    }

    public static func simplicity(_ s: Simplicity) -> String {
        let share = s.effectiveUnits / Double(max(1, s.units))
        let n = String(format: "%.1f", s.effectiveUnits)
        if share <= 0.25 { return "concentrated: about \(n) of \(s.units) units carry the attribution" }
        if share <= 0.6 { return "moderately spread: about \(n) of \(s.units) units carry the attribution" }
        return "spread out: about \(n) of \(s.units) units carry the attribution; hard to read at a glance"
    }

    public static func faithfulness(_ f: Faithfulness) -> (Grade, String) {
        let gap = f.aopcComprehensiveness - f.aopcSufficiency
        if gap > 0 && f.aopcComprehensiveness > 0 {
            return (.good, "faithful: removing the top units hurts more than keeping only them")
        }
        if f.aopcComprehensiveness > 0 {
            return (.fair, "removing the top units hurts, but keeping only them hurts more")
        }
        return (.poor, "removing the top units does not lower the score")
    }

    public static func fragility(_ topK: Double) -> (Grade, String) {
        if topK >= 0.8 { return (.good, "robust: the attack kept the top units in place") }
        if topK >= 0.4 { return (.fair, "partly fragile: the attack swapped some of the top units") }
        return (.poor, "fragile: an imperceptible change with the same prediction rewrites the top units")
    }
}
