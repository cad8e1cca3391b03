import Foundation
import Tensors

/// Draws perturbed inputs that keep an anchor's predicates: for each of n samples, whether
/// each predicate holds (n × predicates, row-major) and whether the model keeps its decision.
protocol AnchorSampler {
    var predicateCount: Int { get }
    mutating func draw(_ anchor: [Int], _ n: Int) throws -> (holds: [Bool], same: [Bool])
    /// The share of inputs the anchor applies to.
    func coverage(_ anchor: [Int]) -> Double
}

/// The settings of the search (Ribeiro et al. 2018), with alibi's defaults.
public struct AnchorSettings {
    public var threshold = 0.95
    public var delta = 0.1
    /// KL-LUCB stops when the best arms are separated to within epsilon.
    public var epsilon = 0.15
    /// An anchor is valid when its lower bound is within this of the threshold.
    public var epsilonStop = 0.05
    public var beam = 1
    /// Samples per draw.
    public var batch = 100
    public var maxSize: Int?
    /// Caps on draws, so that the search ends even when arms are hard to tell apart.
    public var maxRounds = 100
    public init() {}
}

/// Beam search over anchors, each candidate's precision estimated by KL-LUCB bandit
/// sampling; among anchors whose precision bound clears the threshold, the one with the
/// largest coverage wins (Ribeiro et al. 2018, Algorithm 2).
struct AnchorSearch<S: AnchorSampler> {
    struct Arm { var samples: [Int] = []; var positives = 0; var coverage = 0.0 }
    struct Found {
        let anchor: [Int]
        let precision: Double
        let coverage: Double
        let success: Bool
    }

    var sampler: S
    let settings: AnchorSettings
    var holds: [Bool] = []
    var same: [Bool] = []
    var arms: [[Int]: Arm] = [:]
    var order: [[Int]: [Int]] = [[]: []]
    var drawn = 0

    init(sampler: S, settings: AnchorSettings) { self.sampler = sampler; self.settings = settings }

    var p: Int { sampler.predicateCount }

    func mean(_ a: [Int]) -> Double {
        guard let arm = arms[a], !arm.samples.isEmpty else { return 0 }
        return Double(arm.positives) / Double(arm.samples.count)
    }
    func count(_ a: [Int]) -> Int { arms[a]?.samples.count ?? 0 }

    /// Draws n samples for an anchor and files them under it.
    mutating func draw(_ a: [Int], _ n: Int) throws {
        try Interruption.check()
        let (h, s) = try sampler.draw(a, n)
        let start = same.count
        holds += h
        same += s
        drawn += n
        var arm = arms[a] ?? Arm(coverage: sampler.coverage(a))
        arm.samples += start..<(start + s.count)
        arm.positives += s.filter { $0 }.count
        arms[a] = arm
    }

    /// A candidate one predicate longer than `parent` starts with the parent's samples in
    /// which the new predicate already held.
    mutating func propose(_ parents: [[Int]]) -> [[Int]] {
        var out: [[Int]] = [], seen = Set<[Int]>()
        for f in 0..<p {
            for parent in parents where !parent.contains(f) {
                let a = (parent + [f]).sorted()
                guard seen.insert(a).inserted else { continue }
                order[a] = (order[parent] ?? parent) + [f]
                var arm = Arm(coverage: sampler.coverage(a))
                arm.samples = (arms[parent]?.samples ?? []).filter { holds[$0 * p + f] }
                arm.positives = arm.samples.filter { same[$0] }.count
                arms[a] = arm
                out.append(a)
            }
        }
        return out
    }

