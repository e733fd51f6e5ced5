extension OverlayModel {
    /// `renameat2(2)` on the merged view: the VFS checks of `fs/namei.c:do_renameat2` and
    /// `vfs_rename`, then `dir.c:ovl_rename`.
    ///
    /// - Rule: R86 (flags: RENAME_WHITEOUT → EINVAL from `ovl_rename`; RENAME_NOREPLACE → EEXIST and
    ///   RENAME_EXCHANGE → ENOENT from the VFS; RENAME_EXCHANGE works, both sides copied up),
    ///   R47 (a merged or lower directory on either side gives EXDEV unless redirect_dir=on, before
    ///   anything is copied up), R34 (a non-empty merged target gives ENOTEMPTY, lower entries
    ///   counted), R48/R49 (with redirect_dir=on a directory is copied up without its contents and
    ///   gets a relative or absolute `X.redirect`), R52 (a pure-upper directory moved into a merged
    ///   parent becomes opaque), R53 (a non-directory is copied up and renamed, no redirect; a
    ///   whiteout stays at the old name when a lower still has it), R46 (a cross-directory move of
    ///   an object with an origin marks the new parent impure).
    ///   A terminal `/` on either name (R84) gives ENOTDIR unless that name is a directory.
    mutating func rename(_ named: RelPath, _ namedTo: RelPath, flags: [RenameFlag]) -> Outcome {
        let from = named.withoutTrailingSlash, to = namedTo.withoutTrailingSlash
        let exchange = flags.contains(.exchange)
        // do_renameat2: EXCHANGE excludes the other two flags.
        if exchange, flags.contains(.noreplace) || flags.contains(.whiteout) { return .failed(.EINVAL) }
        guard let fromParent = from.parent, let toParent = to.parent else { return .failed(.EBUSY) }
        let src: Resolution
        switch lookup(from) {
        case .failure(let e): return .failed(e)
        case .success(let r): src = r
        }
        switch lookup(toParent) {
        case .failure(let e): return .failed(e)
        case .success(let p) where !p.node.kind.isDir: return .failed(.ENOTDIR)
        case .success: break
        }
        var target: Resolution?
        switch lookup(to) {
        case .success(let t): target = t
        case .failure(.ENOENT): break
        case .failure(let e): return .failed(e)
        }
        if flags.contains(.noreplace), target != nil { return .failed(.EEXIST) }
        if exchange {
            guard let t = target else { return .failed(.ENOENT) }
            if !t.node.kind.isDir && namedTo.trailingSlash { return .failed(.ENOTDIR) }
        }
        // do_renameat2: "unless the source is a directory trailing slashes give -ENOTDIR".
        if !src.node.kind.isDir && (named.trailingSlash || (!exchange && namedTo.trailingSlash)) {
            return .failed(.ENOTDIR)
        }
        // lock_rename's trap: the source may not be an ancestor of the target, nor the reverse.
        if to.hasPrefix(from), to != from { return .failed(.EINVAL) }
        if from.hasPrefix(to), to != from { return .failed(exchange ? .EINVAL : .ENOTEMPTY) }
        if from == to { return .ok(.none) }
        // vfs_rename: "if (source == target) return 0" — two names of one overlay inode.
        if let t = target, !exchange, sameOverlayInode(src, t) { return .ok(.none) }
        if let e = renameRefusal(from, to, exchange: exchange) { return .failed(e) }
        let srcIsDir = src.node.kind.isDir
        if let t = target, !exchange {
            if srcIsDir && !t.node.kind.isDir { return .failed(.ENOTDIR) }
            if !srcIsDir && t.node.kind.isDir { return .failed(.EISDIR) }
        }

        // dir.c:ovl_rename from here on.
        if flags.contains(.whiteout) { return .failed(.EINVAL) }
        // ovl_can_move: a merged or lower directory needs redirect_dir=on (R47).
        let srcMovesLower = srcIsDir && !src.lowers.isEmpty
        let dstMovesLower = exchange && target.map { $0.node.kind.isDir && !$0.lowers.isEmpty } ?? false
        if (srcMovesLower || dstMovesLower) && options.redirect != .on { return .failed(.EXDEV) }
        // dir.c:ovl_rename checks a directory target that is not ovl_pure_upper itself
        // (ovl_check_empty_dir): merged, or upper only with an origin (OVL_WHITEOUTS) — lower
        // entries count, upper whiteouts do not (R34, ``emptyDirCheckFails(_:of:)``).
        if !exchange, let t = target, t.node.kind.isDir, !isPureUpperDir(to, t), emptyDirCheckFails(to, of: t) {
            return .failed(.ENOTEMPTY)
        }
        let leaveWhiteout = !exchange && lowerPositive(from)

        // R53, R80: a non-directory gets a metadata-only copy-up; a metacopy file then needs a redirect.
        // With RENAME_EXCHANGE the target is copied up the same way (`dir.c:ovl_rename` calls
        // `ovl_copy_up(new)`, flags 0, so `copy_up.c:ovl_need_meta_copy_up` allows metacopy).
        let dstIsFile = exchange && target.map { !$0.node.kind.isDir } == true
        // Every `ovl_copy_up` verifies the data first, an upper metacopy file's too (R83).
        if let e = dataRefusal(src) { return .failed(e) }
        copyUp(from, metadataOnly: !srcIsDir)
        copyUp(toParent)
        if exchange, let t = target, let e = dataRefusal(t) { return .failed(e) }
        if exchange { copyUp(to, metadataOnly: dstIsFile) }
        if fromParent != toParent {
            // ovl_type_origin, evaluated after the copy-up: a lower file that was just copied up
            // has its origin now, so its new parent is marked impure too.
            if hasOrigin(from) { markImpure(toParent) }
            if exchange, hasOrigin(to) { markImpure(fromParent) }
        }
        let samedir = fromParent == toParent
        let srcRedirect = srcMovesLower ? redirectValue(from, samedir: samedir)
            : srcIsDir ? nil : metacopyRedirect(from, samedir: samedir)
        // `!overwrite && ovl_type_merge_or_lower(new)`: an exchanged metacopy file gets one too.
        let dstRedirect = dstMovesLower ? redirectValue(to, samedir: samedir)
            : dstIsFile ? metacopyRedirect(to, samedir: samedir) : nil
        // ovl_get_redirect: an absolute redirect longer than redirect_max "falls back to
        // userspace move" (R49, R85b), after the copy-ups above.
        for r in [srcRedirect, dstRedirect] {
            if let r, r.utf8.count > environment.defaults.redirectMax { return .failed(.EXDEV) }
        }
        // ovl_type_merge of the other side's parent, after its copy-up (R52).
        let srcOpaque = srcIsDir && !srcMovesLower && !isOpaque(from) && isMerge(toParent)
        let dstOpaque = exchange && target?.node.kind.isDir == true && !dstMovesLower && !isOpaque(to) && isMerge(fromParent)
        // The xattrs go on the upper objects before the real rename, so they stay even when the
        // upper fs then refuses it.
        if let srcRedirect { setPrivateXattr(from, .redirect, srcRedirect) }
        if srcOpaque { setPrivateXattr(from, .opaque, "y") }
        if let dstRedirect { setPrivateXattr(to, .redirect, dstRedirect) }
        if dstOpaque { setPrivateXattr(to, .opaque, "y") }
        if !exchange, let t = target, t.node.kind.isDir, isPureUpperDir(to, t), !(upper?.children(of: to).isEmpty ?? true) {
            // A non-empty pure-upper target (`ovl_pure_upper`: no lower, no origin, so whiteouts
            // count too): the upper fs refuses the rename itself — xfs with
            // EEXIST (xfs_rename), ext4 with ENOTEMPTY; ext4 has then already put the whiteout in
            // and resets the old entry (ext4_resetent), which sets the old parent's mtime.
            if leaveWhiteout && environment.upperLayerFS.resetsEntryOnRefusedRename { touchDir(fromParent) }
            return .failed(environment.upperLayerFS.renameOntoNonEmptyDir)
        }
        // `dir.c:ovl_rename` whites the source out with RENAME_WHITEOUT whatever the mount found
        // (`super.c:ovl_check_rename_whiteout` only warns): an upper fs without it (ramfs,
        // `libfs.c:simple_rename`) refuses the rename with EINVAL, after the copy-ups (R10).
        if leaveWhiteout && upper?[to]?.kind != .whiteout && !upperFilesystem.renameWhiteout { return .failed(.EINVAL) }

        if exchange {
            upper?.swapTrees(from, to)
            if !samedir, environment.upperLayerFS.stampsExchangedDir {
                // The upper fs rewrites '..' of an exchanged directory; xfs (xfs_cross_rename) then
                // also sets that directory's mtime, ext4 does not (seen on 6.12).
                for p in [from, to] where upper?[p]?.kind.isDir == true { upper?[p]?.mtime = nil }
            }
        } else {
            // A directory renamed onto a whiteout is swapped in with RENAME_EXCHANGE
            // (dir.c:ovl_rename, cleanup_whiteout), so xfs stamps it as above when it changes parent.
            let exchangedDir = srcIsDir && upper?[to]?.kind == .whiteout && !samedir && environment.upperLayerFS.stampsExchangedDir
            upper?.removeTree(to)
            upper?.moveTree(from, to: to)
            if exchangedDir { upper?[to]?.mtime = nil }
            // An xattr of a hardlinked inode shows under all its names (R80 on a metacopy file).
            if srcRedirect != nil, !srcIsDir { syncInode(from: to) }
            if leaveWhiteout { upper?[from] = Node(kind: .whiteout, perm: 0, mtime: nil) }
        }
        touchDir(fromParent)
        touchDir(toParent)
        return .ok(.none)
    }

    /// The redirect a directory gets when it moves (`dir.c:ovl_set_redirect`, R49): an existing one
    /// is kept unless the move crosses parents and it is relative; a same-parent move stores the
    /// old name; a cross-parent move stores `/` + the old path, built by `ovl_get_redirect` from
    /// the leaf up, each ancestor contributing its own redirect and an absolute one ending the walk.
    mutating func redirectValue(_ path: RelPath, samedir: Bool) -> String {
        if let existing = upper?[path]?.xattrs[prefix[.redirect]], samedir || existing.hasPrefix("/") {
            return existing
        }
        if samedir { return path.name }
        var parts: [String] = []
        var node: RelPath? = path
        while let p = node, !p.isRoot {
            let part = upper?[p]?.xattrs[prefix[.redirect]] ?? p.name
            if part.hasPrefix("/") { return part + "/" + parts.reversed().joined(separator: "/") }
            parts.append(part)
            node = p.parent
        }
        return "/" + parts.reversed().joined(separator: "/")
    }

    /// `ovl_type_origin` (`util.c:ovl_path_type`, `OVL_CONST_INO`): the object is in the upper layer and was
    /// copied up from (or merges) a lower, or is a metacopy file that found its data file by name (``dataLowerByName(_:_:)``).
    /// A non-dir whose `X.origin` is the null fh has a lower only until its inode is evicted
    /// (``dropUnbackedOrigins()``; `namei.c:ovl_check_origin_fh` finds none for it).
    func hasOrigin(_ path: RelPath) -> Bool {
        guard let u = upper?[path] else { return false }
        // A copy-up's inode keeps its lower while it lives, X.origin or not (R10, R57).
        if !u.kind.isDir, u.origin != nil { return true }
        if let fh = u.xattrs[prefix[.origin]] { return u.kind.isDir || !fh.isEmpty }
        guard isMetacopy(u) else { return false }
        var probe = self
        guard case .success(let r) = probe.lookup(path) else { return false }
        return dataLowerByName(path, r) != nil
    }

    /// `ovl_dentry_is_opaque` of an upper directory.
    func isOpaque(_ path: RelPath) -> Bool {
        upper?[path]?.xattrs[prefix[.opaque]] == "y"
    }

    /// `ovl_type_merge`: a directory with an upper and a lower, or two lowers.
    mutating func isMerge(_ dir: RelPath) -> Bool {
        (try? lookup(dir).get())?.isMergedDir ?? false
    }
}

