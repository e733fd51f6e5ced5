/// What a step asks of an inode: `MAY_READ`, `MAY_WRITE`, `MAY_EXEC` (include/linux/fs.h).
struct Access: OptionSet {
    let rawValue: UInt32
    static let read = Access(rawValue: 4)
    static let write = Access(rawValue: 2)
    static let exec = Access(rawValue: 1)
}

extension OverlayModel {
    /// `fs/namei.c:generic_permission` on an overlay inode with the caller's credentials: the
    /// owner's bits for the owner, else the group's for a member of the file's group (the caller's
    /// one group), else the others' bits; an unprivileged caller has no capability to override them.
    ///
    /// - Rule: R90, `inode.c:ovl_permission`: check (a) is this one, on the overlay inode, whose
    ///   mode and owner are those of the real object it shows (upper, else the topmost lower);
    ///   check (b), on the real inode with the mounter's credentials, always passes here because
    ///   the mounter is root (for a lower file `MAY_WRITE` even becomes `MAY_READ`: copy-up
    ///   only needs to read it). Without a caller (the mounter itself) everything is allowed.
    func callerMay(_ node: Node, _ access: Access) -> Bool {
        guard let c = caller else { return true }
        let bits = c.uid == node.uid ? node.perm >> 6 : c.gid == node.gid ? node.perm >> 3 : node.perm
        return access.rawValue & ~bits & 7 == 0
    }

    /// `inode_owner_or_capable`: the caller owns the object (the mounter may do anything).
    func callerOwns(_ node: Node) -> Bool {
        caller.map { $0.uid == node.uid } ?? true
    }

    /// `fs/namei.c:check_sticky`: in a sticky directory only the owner of the victim or of the
    /// directory may remove or rename it (EPERM from `may_delete`).
    func stickyForbids(dir: Node, victim: Node) -> Bool {
        guard let c = caller, dir.perm & 0o1000 != 0 else { return false }
        return c.uid != victim.uid && c.uid != dir.uid
    }

    /// `fs/namei.c:may_delete` of `path` from its parent: write and search on the parent
    /// (EACCES), then the sticky bit (EPERM); nil when allowed or when `path` does not resolve.
    mutating func mayDelete(_ path: RelPath) -> ModelErrno? {
        guard let dir = probeNode(path.parent ?? .root), let victim = probeNode(path) else { return nil }
        if !callerMay(dir, [.write, .exec]) { return .EACCES }
        return stickyForbids(dir: dir, victim: victim) ? .EPERM : nil
    }

    /// `fs/namei.c:may_create` in directory `dir`: write and search on it (EACCES).
    mutating func mayCreate(in dir: RelPath) -> ModelErrno? {
        guard let d = probeNode(dir) else { return nil }
        return callerMay(d, [.write, .exec]) ? nil : .EACCES
    }

    /// The merged object at `path` (no symlink followed), or nil.
    mutating func probeNode(_ path: RelPath) -> Node? {
        var probe = self
        return (try? probe.lookup(path).get())?.node
    }

