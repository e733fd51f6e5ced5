extension OverlayModel {
    /// `open(dir, O_TMPFILE|O_RDWR)` + close.
    ///
    /// - Rule: R87: `dir.c:ovl_tmpfile` copies the directory up (`ovl_copy_up(dentry->d_parent)`)
    ///   and makes the unnamed file in its upper directory (`ovl_create_tmpfile`); once closed
    ///   nothing of it is left. A non-directory gives ENOTDIR (`path_openat` with O_DIRECTORY).
    ///   Before 6.10 overlay had no `tmpfile` inode operation: `namei.c:vfs_tmpfile` gives
    ///   EOPNOTSUPP and nothing is copied up (``KernelChanges/tmpfile``). The semantics doc's §13
    ///   puts O_TMPFILE at "6.6/6.7 (approx.)"; the model follows 6.10.
    mutating func openTmpfile(_ path: RelPath) -> Outcome {
        switch follow(path) {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            guard r.node.kind.isDir else { return .failed(.ENOTDIR) }
            guard environment.has(KernelChanges.tmpfile) else { return .failed(.EOPNOTSUPP) }
            copyUp(p)
            return .ok(.none)
        }
    }
}