extension Layer {
    /// Swaps the subtrees at `a` and `b` (RENAME_EXCHANGE in the upper layer).
    mutating func swapTrees(_ a: RelPath, _ b: RelPath) {
        let underA = entries.filter { $0.key.hasPrefix(a) }
        let underB = entries.filter { $0.key.hasPrefix(b) }
        for key in underA.keys { entries[key] = nil }
        for key in underB.keys { entries[key] = nil }
        for (key, node) in underA { entries[key.replacingPrefix(a, with: b)] = node }
        for (key, node) in underB { entries[key.replacingPrefix(b, with: a)] = node }
    }
}

extension OverlayModel {
    /// True when two resolved non-directories are one overlay inode: names of one upper inode, or,
    /// with index=on or without an upper ("won't be copied up"), not yet copied-up names of one
    /// lower hardlinked inode, which overlayfs hashes by the lower inode (`inode.c:ovl_hash_bylower`, R61);
    /// a name not yet copied up of an indexed lower inode is the index's upper inode
    /// (`namei.c:ovl_lookup` takes the index as its upper), the same as its copied-up names.
    func sameOverlayInode(_ a: Resolution, _ b: Resolution) -> Bool {
        guard !a.node.kind.isDir, !b.node.kind.isDir else { return false }
        func upperInode(_ r: Resolution) -> Node? { r.inUpper ? r.node : indexKey(ofAlias: r).flatMap { index[$0] } }
        if let ua = upperInode(a), let ub = upperInode(b) { return ua.inode != nil && ua.inode == ub.inode }
        guard options.index || upper == nil, !a.inUpper, !b.inUpper, let la = a.lowers.first, let lb = b.lowers.first,
              la.layer == lb.layer, let group = lowers[la.layer][la.path]?.inode else { return false }
        return lowers[lb.layer][lb.path]?.inode == group
    }
}
