import Training

/// Correlations of two attributions: Pearson's of the values, Spearman's of their ranks.
enum Correlation {
    static func pearson(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        guard a.count == b.count, a.count > 1 else { return .nan }
        let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
        var sab = 0.0, saa = 0.0, sbb = 0.0
        for i in a.indices {
            sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : .nan
    }

    /// Spearman's rank correlation (Pearson correlation of the ranks, ties averaged).
    static func spearman(_ a: [Double], _ b: [Double]) -> Double { pearson(averageRanks(a), averageRanks(b)) }
}
