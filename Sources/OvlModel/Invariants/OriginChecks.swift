extension LayerSet {
    /// Upper directories holding an entry with `X.origin` but lacking `X.impure` (R46): overlay
    /// marks the parent whenever it gives a child an origin (`util.c:ovl_set_impure` from
    /// `copy_up.c:ovl_do_copy_up`, `dir.c:ovl_link`, `dir.c:ovl_rename`) and only drops the mark
    /// when no entry has one (`readdir.c:ovl_cache_get_impure`). Setting it is always safe.
    func missingImpure() -> [Finding] {
        guard let upper else { return [] }
        let impure = prefix + "impure", origin = prefix + "origin"
        var dirs: Set<RelPath> = []
        // An origin fsck removes as malformed (``badOrigins()``) needs no mark.
        for (path, node) in upper.entries where node.xattrs[origin].map({ FileHandleShape.originProblem($0) == nil }) == true {
            if let parent = path.parent, upper[parent]?.xattrs[impure] == nil { dirs.insert(parent) }
        }
        return dirs.map { dir in
            let child = upper.children(of: dir).first { upper[dir.appending($0)]?.xattrs[origin] != nil } ?? "?"
            return Finding(problem: .missingImpure, layer: .upper, path: dir, subject: impure,
                           detail: "missing, though \(child) has \(origin)", repairs: [.setXattr(impure, "y")])
        }
    }

    /// `X.origin` values that are not an `ovl_fb` (R45, `namei.c:ovl_check_fb_len`). The origin
    /// is unusable anyway; removing it only costs the constant st_ino (R57).
    func badOrigins() -> [Finding] {
        guard let upper else { return [] }
        let name = prefix + "origin"
        return ([(RelPath.root, upper.root)] + upper.entries.map { ($0.key, $0.value) }).compactMap { path, node in
            guard let value = node.xattrs[name], let why = FileHandleShape.originProblem(value) else { return nil }
            return Finding(problem: .badOrigin, layer: .upper, path: path, subject: name, detail: why,
                           repairs: [.removeXattr(name)])
        }
    }
}
