extension OverlayModel {
    /// The open files on the name `op` removes (unlink, rmdir, the victim of a rename), with what
    /// they are open on and its `fstat`; taken before the step. A rename between two names of one
    /// inode removes nothing.
    mutating func filesOpen(onNameRemovedBy op: Operation) -> [(fd: String, object: Resolution, stat: StatView?)] {
        guard let gone = op.removedName?.withoutTrailingSlash,
              openFiles.values.contains(where: { $0.path == gone && $0.removed == nil }), !renamesOntoItself(op) else { return [] }
        var probe = self
        guard case .success(let r) = probe.lookup(gone) else { return [] }
        var view: StatView?
        if case .ok(.stat(let v)) = probe.statPath(gone, follow: false) { view = v }
        return openFiles.filter { $0.value.path == gone && $0.value.removed == nil }.map { ($0.key, r, view) }
    }

    /// After a rename, the fds open on the moved object (or below a moved directory) follow it to
    /// its new name: an fd holds the overlay dentry, which `d_move` renames (R72–R75 keep
    /// holding: copy-up by the rename attaches the upper to the same overlay inode). With
    /// RENAME_EXCHANGE the fds on both names swap.
    mutating func followRename(_ op: Operation) {
        guard case .rename(let from, let to, let flags) = op else { return }
        let (a, b) = (from.withoutTrailingSlash, to.withoutTrailingSlash)
        guard a != b else { return }
        for (fd, file) in openFiles where file.removed == nil {
            if file.path.hasPrefix(a) {
                openFiles[fd]?.path = file.path.replacingPrefix(a, with: b)
            } else if flags.contains(.exchange), file.path.hasPrefix(b) {
                openFiles[fd]?.path = file.path.replacingPrefix(b, with: a)
            }
        }
    }

    /// `fchmod(2)` on a named fd: a setattr of the overlay inode the fd is open on (R38 copies it
    /// up), also after its name was removed.
    ///
    /// - Rule: R38, R43. The object of a removed name keeps its dentry, unhashed, under the old
    ///   parent: a lower one is copied up to that name (`copy_up.c:ovl_copy_up_one`), after
    ///   `ovl_do_copy_up` marked the parent impure. A regular file is made as a tmpfile and linked
    ///   to the name, which the whiteout holds: `vfs_link` gives EEXIST. Anything else is made in
    ///   `work/` and renamed onto the name (`ovl_copy_up_workdir`): from 6.12.117 EEXIST when the
    ///   name is taken (``KernelChanges/removedCopyUp``); before, `ovl_do_rename(…, 0)` replaced
    ///   the whiteout, so the removed fifo or device is back in the merged view with the new
    ///   mode, and a directory gets ENOTDIR (`vfs_rename` of a directory onto a non-directory).
    mutating func fchmodFd(_ file: OpenFile, mode: UInt32) -> Outcome {
        guard let gone = file.removed else {
            let f = protection(file.path)
            if f.immutable || f.append { return .failed(.EPERM) }
            let outcome = setattr(file.path, follow: false) { $0.perm = Self.chmodBits(mode, of: $0, by: nil) }
            syncInode(from: file.path)
            return outcome
        }
        // The unlinked upper inode changes; nothing of it is visible.
        if gone.inUpper { return .ok(.none) }
        guard let l = gone.lowers.first, !options.index, lowerLinkCount(l.layer, l.path) == 1 else {
            unpredicted = "fd_fchmod copies up a removed lower hardlink or with index=on"
            return .failed(.EEXIST)
        }
        markImpure(file.path.parent ?? .root)
        if case .file = gone.node.kind { return .failed(.EEXIST) }
        if environment.has(KernelChanges.removedCopyUp) { return .failed(.EEXIST) }
        guard upper?[file.path]?.kind == .whiteout else {
            unpredicted = "fd_fchmod before 6.12.117 renames a removed object onto a name that is no whiteout"
            return .failed(.EEXIST)
        }
        if gone.node.kind.isDir { return .failed(.ENOTDIR) }
        var node = gone.node
        node.inode = nil
        node.xattrs = upperLacksXattrs ? [:] : copiedXattrs(node.xattrs)
        if !upperLacksXattrs { node.xattrs[prefix[.origin]] = originValue(layer: l.layer) }
        node.origin = lowerRef(l.layer, l.path)
        node.perm = Self.chmodBits(mode, of: node, by: nil)
        upper?[file.path] = node
        return .ok(.none)
    }
}
