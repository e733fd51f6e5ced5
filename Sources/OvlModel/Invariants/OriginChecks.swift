extension LayerSet {
    /// Upper directories lacking `X.impure` (R46, fsck.overlay's `check.c:ovl_check_impure`)
    /// that hold an entry with a valid `X.origin`, a subdirectory with a valid redirect, or a merge
    /// subdirectory (not opaque, a directory below it, ``lookupBelow(_:in:)``). Overlay marks the
    /// parent whenever it gives a child an origin (`util.c:ovl_set_impure` from
    /// `copy_up.c:ovl_do_copy_up`, `dir.c:ovl_link`, `dir.c:ovl_rename`). A directory whose only
    /// reason is merge subdirectories is a newly made image the kernel marks itself: no error under
    /// `policy` `.none`, marked by `-p`/`-y`. Setting the mark is always safe.
    func missingImpure(policy: FixPolicy, invalidRedirects: Set<RelPath>) -> [Finding] {
        guard let upper else { return [] }
        let impure = prefix[.impure], origin = prefix[.origin], redirect = prefix[.redirect]
        var reasons: [RelPath: (strong: String?, merge: String?)] = [:]
        for path in upper.entries.keys.sorted() {
            guard let node = upper[path], let parent = path.parent, upper[parent]?.xattrs[impure] == nil else { continue }
            // An origin fsck removes as malformed (``badOrigins()``) needs no mark.
            if node.xattrs[origin].map({ FileHandleShape.originProblem($0) == nil }) == true {
                reasons[parent, default: (nil, nil)].strong = reasons[parent]?.strong ?? "\(path.name) has \(origin)"
            } else if node.kind.isDir, node.xattrs[redirect] != nil, !invalidRedirects.contains(path) {
                reasons[parent, default: (nil, nil)].strong = reasons[parent]?.strong ?? "\(path.name) has \(redirect)"
            }
            if node.kind.isDir, node.xattrs[prefix[.opaque]] != "y", let below = lookupBelow(path, in: .upper), below.node.kind.isDir {
                reasons[parent, default: (nil, nil)].merge = reasons[parent]?.merge ?? "\(path.name) merges lower\(below.layer):\(below.path)"
            }
        }
        return reasons.compactMap { dir, why in
            guard let detail = why.strong ?? (policy == .none ? nil : why.merge) else { return nil }
            return Finding(problem: .missingImpure, layer: .upper, path: dir, subject: impure,
                           detail: "missing, though \(detail)", repairs: [.setXattr(impure, "y")])
        }
    }

    /// `X.origin` values that are not an `ovl_fb` (R45, `namei.c:ovl_check_fb_len`). The origin
    /// is unusable anyway; removing it only costs the constant st_ino (R57).
    func badOrigins() -> [Finding] {
        guard let upper else { return [] }
        let name = prefix[.origin]
        return ([(RelPath.root, upper.root)] + upper.entries.map { ($0.key, $0.value) }).compactMap { path, node in
            guard let value = node.xattrs[name], let why = FileHandleShape.originProblem(value) else { return nil }
            return Finding(problem: .badOrigin, layer: .upper, path: path, subject: name, detail: why,
                           repairs: [.removeXattr(name)])
        }
    }
}
