extension OverlayModel {
    /// `renameat2(2)` on the merged view.
    ///
    /// - Rule: R86 (RENAME_WHITEOUT → EINVAL; RENAME_NOREPLACE → EEXIST), R47 (a merged or lower
    ///   directory gives EXDEV unless redirect_dir=on), R48/R49 (with redirect_dir=on the directory
    ///   is copied up without contents and gets a relative or absolute `X.redirect`), R52 (a pure
    ///   upper directory moved into a merged parent becomes opaque), R53 (a non-directory is copied
    ///   up and renamed; a whiteout stays at the old name when a lower still has it).
    ///   Kernel: `dir.c:ovl_rename`, `ovl_can_move`, `ovl_set_redirect`.
    mutating func rename(_ from: RelPath, _ to: RelPath, flags: [RenameFlag]) -> Outcome {
        if flags.contains(.whiteout) || flags.contains(.exchange) { return .failed(.EINVAL) }
        guard let fromParent = from.parent, let toParent = to.parent else { return .failed(.EBUSY) }
        let src: Resolution
        switch lookup(from) {
        case .failure(let e): return .failed(e)
        case .success(let r): src = r
        }
        guard case .success(let dstParent) = lookup(toParent) else { return .failed(.ENOENT) }
        guard dstParent.node.kind.isDir else { return .failed(.ENOTDIR) }
        // The VFS order (fs/namei.c:do_renameat2, vfs_rename): NOREPLACE over an existing name,
        // source an ancestor of the target (EINVAL), target an ancestor of the source
        // (ENOTEMPTY), the same object (0), type mismatch (may_delete); then overlayfs
        // (dir.c:ovl_rename): EXDEV for a dir it cannot move before ENOTEMPTY for a non-empty target.
        var target: Resolution?
        if case .success(let t) = lookup(to) {
            if flags.contains(.noreplace) { return .failed(.EEXIST) }
            target = t
        }
        if to.hasPrefix(from) && to != from { return .failed(.EINVAL) }
        if from.hasPrefix(to) && to != from { return .failed(.ENOTEMPTY) }
        if from == to { return .ok(.none) }
        if let t = target {
            if src.node.kind.isDir && !t.node.kind.isDir { return .failed(.ENOTDIR) }
            if !src.node.kind.isDir && t.node.kind.isDir { return .failed(.EISDIR) }
        }
        let srcIsMovableDir = src.node.kind.isDir && !src.lowers.isEmpty
        if srcIsMovableDir && options.redirect != .on { return .failed(.EXDEV) }
        // Only an exchanged target must be movable (`!overwrite && !ovl_can_move(new)`); a
        // replaced lower directory is checked for emptiness and covered instead.
        if flags.contains(.exchange), let t = target, t.node.kind.isDir, !t.lowers.isEmpty, options.redirect != .on {
            return .failed(.EXDEV)
        }
        // dir.c:ovl_rename checks a non-empty target itself unless it is pure upper
        // (ovl_pure_upper); then only the upper fs refuses, after the copy-ups and the source's
        // redirect or opaque xattr were written: xfs_rename gives EEXIST, ext4 ENOTEMPTY.
        var upperFSRefusal: ModelErrno?
        if let t = target, t.node.kind.isDir, !mergedChildren(to, of: t).isEmpty {
            guard isPureUpperDir(to, t) else { return .failed(.ENOTEMPTY) }
            upperFSRefusal = environment.upperFS == "xfs" ? .EEXIST : .ENOTEMPTY
        }

        copyUp(fromParent)
        copyUp(toParent)
        // dir.c:ovl_rename checks ovl_type_merge(new->d_parent) after copying the parents up.
        let dstParentNowMerged = (try? lookup(toParent).get())?.isMergedDir ?? dstParent.isMergedDir
        var redirect: String?
        if srcIsMovableDir {
            // R49: relative within one parent, absolute (the old merged path) across parents.
            let existing = upper?[from]?.xattrs[prefix + "redirect"]
            if fromParent == toParent {
                redirect = existing ?? from.name
            } else {
                redirect = existing.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/" + absoluteLowerPath(from)
            }
            copyUp(from)
        } else if !src.node.kind.isDir {
            // R53, R80: a metadata-only copy-up; a metacopy file then needs a redirect.
            copyUp(from, metadataOnly: true)
            redirect = metacopyRedirect(from, samedir: fromParent == toParent)
        }
        let becomesOpaque = src.node.kind.isDir && !srcIsMovableDir && dstParentNowMerged
            && upper?[from]?.xattrs[prefix + "opaque"] == nil
        let leaveWhiteout = lowerPositive(from)
        if let refusal = upperFSRefusal {
            // In code order: the impure marker on the new parent, then the source's xattrs.
            if fromParent != toParent, upper?[from]?.xattrs[prefix + "origin"] != nil || srcIsMovableDir {
                markImpure(toParent)
            }
            if let redirect { setPrivateXattr(from, "redirect", redirect) }
            if becomesOpaque { setPrivateXattr(from, "opaque", "y") }
            // ext4_rename with RENAME_WHITEOUT puts the old entry back on failure
            // (ext4_resetent → ext4_setent), which stamps the old parent's mtime.
            if leaveWhiteout, environment.upperFS == "ext4" { touchDir(fromParent) }
            return .failed(refusal)
        }
        // Onto a whiteout a directory (or a source a lower still has) is swapped in with
        // RENAME_EXCHANGE (dir.c:ovl_rename). xfs_cross_rename stamps a directory whose ".."
        // changes with a new mtime; ext4 and plain renames keep it.
        let exchangedDirMoves = src.node.kind.isDir && fromParent != toParent && upper?[to]?.kind == .whiteout
            && environment.upperFS == "xfs"
        let targetLowerPositive = target != nil && lowerPositive(to)
        upper?.removeTree(to)
        upper?.moveTree(from, to: to)
        if exchangedDirMoves { upper?[to]?.mtime = nil }
        if let redirect {
            setPrivateXattr(to, "redirect", redirect)
            // An xattr of a hardlinked inode shows under all its names (R80 on a metacopy file).
            if !src.node.kind.isDir { syncInode(from: to) }
        }
        if becomesOpaque { setPrivateXattr(to, "opaque", "y") }
        if targetLowerPositive, src.node.kind.isDir, !srcIsMovableDir {
            setPrivateXattr(to, "opaque", "y")
        }
        if leaveWhiteout { upper?[from] = Node(kind: .whiteout, perm: 0, mtime: nil) }
        // dir.c:ovl_rename marks the new parent impure when the moved object has an origin —
        // read after its copy-up, which gives a lower-only object one (R45, R46).
        if fromParent != toParent, upper?[to]?.xattrs[prefix + "origin"] != nil || srcIsMovableDir {
            markImpure(toParent)
        }
        touchDir(fromParent)
        touchDir(toParent)
        return .ok(.none)
    }

    /// The path a merged directory's lowers are found under, for an absolute redirect (R49):
    /// each ancestor contributes its own redirect if it has one.
    mutating func absoluteLowerPath(_ path: RelPath) -> String {
        guard case .success(let r) = lookup(path), let first = r.lowers.first else { return path.description }
        return first.path.description
    }
}
