/// WordPiece: each word becomes the longest vocabulary piece that starts it, then the longest
/// continuation piece ("##…") that starts the rest, and so on; a word that cannot be covered,
/// or that is longer than `maxInputCharacters`, becomes the unknown token.
///
/// The vocabulary is a trie over Unicode scalars, so that the longest piece at a position is
/// found in one walk, without building strings.
struct WordPieceModel {
    let unknownId: Int
    let maxInputCharacters: Int
    /// Edges of the trie: (node << 21 | scalar) → child node. Node 0 is the root.
    private var edges: [UInt64: Int32] = [:]
    /// The id of the piece that ends at each node, or -1.
    private var pieceAt: [Int32] = [-1]
    /// The node reached by the continuation prefix, where continuation pieces start; -1 if no
    /// piece starts with the prefix.
    private var continuationRoot: Int32 = -1

    init(vocabulary: [String: Int], unknownId: Int, continuationPrefix: String, maxInputCharacters: Int) {
        self.unknownId = unknownId
        self.maxInputCharacters = maxInputCharacters
        edges.reserveCapacity(vocabulary.count * 4)
        for (piece, id) in vocabulary {
            var node: Int32 = 0
            for c in piece.unicodeScalars {
                let key = UInt64(UInt32(node)) << 21 | UInt64(c.value)
                if let child = edges[key] {
                    node = child
                } else {
                    let child = Int32(pieceAt.count)
                    pieceAt.append(-1)
                    edges[key] = child
                    node = child
                }
            }
            pieceAt[Int(node)] = Int32(id)
        }
        continuationRoot = walk(from: 0, continuationPrefix.unicodeScalars)
    }

    private func walk(from start: Int32, _ scalars: String.UnicodeScalarView) -> Int32 {
        var node = start
        for c in scalars {
            guard let child = edges[UInt64(UInt32(node)) << 21 | UInt64(c.value)] else { return -1 }
            node = child
        }
        return node
    }

    /// Appends the ids of the pieces of the word `text[range]` to `ids`.
    func tokenize(_ text: [Unicode.Scalar], _ range: Range<Int>, into ids: inout [Int]) {
        guard range.count <= maxInputCharacters else {
            ids.append(unknownId)
            return
        }
        let before = ids.count
        var start = range.lowerBound
        while start < range.upperBound {
            var node: Int32 = start == range.lowerBound ? 0 : continuationRoot
            var best: Int32 = -1, bestEnd = start
            var i = start
            while node >= 0 && i < range.upperBound {
                guard let child = edges[UInt64(UInt32(node)) << 21 | UInt64(text[i].value)] else { break }
                node = child
                i += 1
                let piece = pieceAt[Int(node)]
                if piece >= 0 {
                    best = piece
                    bestEnd = i
                }
            }
            guard best >= 0 else {
                ids.removeSubrange(before...)
                ids.append(unknownId)
                return
            }
            ids.append(Int(best))
            start = bestEnd
        }
    }
}
