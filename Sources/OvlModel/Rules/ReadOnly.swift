extension OverlayModel {
    /// A modifying step on an overlay without an upper layer (read-only superblock).
    ///
    /// - Rule: R5/R84: every modifying step fails with EROFS — once the VFS got that far. The VFS
    ///   resolves the path before it asks for write access, so a missing name or parent still
    ///   gives ENOENT; and `namei.c:filename_create` (mkdir, mknod, symlink) and `lookup_open`
    ///   (`O_CREAT|O_EXCL`) report EEXIST for an existing name before the EROFS of
    ///   `mnt_want_write`. unlink, rmdir and rename take write access right after resolving the
    ///   parent (`do_unlinkat`, `do_rmdir`, `do_renameat2`), so their last component is never looked at.
    mutating func readOnly(_ op: Operation) -> Outcome {
        switch op {
        case .mkdir(let p, _), .create(let p, _), .mknod(let p, _), .symlink(_, let p):
            if let e = parentError(p) ?? nameTaken(p) { return .failed(e) }
        case .write(let p, _), .append(let p, _), .openRW(let p), .truncate(let p, _), .fd(.open(let p, _, _)):
            // open and truncate follow a final symlink and look at what they found first.
            if let e = parentError(p) { return .failed(e) }
            switch followFinal(p) {
            case .failure(let e): return .failed(e)
            case .success((_, nil)):
                // O_CREAT of a missing name is EROFS (`open_last_lookups`); without it, ENOENT.
                if case .write = op { break }
                if case .fd(.open(_, let flags, _)) = op, flags.contains(.creat) { break }
                return .failed(.ENOENT)
            case .success((let target, let r?)):
                switch (r.node.kind, op) {
                case (.dir, _): return .failed(.EISDIR)
                case (.file, _): break
                // vfs_truncate refuses anything but a regular file before write access.
                case (_, .truncate): return .failed(.EINVAL)
                // may_open treats only regular files, dirs and symlinks as read-only: a fifo
                // opens (O_RDWR), or refuses an O_NONBLOCK write-only open without readers.
                case (.fifo, _):
                    // may_open asks `inode_permission` for the caller's access first (R90).
                    if let e = callerRefusal(op) { return .failed(e) }
                    if case .openRW = op { return .ok(.none) }
                    // A named fd opens as on a writable overlay (``openFd(_:flags:fd:)``).
                    if case .fd(let open) = op { return applyFd(open) }
                    return writeOnlyFifoOpen(target)
                default: break
                }
            }
        case .chmod(let p, _):
            if case .failure(let e) = follow(p) { return .failed(e) }
        case .chown(let p, _, _), .utimes(let p, _), .setxattr(let p, _, _), .removexattr(let p, _),
             .openTmpfile(let p), .chattr(let p, _, _):
            if case .failure(let e) = lookup(p) { return .failed(e) }
        case .link(let old, let new):
            // do_linkat: the old name, then filename_create's EEXIST, before write access.
            if case .failure(let e) = lookup(old) { return .failed(e) }
            if let e = parentError(new) { return .failed(e) }
            if let e = nameTaken(new) { return .failed(e) }
        case .unlink(let p), .rmdir(let p):
            if let e = parentError(p) { return .failed(e) }
        case .rename(let a, let b, _):
            if let e = parentError(a) ?? parentError(b) { return .failed(e) }
        default: break
        }
        return .failed(.EROFS)
    }

    /// The errno resolving the parent of `path` gives (ENOTDIR when it is not a directory), or nil.
    mutating func parentError(_ path: RelPath) -> ModelErrno? {
        switch lookup(path.parent ?? .root) {
        case .failure(let e): return e
        case .success(let r): return r.node.kind.isDir ? nil : .ENOTDIR
        }
    }
}