    /// The search permission the VFS path walk needs (`fs/namei.c:link_path_walk`, `may_lookup`):
    /// `MAY_EXEC` on the overlay root and on every directory above each path's last component,
    /// before the component below is looked up — so EACCES comes before ENOENT, EEXIST and the
    /// step's own checks. The walk stops (nil) where the model's own lookup gives the error. A
    /// symlink on the way (its target would be walked with its own checks) or an ACL is not
    /// followed: the step is marked ``unpredicted`` instead.
    ///
    /// - Rule: R90 (permission checks on overlay inodes with the caller's credentials).
    mutating func searchRefusal(_ op: Operation) -> ModelErrno? {
        guard caller != nil else { return nil }
        for (i, path) in op.paths.enumerated() {
            var dir = RelPath.root
            for name in path.components {
                guard let node = probeNode(dir) else { return nil }
                if node.xattrs["system.posix_acl_access"] != nil { unpredicted = "an ACL under a caller (as:)" }
                if case .symlink = node.kind { unpredicted = "a symlink on a caller's (as:) path"; return nil }
                guard node.kind.isDir else { return nil }
                if !callerMay(node, .exec) {
                    // The walk looked `dir` up before `may_lookup` refused to search it, so its
                    // `ovl_lookup` side effects (`namei.c:ovl_fix_origin`) happened.
                    _ = lookup(dir)
                    return .EACCES
                }
                dir = dir.appending(name)
            }
            // do_linkat resolves the old name completely before it walks to the new one.
            if case .link = op, i == 0, probeNode(path) == nil { return nil }
            if op.kind.followsFinalSymlink, case .symlink = probeNode(path)?.kind {
                unpredicted = "a final symlink followed under a caller (as:)"
            }
        }
        return nil
    }

    /// The permission checks of one step run by a caller, in the VFS's order relative to the
    /// errors the rest of the model predicts: each returns nil where an earlier error (ENOENT,
    /// EEXIST, EISDIR, ENOTDIR) is the kernel's answer, so the step then takes its usual course.
    /// A refused step copies nothing up: the checks run before overlayfs is called.
    ///
    /// - Rule: R90. `may_open` (read/write access on the file; a directory opened for writing is
    ///   EISDIR first), `may_o_create`/`may_create` (write and search on the parent, before
    ///   `CAP_MKNOD` for a device), `may_delete` (parent, then the sticky bit), `vfs_truncate`,
    ///   `setattr_prepare` via `inode.c:ovl_setattr` (chmod, utimes with a time and chown need the
    ///   owner; the owner may only give the file to its own group: EPERM), `fs/xattr.c:xattr_permission`
    ///   (`trusted.*` needs CAP_SYS_ADMIN: EPERM to write, ENODATA to read; `user.*` needs
    ///   write/read access, and the owner in a sticky directory), `do_linkat` (`may_linkat`'s
    ///   protected hardlinks: EPERM, then `vfs_link`'s `may_create`).
    mutating func callerRefusal(_ op: Operation) -> ModelErrno? {
        guard let c = caller else { return nil }
        // The VFS looks every name up before it checks the caller's permissions on it, so
        // `ovl_lookup`'s side effects (`namei.c:ovl_fix_origin`) happen even when the step is refused;
        // a name not found ends the step, so a later one is never looked up (`do_renameat2`:
        // "source must exist" before the new name's lookup; `do_linkat` resolves the old name first).
        for p in op.paths { if case .failure = lookup(p) { break } }
        switch op {
        case .read(let p), .append(let p, _), .openRW(let p), .truncate(let p, _), .readdir(let p):
            guard case .success(let (_, r)) = follow(p) else { return nil }
            let n = r.node
            switch op {
            case .read: return callerMay(n, .read) ? nil : .EACCES
            case .readdir: return !n.kind.isDir || callerMay(n, .read) ? nil : .EACCES
            case .truncate: guard case .file = n.kind else { return nil }
            default: if n.kind.isDir { return nil }
            }
            let access: Access = if case .openRW = op { [.read, .write] } else { .write }
            return callerMay(n, access) ? nil : .EACCES
        case .write(let p, _):
            switch followFinal(p) {
            case .failure: return nil
            case .success((let target, nil)): return mayCreate(in: target.parent ?? .root)
            case .success((_, let r?)): return r.node.kind.isDir || callerMay(r.node, .write) ? nil : .EACCES
            }
        case .mkdir(let p, _), .create(let p, _), .symlink(_, let p), .mknod(let p, _):
            // `filename_create` looks the name up before `may_create` checks the parent: a name
            // that exists or whose lookup fails is the step's own answer (``nameTaken(_:)``).
            if nameTaken(p) != nil { return nil }
            if let e = mayCreate(in: p.parent ?? .root) { return e }
            // vfs_mknod: a device other than the whiteout 0:0 needs CAP_MKNOD.
            if case .mknod(_, .chardev(let ma, let mi)) = op, ma != 0 || mi != 0 { return .EPERM }
            return nil
        case .unlink(let p), .rmdir(let p):
            return p.isRoot ? nil : mayDelete(p)
        case .chmod(let p, _):
            guard case .success(let (_, r)) = follow(p) else { return nil }
            return callerOwns(r.node) ? nil : .EPERM
        case .utimes(let p, _):
            guard let n = probeNode(p) else { return nil }
            return callerOwns(n) ? nil : .EPERM
        case .chown(let p, let uid, let gid):
            // fs/attr.c:chown_ok, chgrp_ok: the owner may keep the uid and pick a group it is in.
            guard let n = probeNode(p) else { return nil }
            return c.uid == n.uid && uid == n.uid && (gid == n.gid || gid == c.gid) ? nil : .EPERM
        case .setxattr(let p, let name, _), .removexattr(let p, let name):
            guard let n = probeNode(p) else { return nil }
            return xattrRefusal(n, name: name, write: true)
        case .getxattr(let p, let name):
            guard let n = probeNode(p) else { return nil }
            return xattrRefusal(n, name: name, write: false)
        case .openTmpfile(let p):
            // vfs_tmpfile: write and search on the directory, after path_openat's ENOTDIR.
            guard case .success(let (dir, r)) = follow(p), r.node.kind.isDir else { return nil }
            return mayCreate(in: dir)
        case .link(let old, let new):
            // do_linkat: filename_create looks the new name up first: EEXIST, or its lookup's own
            // error (an upper metacopy file without its lower data: EIO), comes before may_linkat.
            guard let source = probeNode(old), nameTaken(new) == nil, let dir = probeNode(new.parent ?? .root),
                  dir.kind.isDir else { return nil }
            if environment.sysctls.protectedHardlinks != 0, !callerOwns(source), !safeHardlinkSource(source) { return .EPERM }
            return mayCreate(in: new.parent ?? .root)
        default:
            return nil
        }
    }

