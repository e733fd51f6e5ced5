extension OverlayModel {
    /// `OVL_FILEID_V1`, the type of every overlay file handle (`export.c:ovl_encode_fh`).
    static let overlayHandleType: Int32 = 0xf8

    /// `name_to_handle_at(2)` through the overlay.
    ///
    /// - Rule: R66. Without nfs_export only `AT_HANDLE_FID` handles exist; the plain call is
    ///   EOPNOTSUPP (settled on 6.12, semantics doc §15). Which real inode the handle encodes
    ///   follows `export.c:ovl_check_encode_origin`: upper for a pure upper object, the root, and
    ///   (with nfs_export) a non-indexed upper; lower otherwise.
    /// - Note: encoding a lower directory with nfs_export may copy up an ancestor (R69); cases
    ///   take handles of non-directories only, which never do.
    mutating func nameToHandle(_ path: RelPath, label: String, fid: Bool) -> Outcome {
        handleLabels.insert(label)
        if fid, !environment.has(KernelChanges.handleFid) { return .failed(.EINVAL) }
        let r: Resolution
        switch lookup(path) {
        case .failure(let e): return .failed(e)
        case .success(let found): r = found
        }
        // R12: with a layer that cannot decode handles `super.c:ovl_fill_super` installs no
        // export operations: only a fid can be encoded, and the VFS does that generically
        // (`exportfs.c:exportfs_encode_inode_fh` → `exportfs_encode_ino64_fid`, FILEID_INO64_GEN).
        if layersLackFileHandles {
            guard fid else { return .failed(.EOPNOTSUPP) }
            handles[label] = identity(path, r)
            return .ok(.handle(HandleView(type: 0x81, upper: nil)))
        }
        if !options.nfsExport && !fid { return .failed(.EOPNOTSUPP) }
        if options.nfsExport, r.node.kind.isDir, !path.isRoot, !encodesUpper(path, r) { connectLayer(path, r) }
        handles[label] = identity(path, r)
        return .ok(.handle(HandleView(type: Self.overlayHandleType, upper: encodesUpper(path, r))))
    }

    /// True when the handle of the object at `path` encodes its upper inode.
    func encodesUpper(_ path: RelPath, _ r: Resolution) -> Bool {
        guard upper != nil, r.inUpper else { return false }
        let hasLower = r.node.kind.isDir ? !r.lowers.isEmpty : r.node.origin.map { !isStale($0) } ?? false
        if !hasLower || path.isRoot { return true }
        let indexed = r.node.origin.map { origin in
            guard case .lower(let k, let p) = origin else { return false }
            return index[lowerKey(k, p)] != nil
        } ?? false
        return options.nfsExport && !indexed
    }

    /// R69: before encoding a lower handle of a directory, make its lower layer reachable from a
    /// decodable ancestor: walking up, the first ancestor that is an unindexed merged directory
    /// (not "connectable") gets its child on the path copied up (`export.c:ovl_connect_layer`,
    /// `ovl_connectable_layer`); an indexed ancestor or the root ends the walk.
    mutating func connectLayer(_ path: RelPath, _ r: Resolution) {
        guard let originLayer = r.lowers.first.map({ $0.layer + 1 }) else { return }
        var next = path
        while let parent = next.parent, !parent.isRoot, case .success(let pr) = lookup(parent) {
            let indexed = pr.inUpper && pr.lowers.first.map { index[lowerKey($0.layer, $0.path)] != nil } == true
            let connectable = pr.inUpper && !indexed ? 0 : (pr.lowers.first.map { $0.layer + 1 } ?? 0)
            if connectable < originLayer {
                copyUp(next)
                return
            }
            if indexed { return }
            next = parent
        }
    }

    /// The object a handle names: its lower inode when it has one, else its upper inode.
    mutating func identity(_ path: RelPath, _ r: Resolution) -> InodeRef {
        if !r.inUpper, let l = r.lowers.first { return lowerKey(l.layer, l.path) }
        if let origin = r.node.origin, case .lower(let k, let p) = origin { return lowerKey(k, p) }
        return upperRef(path)
    }

    /// `open_by_handle_at(2)` + `fstat(2)`: the object the handle names, wherever it is now.
    ///
    /// - Rule: R67 (a lower handle still decodes after copy-up: `export.c:ovl_lower_fh_to_d`
    ///   finds the copy through the index), R68 (once the last name is gone, ESTALE; without
    ///   nfs_export the overlay has no `fh_to_dentry`, so always ESTALE). A label whose
    ///   `name_to_handle_at` the kernel refused (before 6.5 every `AT_HANDLE_FID` one,
    ///   ``KernelChanges/handleFid``) holds no handle: the guest asks with an empty one, which
    ///   `fs/fhandle.c:handle_to_path` refuses with EINVAL; a label no step used is EBADF, answered
    ///   by the guest.
    mutating func openByHandle(_ label: String) -> Outcome {
        guard let ref = handles[label] else { return .failed(handleLabels.contains(label) ? .EINVAL : .EBADF) }
        guard options.nfsExport, let path = currentPath(of: ref),
              case .success(let r) = lookup(path) else { return .failed(.ESTALE) }
        var view = statView(path, r)
        (view.ino, view.dev) = inodeNumbers(path, r)
        return .ok(.stat(view))
    }

    /// Where the object with identity `ref` is visible now, if anywhere.
    mutating func currentPath(of ref: InodeRef) -> RelPath? {
        switch ref {
        case .upper(let serial):
            return upperPathsBySerial[serial]
        case .replacedLower:
            return nil  // identity() keys lower objects by lowerKey, which is never a remade ref
        case .lower(let k, let p):
            for (path, node) in (upper?.entries ?? [:]).sorted(by: { $0.key < $1.key }) where !node.kind.isDir {
                if case .lower(let ok, let op)? = node.origin, lowerKey(ok, op) == ref { return path }
            }
            let names = lowers[k].entries.filter { lowerKey(k, $0.key) == ref }.keys.sorted()
            for name in [p] + names {
                // A lower object, or a directory merged with it (copied up or not).
                if case .success(let r) = lookup(name), let l = r.lowers.first, lowerKey(l.layer, l.path) == ref {
                    return name
                }
            }
            return nil
        }
    }
}
