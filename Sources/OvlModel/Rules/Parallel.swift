extension OverlayModel {
    /// A `parallel` block: the kernel serializes the steps in some order (per inode, copy-up is
    /// one-at-a-time under `ovl_inode_lock` in `copy_up.c:ovl_copy_up_start`, and a finished
    /// copy-up is seen by the others: "exactly one copy-up, no partial file"). The prediction is
    /// every outcome vector some order gives. The model goes on from the first order's state; a
    /// block whose final state depends on the order is flagged (``orderDependent``).
    mutating func applyParallel(_ ops: [Operation]) -> Outcome {
        var vectors: [[Outcome]] = []
        var states: [Snapshot] = []
        var first: OverlayModel?
        for order in Self.permutations(Array(ops.indices)) {
            var m = self
            var out = [Outcome](repeating: .ok(.none), count: ops.count)
            for i in order { out[i] = m.apply(ops[i]) }
            if !vectors.contains(out) { vectors.append(out) }
            var probe = m
            let state = Self.withoutInodeSymbols(probe.snapshot())
            if !states.contains(state) { states.append(state) }
            if first == nil { first = m }
        }
        if let first { self = first }
        if states.count > 1 { orderDependent = true }
        return .ok(.alternatives(vectors))
    }

    /// A snapshot with st_ino/st_dev left out: two names of one lower inode are one real inode
    /// under two symbols, so orders that copy up a different name first still end alike.
    static func withoutInodeSymbols(_ s: Snapshot) -> Snapshot {
        func strip<K>(_ t: [K: EntryView]) -> [K: EntryView] { t.mapValues { var v = $0; v.ino = nil; v.dev = nil; return v } }
        return Snapshot(merged: strip(s.merged), upper: s.upper.map { strip($0) }, work: s.work,
                        lowers: s.lowers.map { strip($0) }, index: s.index.map { strip($0) })
    }

    /// Every order of `items`.
    static func permutations(_ items: [Int]) -> [[Int]] {
        guard items.count > 1 else { return [items] }
        var out: [[Int]] = []
        for (i, x) in items.enumerated() {
            var rest = items
            rest.remove(at: i)
            for tail in permutations(rest) { out.append([x] + tail) }
        }
        return out
    }
}