    /// `fs/namei.c:safe_hardlink_source`: `may_linkat` lets a caller who does not own the source
    /// link it only when it is a regular file, not setuid, not setgid-executable, and the caller
    /// may read and write it — when `fs.protected_hardlinks` is not 0 (`sysctl_protected_hardlinks`,
    /// 1 on Debian). EPERM otherwise.
    func safeHardlinkSource(_ n: Node) -> Bool {
        guard case .file = n.kind, n.perm & 0o4000 == 0, n.perm & 0o2010 != 0o2010 else { return false }
        return callerMay(n, [.read, .write])
    }

    /// `fs/xattr.c:xattr_permission` for a caller, for the `trusted.` and `user.` namespaces
    /// (others are not modelled: ``unpredicted``).
    mutating func xattrRefusal(_ n: Node, name: String, write: Bool) -> ModelErrno? {
        if name.hasPrefix("trusted.") { return write ? .EPERM : .ENODATA }
        guard name.hasPrefix("user.") else {
            unpredicted = "xattr namespace of \(name) under a caller (as:)"
            return nil
        }
        // Anything but a regular file or a directory: userXattrRefused answers.
        guard n.kind == .dir || { if case .file = n.kind { true } else { false } }() else { return nil }
        if write, n.kind.isDir, n.perm & 0o1000 != 0, !callerOwns(n) { return .EPERM }
        return callerMay(n, write ? .write : .read) ? nil : .EACCES
    }

