extension OverlayModel {
    /// `unlink(2)` on the merged view.
    ///
    /// - Rule: R33: the parent is copied up; a name a lower layer still has is replaced by a 0:0
    ///   character device (`dir.c:ovl_remove_and_whiteout`), an upper-only name is simply removed
    ///   (`dir.c:ovl_remove_upper`).
    mutating func unlink(_ path: RelPath) -> Outcome {
        switch lookup(path) {
        case .failure(let e): return .failed(e)
        case .success(let r) where r.node.kind.isDir: return .failed(.EISDIR)
        case .success: return remove(path)
        }
    }

    /// `rmdir(2)` on the merged view.
    ///
    /// - Rule: R34: ENOTEMPTY while the merged view lists anything (whiteouts do not count);
    ///   otherwise removed like R33 — a whiteout where a lower directory stays behind.
    ///   Kernel: `readdir.c:ovl_check_empty_dir`, `dir.c:ovl_do_remove`.
    mutating func rmdir(_ path: RelPath) -> Outcome {
        if path.isRoot { return .failed(.EBUSY) }
        switch lookup(path) {
        case .failure(let e): return .failed(e)
        case .success(let r) where !r.node.kind.isDir: return .failed(.ENOTDIR)
        case .success(let r):
            // dir.c:ovl_do_remove leaves a pure upper directory no lower has to the upper fs's
            // rmdir, which also counts whiteouts a case left inside it.
            if isPureUpperDir(path, r), !lowerPositive(path) {
                if !(upper?.children(of: path).isEmpty ?? true) { return .failed(.ENOTEMPTY) }
            } else if emptyDirCheckFails(path, of: r) {
                return .failed(.ENOTEMPTY)
            }
            return remove(path)
        }
    }

    /// Removes a name whose lookup succeeded: whiteout or plain removal (R33, R34).
    mutating func remove(_ path: RelPath) -> Outcome {
        let parent = path.parent ?? .root
        copyUp(parent)
        let leaveWhiteout = lowerPositive(path)
        upper?.removeTree(path)
        if leaveWhiteout {
            upper?[path] = Node(kind: .whiteout, perm: 0, mtime: nil)
            spareWhiteoutInWork = true
        }
        touchDir(parent)
        return .ok(.none)
    }

    /// Creates a new object at `path` in the upper layer (mkdir, create, mknod, symlink).
    ///
    /// - Rule: R35: a name that is whited out in the upper is replaced atomically, and a directory
    ///   made there is opaque (`dir.c:ovl_create_over_whiteout`). R36: a new directory in a merged
    ///   parent is opaque only when index, metacopy, redirect_dir=on or xino=on is in force
    ///   (`dir.c:ovl_create_upper`, `ovl_allow_offline_changes`).
    mutating func create(_ path: RelPath, node: Node) -> Outcome {
        guard let parentPath = path.parent else { return .failed(.EEXIST) }
        switch lookup(parentPath) {
        case .failure(let e): return .failed(e)
        case .success(let p) where !p.node.kind.isDir: return .failed(.ENOTDIR)
        case .success:
            if let e = nameTaken(path) { return .failed(e) }
            copyUp(parentPath)
            // dir.c:ovl_create_upper tests ovl_type_merge(parent) after the parent's copy-up, so
            // a lower-only parent that was just copied up counts as merged.
            guard case .success(let parent) = lookup(parentPath) else { return .failed(.ENOENT) }
            var new = ownedByCaller(node)
            let overWhiteout = upper?[path]?.kind == .whiteout
            if new.kind.isDir && !upperLacksXattrs && (overWhiteout || (parent.isMergedDir && options.forbidsOfflineChanges)) {
                new.xattrs[prefix[.opaque]] = "y"
            }
            upper?[path] = new
            touchDir(parentPath)
            return .ok(.none)
        }
    }
}

extension OverlayModel {
    /// Why a new name at `path` cannot be made: EEXIST when the lookup finds an object, the
    /// lookup's own error when it fails otherwise than ENOENT (e.g. R81's EPERM for a metacopy
    /// file on a metacopy=off mount), nil for a free name. `fs/namei.c:filename_create` and
    /// `lookup_open` look the name up before anything else, and their write-access error (EROFS)
    /// comes only after both.
    mutating func nameTaken(_ path: RelPath) -> ModelErrno? {
        switch lookup(path) {
        case .success: .EEXIST
        case .failure(let e) where e != .ENOENT: e
        case .failure: nil
        }
    }
}