    /// KL-LUCB: the `top` arms with the highest precision, sampling the two critical arms
    /// until the best of the rest is separated from the worst of the top to within epsilon.
    mutating func bestArms(_ candidates: [[Int]], top: Int) throws -> [[Int]] {
        for a in candidates where count(a) == 0 { try draw(a, settings.batch) }
        func ranked() -> [[Int]] {
            candidates.enumerated().sorted { x, y in
                let (mx, my) = (mean(x.element), mean(y.element))
                return mx != my ? mx > my : x.offset < y.offset
            }.map(\.element)
        }
        if candidates.count <= top { return ranked() }
        for t in 1...settings.maxRounds {
            let r = ranked()
            let beta = KLBounds.beta(arms: candidates.count, round: t, delta: settings.delta)
            let lowTop = r.prefix(top).min {
                KLBounds.lower(mean($0), level: beta / Double(count($0)))
                    < KLBounds.lower(mean($1), level: beta / Double(count($1)))
            } ?? r[0]
            let highRest = r.dropFirst(top).max {
                KLBounds.upper(mean($0), level: beta / Double(count($0)))
                    < KLBounds.upper(mean($1), level: beta / Double(count($1)))
            } ?? r[0]
            let gap = KLBounds.upper(mean(highRest), level: beta / Double(count(highRest)))
                - KLBounds.lower(mean(lowTop), level: beta / Double(count(lowTop)))
            if gap <= settings.epsilon { break }
            try draw(highRest, settings.batch)
            try draw(lowTop, settings.batch)
        }
        return Array(ranked().prefix(top))
    }

    /// Samples an anchor until its bounds say on which side of the threshold it lies.
    mutating func settle(_ a: [Int], beta: Double) throws -> (mean: Double, lower: Double) {
        let tau = settings.threshold, eps = settings.epsilonStop
        for _ in 0..<settings.maxRounds {
            let m = mean(a), level = beta / Double(max(1, count(a)))
            let lb = KLBounds.lower(m, level: level), ub = KLBounds.upper(m, level: level)
            let undecided = (m >= tau && lb < tau - eps) || (m < tau && ub >= tau + eps)
            if !undecided { return (m, lb) }
            try draw(a, settings.batch)
        }
        let m = mean(a)
        return (m, KLBounds.lower(m, level: beta / Double(max(1, count(a)))))
    }
}

extension AnchorSearch {
    /// The search: is the empty anchor enough; else grow anchors one predicate at a time,
    /// keeping the `beam` most precise, and remember the valid one with the largest coverage.
    mutating func run() throws -> Found {
        let tau = settings.threshold
        try draw([], settings.batch)
        let beta0 = log(1 / settings.delta)
        var lb = KLBounds.lower(mean([]), level: beta0 / Double(count([])))
        while mean([]) > tau, lb < tau - settings.epsilon, count([]) < settings.maxRounds * settings.batch {
            try draw([], settings.batch)
            lb = KLBounds.lower(mean([]), level: beta0 / Double(count([])))
        }
        if lb > tau { return Found(anchor: [], precision: mean([]), coverage: 1, success: true) }
        var bestOfSize: [[[Int]]] = [[[]]]
        var best: [Int]?, bestCoverage = -1.0
        let limit = min(settings.maxSize ?? p, p)
        var size = 1
        while size <= limit {
            let candidates = propose(bestOfSize[size - 1]).filter { (arms[$0]?.coverage ?? 0) > bestCoverage }
            if candidates.isEmpty { break }
            let chosen = try bestArms(candidates, top: min(settings.beam, candidates.count))
            bestOfSize.append(chosen)
            let beta = log(1 / (settings.delta / Double(1 + (settings.beam - 1) * p)))
            for a in chosen {
                let (m, lower) = try settle(a, beta: beta)
                let c = arms[a]?.coverage ?? 0
                if m >= tau, lower > tau - settings.epsilonStop, c > bestCoverage { best = a; bestCoverage = c }
            }
            if bestCoverage >= 1 { break }
            size += 1
        }
        if let best {
            return Found(anchor: order[best] ?? best, precision: mean(best), coverage: bestCoverage, success: true)
        }
        // None reached the threshold: the most precise candidate seen.
        let all = bestOfSize.dropFirst().flatMap { $0 }
        guard !all.isEmpty else { return Found(anchor: [], precision: mean([]), coverage: 1, success: false) }
        let top = try bestArms(all, top: 1)[0]
        return Found(anchor: order[top] ?? top, precision: mean(top), coverage: arms[top]?.coverage ?? 0,
                     success: false)
    }
}
