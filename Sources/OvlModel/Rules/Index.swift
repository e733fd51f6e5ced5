extension OverlayModel {
    /// st_nlink of the real inode at `path` in `layer`: its names there (``Node/inode`` groups).
    func linkCount(_ layer: Layer, _ path: RelPath) -> Int {
        guard let group = layer[path]?.inode else { return 1 }
        return layer.entries.values.filter { $0.inode == group }.count
    }

    /// The st_nlink of `path` in lower layer `k` as its filesystem reports it: the names of its
    /// hardlink group, but 1 for a symlink on a filesystem that stores that (squashfs, R61).
    func lowerLinkCount(_ k: Int, _ path: RelPath) -> Int {
        if lowerFilesystem(k).symlinkNlinkOne, case .symlink? = lowers[k][path]?.kind { return 1 }
        return linkCount(lowers[k], path)
    }

    /// One key per lower inode: the first name of its hardlink group in its layer.
    func lowerKey(_ layer: Int, _ path: RelPath) -> InodeRef {
        guard let group = lowers[layer][path]?.inode else { return .lower(layer: layer, path: path) }
        let first = lowers[layer].entries.filter { $0.value.inode == group }.keys.min() ?? path
        return .lower(layer: layer, path: first)
    }

    /// Real st_nlink of upper inode `serial`: its names in the upper layer plus its index entry.
    func upperLinkCount(_ serial: Int) -> Int {
        (upper?.entries.values.filter { $0.inode == serial }.count ?? 0)
            + index.values.filter { $0.inode == serial }.count
    }

    /// st_nlink of a non-directory through the overlay.
    ///
    /// - Rule: R63 (an indexed inode reports the union nlink, `inode.c:ovl_getattr` "Return the
    ///   overlay inode nlinks for indexed upper inodes"), R64 (otherwise the real nlink).
    func fileNlink(_ path: RelPath, _ r: Resolution) -> Int {
        if r.inUpper {
            guard let serial = upper?[path]?.inode else { return 1 }
            return unionNlink[serial] ?? upperLinkCount(serial)
        }
        guard let l = r.lowers.first else { return 1 }
        if let e = index[lowerKey(l.layer, l.path)], let serial = e.inode, let union = unionNlink[serial] { return union }
        return lowerLinkCount(l.layer, l.path)
    }

    /// The index key of `r` when it is a lower non-directory whose inode is indexed (R61) and
    /// that was not linked up itself: its overlay inode's upper is the index entry.
    func indexKey(ofAlias r: Resolution) -> InodeRef? {
        guard options.index, !r.inUpper, !r.node.kind.isDir, let l = r.lowers.first else { return nil }
        let key = lowerKey(l.layer, l.path)
        guard let entry = index[key], entry.kind != .whiteout else { return nil }
        return key
    }

    /// R61: every overlay alias of an indexed lower inode shares the one overlay inode, whose real
    /// inode is the upper one in `index/` — a lower alias not yet copied up shows its data and
    /// metadata (`inode.c:ovl_get_inode` hashes it by the lower inode).
    func indexedAlias(_ r: Resolution) -> Resolution {
        guard let key = indexKey(ofAlias: r), let entry = index[key] else { return r }
        var out = r
        out.node = entry
        // A metacopy index entry (R77) shows the data of the lower the alias was found by: the
        // same lower inode, kept in the alias's lower stack (`namei.c:ovl_lookup`, R78).
        if isMetacopy(entry), case .file = r.node.kind {
            out.node.kind = r.node.kind
            out.node.leadingHole = r.node.leadingHole
        }
        return out
    }

    /// Copy-up of a lower non-directory with `nlink > 1` (or any, with nfs_export) and index=on:
    /// the upper inode is made as `W/index/<origin fh hex>` and linked to `path`; another alias
    /// links to that same inode and copies nothing ("link-up").
    ///
    /// - Rule: R61, R62, R63. Kernel: `copy_up.c:ovl_do_copy_up` (`to_index`), `ovl_link_up`,
    ///   `util.c:ovl_set_nlink_upper` (`X.nlink = "U%+i"`, union minus upper nlink).
    /// - Parameter metadataOnly: a metadata change with metacopy=on: the index entry (and so every
    ///   name) is a metacopy file (R77; seen on 6.12).
    /// - Parameter digest: the fs-verity digest of the lower data file (R82), if any.
    mutating func copyUpIndexed(_ path: RelPath, _ node: Node, from l: (layer: Int, path: RelPath), lowerNlink: Int,
                                metadataOnly: Bool = false, digest: [UInt8]? = nil) {
        let key = lowerKey(l.layer, l.path)
        var entry: Node
        if let existing = index[key] {
            entry = existing
        } else {
            entry = node
            entry.xattrs = copiedXattrs(entry.xattrs)
            entry.xattrs[prefix[.origin]] = XattrPattern.fileHandle
            entry.origin = lowerRef(l.layer, l.path)
            if metadataOnly, metadataOnlyCopyUp(entry, digest: digest) { entry = metacopyNode(entry, digest: digest) }
            entry.inode = nextInode
            nextInode += 1
            unionNlink[nextInode - 1] = lowerNlink
        }
        upper?[path] = entry
        index[key] = entry
        if let serial = entry.inode { setNlinkXattr(serial) }
    }

    /// With nfs_export a copied-up directory is indexed too (R62): an empty directory, mode 0 and
    /// owned by the mounter, carrying `X.upper`, the handle of the upper directory
    /// (`copy_up.c:ovl_create_index`; mode and owner seen on 6.12).
    mutating func indexDirectory(_ l: (layer: Int, path: RelPath)) {
        index[lowerKey(l.layer, l.path)] = Node(kind: .dir, perm: 0, xattrs: [prefix[.upper]: XattrPattern.fileHandle], mtime: nil)
    }

    /// Writes `X.nlink` on upper inode `serial` (R63, `util.c:ovl_set_nlink_upper`).
    mutating func setNlinkXattr(_ serial: Int) {
        guard let union = unionNlink[serial] else { return }
        let diff = union - upperLinkCount(serial)
        let value = "U" + (diff >= 0 ? "+" : "") + "\(diff)"
        guard let path = upper?.entries.filter({ $0.value.inode == serial }).keys.min() else { return }
        setPrivateXattr(path, .nlink, value)
        syncInode(from: path)
    }

    /// Copies the state of upper object `path` to every other name of its inode (upper names and
    /// the index entry): they are one inode.
    mutating func syncInode(from path: RelPath) {
        guard let node = upper?[path], let serial = node.inode, !node.kind.isDir else { return }
        for (p, n) in upper?.entries ?? [:] where n.inode == serial && p != path { upper?[p] = node }
        for (k, n) in index where n.inode == serial { index[k] = node }
    }

    /// `link(2)` through the overlay: copies `old` up (R38) and links the new name to its upper
    /// inode; an indexed inode's union nlink grows and `X.nlink` follows (R63).
    /// Kernel: `dir.c:ovl_link`, `ovl_create_or_link` (sets `X.impure` on the new parent when the
    /// source is `ovl_type_origin`, ``hasOrigin(_:)``).
    mutating func link(_ old: RelPath, _ new: RelPath) -> Outcome {
        let source: Resolution
        switch lookup(old) {
        case .failure(let e): return .failed(e)
        case .success(let r): source = r
        }
        // fs/namei.c:do_linkat: the new name's parent and its existence (filename_create)
        // are checked before vfs_link refuses a directory.
        guard let parent = new.parent else { return .failed(.EEXIST) }
        switch lookup(parent) {
        case .failure(let e): return .failed(e)
        case .success(let p) where !p.node.kind.isDir: return .failed(.ENOTDIR)
        default: break
        }
        if let e = nameTaken(new) { return .failed(e) }
        if source.node.kind.isDir { return .failed(.EPERM) }
        // `dir.c:ovl_link` → `ovl_copy_up` verifies the data first (R83).
        if let e = dataRefusal(source) { return .failed(e) }
        copyUp(old, metadataOnly: true)
        copyUp(parent)
        // R80, `dir.c:ovl_link` → `ovl_set_link_redirect`: a metacopy source gets an absolute redirect.
        // The xattr is on the inode: every name of it (and its index entry) carries it.
        if let redirect = metacopyRedirect(old, samedir: false) {
            setPrivateXattr(old, .redirect, redirect)
            syncInode(from: old)
        }
        _ = upperRef(old)
        guard let node = upper?[old], let serial = node.inode else { return .failed(.EIO) }
        if unionNlink[serial] != nil { unionNlink[serial]? += 1 }
        upper?[new] = node
        if hasOrigin(old) { markImpure(parent) }
        touchDir(parent)
        setNlinkXattr(serial)
        return .ok(.none)
    }

    /// The predicted dump of `workdir/index` (R62): one entry per indexed inode, sharing the upper
    /// inode (its nlink counts the index name); with nfs_export also a whiteout per removed one.
    var indexView: [EntryView]? {
        guard options.index, upper != nil else { return nil }
        var views = index.values.map { node in
            var v = entryView(node, xattrs: node.xattrs)
            // Whiteouts share one inode (dir.c:ovl_whiteout): their nlink is not fixed.
            switch node.kind {
            case .whiteout: v.nlink = nil
            case .dir: v.nlink = 2
            default: v.nlink = node.inode.map { UInt64(upperLinkCount($0)) } ?? 1
            }
            return v
        }
        // The spare whiteout of `dir.c:ovl_whiteout` lives in the work dir, which is index/ here
        // (`super.c:ovl_get_indexdir`); whiteouts share an inode, so its nlink is not predicted.
        if spareWhiteoutInWork {
            var w = entryView(Node(kind: .whiteout), xattrs: [:])
            w.nlink = nil
            w.mtime = nil
            views.append(w)
        }
        return views
    }

    /// Before unlinking `path`: an indexed lower alias not yet copied up is copied up first, so
    /// that the union nlink has an upper inode to live on, and `X.nlink` is stored relative to the
    /// upper nlink (R65, `util.c:ovl_nlink_start`).
    /// - Returns: the upper inode whose union nlink the unlink drops, if it is indexed.
    mutating func beginIndexedUnlink(_ path: RelPath) -> Int? {
        guard options.index, case .success(let r) = lookup(path), !r.node.kind.isDir else { return nil }
        if !r.inUpper, let l = r.lowers.first, lowerLinkCount(l.layer, l.path) > 1 || options.nfsExport {
            // `ovl_copy_up` (flags 0): metadata only with metacopy=on (`copy_up.c:ovl_need_meta_copy_up`).
            copyUp(path, metadataOnly: true)
        }
        guard let serial = upper?[path]?.inode, unionNlink[serial] != nil else { return nil }
        setNlinkXattr(serial)
        return serial
    }

    /// After a successful unlink of an indexed name: the union nlink drops, and at zero the index
    /// entry is removed, or with nfs_export replaced by a whiteout that blocks later decoding of
    /// handles (R68, `util.c:ovl_nlink_end` → `ovl_cleanup_index`; seen on 6.12).
    mutating func endIndexedUnlink(_ serial: Int) {
        unionNlink[serial]? -= 1
        guard unionNlink[serial] == 0 else { return }
        for (key, node) in index where node.inode == serial {
            index[key] = options.nfsExport ? Node(kind: .whiteout, mtime: nil) : nil
        }
        // The whiteout comes from `dir.c:ovl_whiteout` (`ovl_cleanup_and_whiteout`), which keeps
        // its spare one in the work dir.
        if options.nfsExport { spareWhiteoutInWork = true }
        unionNlink[serial] = nil
    }

    /// Before a directory name goes away with nfs_export: `ovl_nlink_start` copies a lower-only
    /// directory up first (`ovl_need_index`: index_all), which gives it an index entry (R61, R68).
    /// - Returns: the lower directory whose index entry the removal then turns into a whiteout.
    mutating func beginIndexedDirRemoval(_ path: RelPath) -> (layer: Int, path: RelPath)? {
        guard options.nfsExport, case .success(let r) = lookup(path), r.node.kind.isDir, let l = r.lowers.first else {
            return nil
        }
        if !r.inUpper { copyUp(path) }
        return index[lowerKey(l.layer, l.path)]?.kind.isDir == true ? l : nil
    }

    /// After the directory is gone: `ovl_nlink_end` → `ovl_cleanup_index` replaces its index entry
    /// with a whiteout made by `dir.c:ovl_whiteout`, which keeps the spare one in the work dir.
    mutating func endIndexedDirRemoval(_ l: (layer: Int, path: RelPath)) {
        index[lowerKey(l.layer, l.path)] = Node(kind: .whiteout, mtime: nil)
        spareWhiteoutInWork = true
    }
}

extension OverlayModel {
    /// The overlay inodes are evicted (`drop_caches`, a remount): the next lookup makes each anew
    /// (`inode.c:ovl_get_inode`). Before 6.12.117, `ovl_get_nlink` then took the upper's nlink
    /// for an indexed inode whose lower has one link (indexed only with nfs_export=on), so its
    /// union nlink became the upper nlink, index link included (``KernelChanges/indexedNlink``;
    /// seen on 6.12.113). An inode an open fd or a running program holds stays.
    mutating func evictInodes() {
        guard !environment.has(KernelChanges.indexedNlink) else { return }
        let held = Set((openFiles.values.map(\.path) + running).compactMap { upper?[$0]?.inode })
        for (key, node) in index {
            guard case .lower(let layer, let path) = key, let serial = node.inode, unionNlink[serial] != nil,
                  !held.contains(serial), lowerLinkCount(layer, path) == 1 else { continue }
            unionNlink[serial] = upperLinkCount(serial)
        }
    }
}
