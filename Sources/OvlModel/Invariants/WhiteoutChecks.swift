extension LayerSet {
    /// Upper whiteouts that hide nothing (R33, `namei.c:ovl_lower_positive`): the name is in no
    /// lower directory its parent merges, or the first lower holding it has a whiteout itself.
    /// Inside an opaque directory every whiteout is an orphan: `dir.c:ovl_clear_empty` leaves an
    /// opaque directory without them, so one there is the trace of an interrupted rmdir (R34).
    /// Removing a whiteout that hides nothing changes nothing a reader sees.
    func orphanWhiteouts(_ merged: [RelPath: Resolution]) -> [Finding] {
        guard let upper else { return [] }
        var out: [Finding] = []
        for (path, node) in upper.entries where node.kind == .whiteout {
            guard let parentPath = path.parent, let parent = merged[parentPath], parent.inUpper else { continue }
            let hidden = parent.lowers.lazy.compactMap { self.lowers[$0.layer][$0.path.appending(path.name)] }.first
            if let hidden, hidden.kind != .whiteout { continue }
            let opaque = upper[parentPath]?.xattrs[prefix + "opaque"] == "y"
            out.append(Finding(problem: .orphanWhiteout, layer: .upper, path: path, subject: "whiteout",
                               detail: opaque ? "in an opaque directory, hides nothing" : "no lower has this name",
                               repairs: [.removeWhiteout]))
        }
        return out
    }
}
