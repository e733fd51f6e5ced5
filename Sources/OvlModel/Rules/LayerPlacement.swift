/// A mount's layers that lie in each other (R7), as `ovl_fill_super` finds them after the upper
/// and work dirs were taken and `work/` was made: the same on 6.1, 6.12 and 6.18. Both are ELOOP.
enum PlacementRefusal: String, Sendable, Equatable {
    /// A lower root that is already a layer's root, found while the lowers are taken
    /// (`ovl_get_layers`): before the upper root gets its uuid or index origin.
    case conflicting
    /// A lower inside a layer, found once every layer is taken (`ovl_check_overlapping_layers`).
    case overlapping

    var logLine: String { "overlayfs: \(rawValue) lowerdir path" }
}

extension MountGrammar {
    /// Where the parsed layers refuse the mount with ELOOP, or nil.
    ///
    /// - Rule: R7. `super.c:ovl_setup_trap` gives each layer root a trap inode: the upper root
    ///   (`ovl_get_upper`), the workdir and its `work/` (`ovl_get_workdir`), then each lower root
    ///   in order (`ovl_get_layers`), where a root that already has one — the upper, the workdir,
    ///   an earlier lower — is ELOOP "conflicting lowerdir path". Then
    ///   `ovl_check_overlapping_layers` → `ovl_check_layer` walks each lower's ancestors: one that
    ///   is a trap (the upper, the workdir, any lower) is ELOOP "overlapping lowerdir path". The
    ///   upper's and the workdir's ancestors are only checked for another overlay's use, so an
    ///   upper inside a lower mounts.
    static func placementRefusal(_ m: ParsedMount) -> PlacementRefusal? {
        var traps: [LayerPlace] = []
        if let upper = m.upper?.place { traps.append(upper) }
        if let work = m.work?.place { traps += [work, .inside(work, RelPath(components: ["work"]))] }
        for lower in m.lowers.map(\.place) {
            if traps.contains(where: { same(lower, $0) }) { return .conflicting }
            traps.append(lower)
        }
        for lower in m.lowers.map(\.place) where traps.contains(where: { inside(lower, $0) }) {
            return .overlapping
        }
        return nil
    }

    /// A place as the folder it starts from and the names below it.
    private static func split(_ p: LayerPlace) -> (LayerPlace, [String]) {
        if case .inside(let base, let path) = p { let (r, c) = split(base); return (r, c + path.components) }
        return (p, [])
    }

    static func same(_ a: LayerPlace, _ b: LayerPlace) -> Bool { split(a) == split(b) }

    /// True when `a` lies strictly inside `b`.
    static func inside(_ a: LayerPlace, _ b: LayerPlace) -> Bool {
        let (ra, ca) = split(a), (rb, cb) = split(b)
        return ra == rb && ca.count > cb.count && ca.starts(with: cb)
    }
}
