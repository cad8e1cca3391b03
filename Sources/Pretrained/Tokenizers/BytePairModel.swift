import Foundation

/// Byte-pair encoding of one chunk of text: its bytes start as one-byte pieces, and the
/// adjacent pair with the best (lowest) merge rank is merged, the leftmost first, until no
/// pair can be (Hugging Face's tokenizers, with a heap of candidate merges). Results are
/// remembered per chunk.
final class BytePairModel: @unchecked Sendable {
    /// The id of each byte's one-character piece, or -1.
    private let byteIds: [Int32]
    /// (left << 32 | right) → (rank << 32 | merged id).
    private let merges: [UInt64: UInt64]
    private let unknownId: Int?
    private let fuseUnknown: Bool
    /// Whether a chunk that is a piece of the vocabulary as a whole is taken as it is.
    private let wholeWords: [String: Int]?

    private var cache: [String: [Int32]] = [:]
    private let lock = NSLock()
    private static let cacheCapacity = 50_000, cachedLength = 256
    /// The rank half of a merge's (rank << 32 | merged id).
    private static let rankMask: UInt64 = 0xFFFF_FFFF_0000_0000

    /// `merges` holds (left, right, merged) ids in rank order.
    init(byteIds: [Int32], merges: [(Int, Int, Int)], unknownId: Int?, fuseUnknown: Bool, wholeWords: [String: Int]?) {
        self.byteIds = byteIds
        var table: [UInt64: UInt64] = [:]
        table.reserveCapacity(merges.count)
        for (rank, m) in merges.enumerated() {
            let key = Self.key(Int32(m.0), Int32(m.1))
            table[key] = UInt64(rank) << 32 | UInt64(UInt32(m.2))   // a repeated pair: the last rank
        }
        self.merges = table
        self.unknownId = unknownId
        self.fuseUnknown = fuseUnknown
        self.wholeWords = wholeWords
    }

    @inline(__always)
    private static func key(_ a: Int32, _ b: Int32) -> UInt64 { UInt64(UInt32(a)) << 32 | UInt64(UInt32(b)) }

    /// Appends the ids of the pieces of `chunk` to `ids`.
    func encode(_ chunk: String, into ids: inout [Int]) {
        let cacheable = chunk.utf8.count <= Self.cachedLength
        if cacheable {
            lock.lock()
            let hit = cache[chunk]
            lock.unlock()
            if let hit {
                for id in hit { ids.append(Int(id)) }
                return
            }
        }
        let pieces = merge(chunk)
        for id in pieces { ids.append(Int(id)) }
        if cacheable {
            lock.lock()
            if cache.count < Self.cacheCapacity { cache[chunk] = pieces }
            lock.unlock()
        }
    }

    private func initialSymbols(_ chunk: String) -> [Int32] {
        var symbols: [Int32] = []
        symbols.reserveCapacity(chunk.utf8.count)
        var previousUnknown = false
        for b in chunk.utf8 {
            let id = byteIds[Int(b)]
            if id >= 0 {
                symbols.append(id)
                previousUnknown = false
            } else if let unknownId {
                if !(fuseUnknown && previousUnknown) { symbols.append(Int32(unknownId)) }
                previousUnknown = true
            }
        }
        return symbols
    }

    private func merge(_ chunk: String) -> [Int32] {
        if let wholeWords, let id = wholeWords[ByteLevelAlphabet.spell(chunk.utf8)] { return [Int32(id)] }
        var symbols = initialSymbols(chunk)
        let n = symbols.count
        guard n > 1 else { return symbols }
        var previous = Array(-1..<(n - 1)), next = Array(1...n)
        next[n - 1] = -1
        var alive = [Bool](repeating: true, count: n)
        var heap = MergeHeap()
        for i in 0..<(n - 1) {
            if let m = merges[Self.key(symbols[i], symbols[i + 1])] { heap.push(m & Self.rankMask | UInt64(i)) }
        }
        while let top = heap.pop() {
            let rank = top >> 32, at = Int(top & 0xFFFF_FFFF)
            guard alive[at], next[at] >= 0 else { continue }
            let right = next[at]
            // The pair at `at` may have changed since this merge was found.
            guard let m = merges[Self.key(symbols[at], symbols[right])], m >> 32 == rank else { continue }
            symbols[at] = Int32(truncatingIfNeeded: m & 0xFFFF_FFFF)
            alive[right] = false
            next[at] = next[right]
            if next[at] >= 0 { previous[next[at]] = at }
            if previous[at] >= 0, let l = merges[Self.key(symbols[previous[at]], symbols[at])] {
                heap.push(l & Self.rankMask | UInt64(previous[at]))
            }
            if next[at] >= 0, let r = merges[Self.key(symbols[at], symbols[next[at]])] {
                heap.push(r & Self.rankMask | UInt64(at))
            }
        }
        var out: [Int32] = []
        var i = 0
        while i >= 0 {
            out.append(symbols[i])
            i = next[i]
        }
        return out
    }
}

/// A binary min-heap of merge candidates, (rank << 32 | position): the best rank first, then
/// the leftmost.
private struct MergeHeap {
    private var items: [UInt64] = []

    mutating func push(_ x: UInt64) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard items[parent] > items[i] else { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        items[0] = last
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var smallest = i
            if l < items.count && items[l] < items[smallest] { smallest = l }
            if r < items.count && items[r] < items[smallest] { smallest = r }
            if smallest == i { break }
            items.swapAt(i, smallest)
            i = smallest
        }
        return top
    }
}
