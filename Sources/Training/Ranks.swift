/// Ranks 1…n of `values` with ties given their average rank (scipy.stats.rankdata's
/// default), for the rank-sum ROC AUC and Spearman's rank correlation.
@inlinable
public func averageRanks<T: Comparable>(_ values: [T]) -> [Double] {
    let order = values.indices.sorted { values[$0] < values[$1] }
    var ranks = [Double](repeating: 0, count: values.count)
    var i = 0
    while i < order.count {
        var j = i
        while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
        let average = Double(i + j) / 2 + 1
        for k in i...j { ranks[order[k]] = average }
        i = j + 1
    }
    return ranks
}