    /// `vfs_rename`'s permission checks, after `do_renameat2`'s own errors and before the type
    /// checks of `may_delete` (a directory onto a file: ENOTDIR) and before overlayfs: may_delete
    /// of the source, may_create or may_delete of the target, and write access to a directory
    /// that moves to another parent (its `..` changes) — and, with RENAME_EXCHANGE, to the target
    /// directory too.
    ///
    /// - Rule: R90.
    mutating func renameRefusal(_ from: RelPath, _ to: RelPath, exchange: Bool) -> ModelErrno? {
        guard caller != nil else { return nil }
        if let e = mayDelete(from) { return e }
        let target = probeNode(to)
        if let e = target == nil ? mayCreate(in: to.parent ?? .root) : mayDelete(to) { return e }
        guard from.parent != to.parent else { return nil }
        if let s = probeNode(from), s.kind.isDir, !callerMay(s, .write) { return .EACCES }
        if exchange, let t = target, t.kind.isDir, !callerMay(t, .write) { return .EACCES }
        return nil
    }

    /// The mode `chmod` gives: `fs/attr.c:setattr_prepare` (from `inode.c:ovl_setattr`) drops
    /// S_ISGID when the caller is not in the file's group (R90).
    static func chmodBits(_ mode: UInt32, of node: Node, by caller: Caller?) -> UInt32 {
        guard let c = caller, c.gid != node.gid else { return mode & 0o7777 }
        return mode & 0o5777
    }

    /// `fs/attr.c:setattr_should_drop_sgid`: S_ISGID goes when the file is group-executable, or
    /// when the caller (one without CAP_FSETID) is not in the file's group.
    static func dropsSetgid(_ node: Node, by caller: Caller?) -> Bool {
        guard node.perm & 0o2000 != 0 else { return false }
        return node.perm & 0o010 != 0 || caller.map { $0.gid != node.gid } ?? false
    }

    /// The set-id bits `chown` clears (`fs/open.c:chown_common`, then `notify_change`; passed on
    /// to the upper by `inode.c:ovl_setattr`): S_ISUID of a non-directory always — for the
    /// mounter too — and S_ISGID as ``dropsSetgid(_:by:)`` says.
    static func chownKills(_ node: Node, by caller: Caller?) -> UInt32 {
        guard !node.kind.isDir else { return 0 }
        return 0o4000 | (dropsSetgid(node, by: caller) ? 0o2000 : 0)
    }

    /// A caller's write or truncation of a regular file drops its set-id bits
    /// (`fs/backing-file.c:backing_file_write_iter` → `file_remove_privs` of the overlay file,
    /// with the caller's credentials; `do_truncate` for `O_TRUNC` and `truncate(2)`): S_ISUID, and
    /// S_ISGID as ``dropsSetgid(_:by:)`` says. The mounter has CAP_FSETID and keeps them; an empty
    /// append writes nothing and a file `O_CREAT` just made is not truncated.
    ///
    /// - Rule: R90.
    mutating func removePrivileges(after op: Operation) {
        guard let c = caller else { return }
        let path: RelPath
        switch op {
        case .write(let p, _), .truncate(let p, _): path = p
        case .append(let p, let data) where !data.isEmpty: path = p
        default: return
        }
        guard case .success(let (target, r)) = follow(path), case .file = r.node.kind, var n = upper?[target] else { return }
        let kill = (n.perm & 0o4000) | (Self.dropsSetgid(n, by: c) ? 0o2000 : 0)
        guard kill != 0 else { return }
        n.perm &= ~kill
        upper?[target] = n
    }

    /// The owner and mode of an object a caller creates: the caller's uid and gid
    /// (`dir.c:ovl_create_object` → `inode_init_owner`, then `ovl_create_or_link` creates the
    /// upper object with fsuid/fsgid set to them), the mode less the caller's umask, which the
    /// upper filesystem applies (`posix_acl_create` without a default ACL; symlinks keep 0777).
    ///
    /// - Rule: R90.
    func ownedByCaller(_ node: Node) -> Node {
        guard let c = caller else { return node }
        var n = node
        n.uid = c.uid
        n.gid = c.gid
        if n.kind.fileType != .symlink { n.perm &= ~c.umask }
        return n
    }
}
