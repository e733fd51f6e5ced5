extension LayerSet {
    /// Whiteouts that hide nothing (R33, `namei.c:ovl_lower_positive`), in every layer of the
    /// namespace (fsck.overlay's `check.c:ovl_check_whiteout`): the first object the lookup below
    /// finds (``lookupBelow(_:in:)``, redirects and opaque directories of every layer followed) is
    /// missing or a whiteout itself. Inside an opaque directory every whiteout is an orphan:
    /// `dir.c:ovl_clear_empty` leaves an opaque directory without them, so one there is the trace
    /// of an interrupted rmdir (R34); a whiteout in the lowest layer hides nothing by definition.
    /// Removing a whiteout that hides nothing changes nothing a reader sees.
    func orphanWhiteouts() -> [Finding] {
        var out: [Finding] = []
        for (role, layer) in scanOrder {
            for (path, node) in layer.entries where node.kind == .whiteout {
                let why: String
                if case .lower(let i) = role, i == namespaceLowerCount - 1 {
                    why = "in the lowest layer, hides nothing"
                } else if let below = lookupBelow(path, in: role) {
                    guard below.node.kind == .whiteout else { continue }
                    why = "what is below (lower\(below.layer):\(below.path)) is a whiteout itself"
                } else if let parent = path.parent, !parent.isRoot, layer[parent]?.xattrs[prefix[.opaque]] == "y" {
                    why = "in an opaque directory, hides nothing"
                } else {
                    why = "no lower below has this name"
                }
                out.append(Finding(problem: .orphanWhiteout, layer: role, path: path, subject: "whiteout", detail: why,
                                   repairs: [.removeWhiteout]))
            }
        }
        return out
    }
}
