extension OverlayModel {
    /// `chattr` through the overlay: FS_IOC_SETFLAGS with the immutable and append-only flags.
    ///
    /// - Rule: R92: `inode.c:ovl_fileattr_set` copies the object up, then `util.c:ovl_set_protattr`
    ///   stores the flags as `X.protattr` (`a` before `i`) — or removes it when both are cleared —
    ///   and masks them out of the flags the real upper inode gets, so the upper file stays
    ///   mutable while the overlay inode is protected (``protectionRefusal(_:)``).
    mutating func chattr(_ path: RelPath, immutable: Bool, append: Bool) -> Outcome {
        switch follow(path) {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            // `inode.c:ovl_fileattr_set` → `ovl_copy_up` verifies the data first (R83).
            if let e = dataRefusal(r) { return .failed(e) }
            copyUp(p)
            let value = (append ? "a" : "") + (immutable ? "i" : "")
            setPrivateXattr(p, .protattr, value.isEmpty ? nil : value)
            // FS_IOC_GETFLAGS read the flags of the real inode, the lower one before this
            // copy-up: ext4 reports FS_EXTENT_FL, which xfs_fileattr_set refuses with EOPNOTSUPP —
            // after overlayfs stored X.protattr and protected its inode (seen on 6.12).
            if !r.inUpper, topLowerFilesystem(r).reportsExtentFlag, environment.upperLayerFS.refusesExtentFlag { return .failed(.EOPNOTSUPP) }
            return .ok(.none)
        }
    }

    /// The immutable / append-only flags of an object: from `X.protattr` on its upper
    /// (`util.c:ovl_check_protattr`, read again at every lookup).
    mutating func protection(_ path: RelPath) -> (immutable: Bool, append: Bool) {
        guard case .success(let r) = lookup(path), r.inUpper, let v = upper?[path]?.xattrs[prefix[.protattr]] else {
            return (false, false)
        }
        return (v.contains("i"), v.contains("a"))
    }

    /// EPERM where the VFS refuses a change to a protected object (R92): writing, truncating or
    /// changing the attributes of an immutable or append-only one (`may_open`, `notify_change`,
    /// `xattr_permission`; appending is allowed to an append-only file), removing or renaming
    /// one (`may_delete`), and creating or removing names in an immutable directory, or removing
    /// them from an append-only one.
    mutating func protectionRefusal(_ op: Operation) -> ModelErrno? {
        func locked(_ p: RelPath) -> Bool { let f = protection(p); return f.immutable || f.append }
        func target(_ p: RelPath) -> RelPath { (try? follow(p).get())?.0 ?? p }
        switch op {
        case .append(let p, _):
            return protection(target(p)).immutable ? .EPERM : nil
        case .write(let p, _):
            if case .success = lookup(p) { return locked(target(p)) ? .EPERM : nil }
            return protection(p.parent ?? .root).immutable ? .EPERM : nil
        case .openRW(let p), .truncate(let p, _), .chmod(let p, _):
            return locked(target(p)) ? .EPERM : nil
        case .chown(let p, _, _), .utimes(let p, _), .setxattr(let p, _, _), .removexattr(let p, _):
            return locked(p) ? .EPERM : nil
        case .mkdir(let p, _), .create(let p, _), .mknod(let p, _), .symlink(_, let p):
            return protection(p.parent ?? .root).immutable ? .EPERM : nil
        case .unlink(let p), .rmdir(let p):
            guard case .success = lookup(p) else { return nil }
            return locked(p.parent ?? .root) || locked(p) ? .EPERM : nil
        case .rename(let a, let b, _):
            guard case .success = lookup(a) else { return nil }
            let victim: Bool = if case .success = lookup(b) { locked(b) } else { false }
            return locked(a) || victim || locked(a.parent ?? .root) || protection(b.parent ?? .root).immutable ? .EPERM : nil
        default:
            return nil
        }
    }
}
