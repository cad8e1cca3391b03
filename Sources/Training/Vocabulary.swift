import Tensors

/// Token ↔ id, with `<pad>` = 0 and `<unk>` = 1; tokens ordered by count (most frequent
/// first), ties alphabetically, as the reference scripts build it.
public final class Vocabulary {
    public let tokens: [String]
    public let tokenizer: Tokenizer
    let ids: [String: Int]
    public static let pad = 0, unk = 1

    public init(tokens: [String], tokenizer: Tokenizer = .words) {
        self.tokens = tokens
        self.tokenizer = tokenizer
        var m: [String: Int] = [:]
        for (i, t) in tokens.enumerated() where m[t] == nil { m[t] = i }
        ids = m
    }

    public convenience init(texts: [String], tokenizer: Tokenizer = .words, minCount: Int = 1, maxSize: Int? = nil) {
        var counts: [String: Int] = [:]
        for s in texts { for t in tokenizer.tokens(s) { counts[t, default: 0] += 1 } }
        var ordered = counts.filter { $0.value >= minCount }
            .sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
        if let maxSize { ordered = Array(ordered.prefix(max(0, maxSize - 2))) }
        self.init(tokens: ["<pad>", "<unk>"] + ordered, tokenizer: tokenizer)
    }

    public var count: Int { tokens.count }
    public func id(_ token: String) -> Int { ids[token] ?? Vocabulary.unk }

    /// Ids of a text's first `maxLength` tokens; an empty text is one `<unk>`.
    public func encode(_ text: String, maxLength: Int = 40) -> [Int] {
        let ids = tokenizer.tokens(text).prefix(maxLength).map(id)
        return ids.isEmpty ? [Vocabulary.unk] : Array(ids)
    }

    /// A padded batch: ids [B, longest] (pad 0) and each row's length.
    public func batch(_ texts: [String], maxLength: Int = 40) throws -> (ids: Tensor, lengths: [Int]) {
        let rows = texts.map { encode($0, maxLength: maxLength) }
        let L = rows.map(\.count).max() ?? 1
        var ids = [Int64](repeating: 0, count: rows.count * L)
        for (r, row) in rows.enumerated() { for (t, v) in row.enumerated() { ids[r * L + t] = Int64(v) } }
        return (try Tensor(shape: [rows.count, L], ints: ids), rows.map(\.count))
    }
}
