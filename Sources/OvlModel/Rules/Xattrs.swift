extension OverlayModel {
    /// The name a user xattr is stored under on the real file: a name in the private namespace is
    /// escaped to `X.overlay.*` (R91, `xattrs.c:ovl_xattr_set` since 6.7).
    func realXattrName(_ name: String) -> String {
        prefix.holds(name) ? prefix.escaped + name.dropFirst(prefix.text.count) : name
    }

    /// `fs/xattr.c:xattr_permission`: `user.*` names exist only on regular files and directories;
    /// on anything else writing gives EPERM and reading ENODATA, before overlayfs is asked. Then,
    /// before 6.7, a name under the private prefix goes to `super.c:ovl_own_xattr_get/set`:
    /// EOPNOTSUPP, nothing copied up (``KernelChanges/escapedXattrs``).
    func userXattrRefused(_ node: Node, name: String, write: Bool) -> ModelErrno? {
        if name.hasPrefix("user.") {
            switch node.kind {
            case .file, .dir: break
            default: return write ? .EPERM : .ENODATA
            }
        }
        return prefix.holds(name) && !environment.has(KernelChanges.escapedXattrs) ? .EOPNOTSUPP : nil
    }

    /// `lsetxattr`: copies up (R38), then stores the (escaped) name. With
    /// ``KernelChanges/emptyCapabilityRefused`` an empty `security.capability` is EINVAL first
    /// (`fs/xattr.c:vfs_setxattr` → `cap_convert_nscap`: no valid header), nothing copied up (R79).
    mutating func setxattr(_ path: RelPath, name: String, value: String) -> Outcome {
        switch lookup(path) {
        case .failure(let e): return .failed(e)
        case .success(let r):
            if name == fileCapabilityXattr, value.isEmpty, environment.has(KernelChanges.emptyCapabilityRefused) {
                return .failed(.EINVAL)
            }
            if let e = userXattrRefused(r.node, name: name, write: true) { return .failed(e) }
            if setOnIndexedInode(r, realXattrName(name), value) { return .ok(.none) }
            // `xattrs.c:ovl_xattr_set` copies up (verifying the data first, R83) only what is not upper.
            if !r.inUpper, let e = dataRefusal(r) { return .failed(e) }
            copyUp(path, metadataOnly: true)
            setXattr(path, realXattrName(name), value)
            return .ok(.none)
        }
    }

    /// A lower hardlink whose inode is already indexed (R61) has an upper inode, the index entry,
    /// though its own name was never linked up: `xattrs.c:ovl_xattr_set` copies up only when
    /// `ovl_i_dentry_upper(inode)` is NULL, so it sets the xattr on that inode and links nothing.
    /// - Returns: true when `r` is such an alias and `name` was set (nil: removed) on its inode.
    mutating func setOnIndexedInode(_ r: Resolution, _ name: String, _ value: String?) -> Bool {
        guard let key = indexKey(ofAlias: r) else { return false }
        index[key]?.xattrs[name] = value
        if let serial = index[key]?.inode {
            for (p, n) in upper?.entries ?? [:] where n.inode == serial { upper?[p]?.xattrs[name] = value }
        }
        return true
    }

    /// `lgetxattr` through the overlay: never copies up (R38); private names read their escaped form.
    mutating func getxattr(_ path: RelPath, name: String) -> Outcome {
        switch lookup(path) {
        case .failure(let e): return .failed(e)
        case .success(let r):
            if let e = userXattrRefused(r.node, name: name, write: false) { return .failed(e) }
            // The real inode answers (`xattrs.c:ovl_xattr_get` → `vfs_getxattr`): on a lower fs
            // with no xattr handlers (ramfs) that is EOPNOTSUPP (`fs/xattr.c:__vfs_getxattr`).
            if !r.inUpper, !topLowerFilesystem(r).xattrs { return .failed(.EOPNOTSUPP) }
            guard let v = r.node.xattrs[realXattrName(name)] else { return .failed(.ENODATA) }
            if let e = XattrPattern.readError(name: name, value: v) { return .failed(e) }
            return .ok(.text(v))
        }
    }

    /// `lremovexattr`: ENODATA without copy-up for a name the object lacks (R38), else copy-up and remove.
    mutating func removexattr(_ path: RelPath, name: String) -> Outcome {
        switch lookup(path) {
        case .failure(let e): return .failed(e)
        case .success(let r):
            if let e = userXattrRefused(r.node, name: name, write: true) { return .failed(e) }
            let real = realXattrName(name)
            // `xattrs.c:ovl_xattr_set` asks the lower for the name first (`vfs_getxattr`): on a
            // lower fs without xattr handlers that is EOPNOTSUPP, and nothing is copied up.
            if !r.inUpper, !topLowerFilesystem(r).xattrs { return .failed(.EOPNOTSUPP) }
            guard r.node.xattrs[real] != nil else { return .failed(.ENODATA) }
            if setOnIndexedInode(r, real, nil) { return .ok(.none) }
            if !r.inUpper, let e = dataRefusal(r) { return .failed(e) }
            copyUp(path, metadataOnly: true)
            setXattr(path, real, nil)
            return .ok(.none)
        }
    }

    /// `llistxattr` through the overlay: private names hidden, escaped ones shown unescaped (R91);
    /// `trusted.*` names only for a caller with CAP_SYS_ADMIN (`xattrs.c:ovl_can_list`, R90).
    mutating func listxattr(_ path: RelPath) -> Outcome {
        switch lookup(path) {
        case .failure(let e): return .failed(e)
        case .success(let r):
            if let e = xattrListingError(r) { return .failed(e) }
            let names = visibleXattrs(r.node).keys.filter { caller == nil || !$0.hasPrefix("trusted.") }
            return .ok(.names(names.sorted()))
        }
    }

    /// The xattrs a program sees through the overlay (R91, `xattrs.c:ovl_listxattr`).
    func visibleXattrs(_ node: Node) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v) in node.xattrs where !isPrivate(k) {
            out[k.hasPrefix(prefix.escaped) ? prefix.text + k.dropFirst(prefix.escaped.count) : k] = v
        }
        return out
    }
}
