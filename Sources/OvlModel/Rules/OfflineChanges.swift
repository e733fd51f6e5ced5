extension OverlayModel {
    /// The real lower object at `path` of layer `k` as it is now: remade offline or as built.
    func lowerRef(_ k: Int, _ path: RelPath) -> InodeRef {
        lowerVersions[.lower(layer: k, path: path)].map { .replacedLower(layer: k, path: path, version: $0) }
            ?? .lower(layer: k, path: path)
    }

    /// True when `origin` no longer names the lower object at its path (it was removed or remade
    /// offline): decoding its file handle fails with ESTALE.
    func isStale(_ origin: InodeRef) -> Bool {
        switch origin {
        case .lower(let k, let p), .replacedLower(let k, let p, _): lowers[k][p] == nil || origin != lowerRef(k, p)
        case .upper: false
        }
    }

    /// An offline change of a lower layer between two mounts.
    ///
    /// - Rule: R71. A copied-up non-directory whose origin was remade offline is still found:
    ///   `namei.c:ovl_check_origin` ignores an origin handle that no longer decodes ("if (err ==
    ///   -ESTALE) return 0"), so st_ino falls back to the upper inode (R57) — no lookup error for
    ///   a regular file (only a metacopy upper verifies, `ovl_verify_origin`; settled on 6.12).
    ///   R70: with nfs_export a merged directory whose origin was remade is no longer merged.
    ///   At mount `readdir.c:ovl_indexdir_cleanup` → `namei.c:ovl_verify_index` checks only that
    ///   the upper's origin matches the entry's name, so a directory entry stays (seen on 6.12);
    ///   a non-directory entry is decoded only when the index is its last link (nlink 1), and
    ///   then a stale origin gets it removed.
    mutating func offlineLower(layer k: Int, path: RelPath, node: Node) -> Outcome {
        offlineChanges += 1
        for key in lowers[k].entries.keys where key.hasPrefix(path) {
            lowerVersions[.lower(layer: k, path: key)] = offlineChanges
        }
        lowerVersions[.lower(layer: k, path: path)] = offlineChanges
        lowers[k].removeTree(path)
        if path.isRoot { lowers[k].entries = [:] }
        lowers[k][path] = node
        if let parent = path.parent { lowers[k][parent]?.mtime = nil }
        for (key, entry) in index where !entry.kind.isDir && entry.kind != .whiteout {
            guard let serial = entry.inode, upperLinkCount(serial) == 1, isStale(key) else { continue }
            index[key] = nil
        }
        mountGeneration += 1
        // R13: with index=on the mount checks that the first lower root is the upper root's
        // origin (`super.c:ovl_get_indexdir`, "failed to verify upper root origin") and fails
        // with ESTALE once that root was remade.
        if options.index, k == 0, path.isRoot, upper?[.root]?.xattrs[prefix[.origin]] != nil {
            mounted = false
            return .failed(.ESTALE)
        }
        return .ok(.names(establishMount()))
    }

    /// R70: with nfs_export (`verify_lower`) an upper directory merges a lower one found by name
    /// only if it is the directory its origin names (`namei.c:ovl_lookup` → `ovl_verify_origin`,
    /// "do not merge with a lower dir that does not match a stored origin xattr").
    func originRefusesMerge(_ upperDir: Node, _ k: Int, _ lowerPath: RelPath) -> Bool {
        guard options.nfsExport, let origin = upperDir.origin else { return false }
        return origin != lowerRef(k, lowerPath)
    }
}
