extension Scenario {
    /// Why the model cannot predict what a mount makes of this case's prepared workdir, or nil
    /// when it can: then nothing of it survives a mount the model predicts.
    ///
    /// - Rule: R8: every mount (re)creates `W/work` empty. `super.c:ovl_make_workdir` calls
    ///   `ovl_workdir_create(ofs, "work", false)`, which finds the old `work` and removes it with
    ///   `readdir.c:ovl_workdir_cleanup`: its entries (level 1) are unlinked or removed, a
    ///   directory entry by recursing once more (level 2), where only files and empty
    ///   directories are removed. So `work/…` entries at most three components deep are predicted
    ///   gone; `work/incompat/…` is R17 (the mount is refused), not this rule.
    /// - Rule: R14: with index=on, `readdir.c:ovl_indexdir_cleanup` removes every `index/` entry
    ///   whose name starts with `#` (a leftover of an index create or cleanup) with
    ///   `ovl_workdir_cleanup(…, 1)`, so a `#` directory may hold files. Other index entries go
    ///   through `namei.c:ovl_verify_index` against real file handles the case cannot name, so
    ///   they are not predicted. With index=off `index/` is neither touched nor compared.
    public var unpredictableWorkdir: String? {
        guard let workdir else { return nil }
        for path in workdir.entries.keys.sorted() {
            let c = path.components
            switch c.first {
            case "work" where c.count == 1, "index" where c.count == 1:
                // The folders themselves (implied by the entries inside them) must be folders.
                if workdir[path]?.kind.isDir == true { continue }
                return "workdir entry \(path): the mount makes it a directory; give only entries inside it"
            case "work" where c.count > 1 && c[1] == "incompat":
                return "workdir entry \(path): work/incompat refuses the mount (R17), which the model does not predict from a workdir"
            case "work" where c.count > 3:
                return "workdir entry \(path): ovl_workdir_cleanup removes work/ entries at most 3 components deep (R8)"
            case "index" where !c[1].hasPrefix("#"):
                return "workdir entry \(path): only '#' leftovers in index/ are predicted (R14); other entries need real file handles"
            case "index" where c.count > 3:
                return "workdir entry \(path): ovl_indexdir_cleanup removes '#' entries at most 3 components deep (R14)"
            case "work", "index":
                continue
            default:
                return "workdir entry \(path): only work/… and index/#… entries are predicted"
            }
        }
        return nil
    }
}
