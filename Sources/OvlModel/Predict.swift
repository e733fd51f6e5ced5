extension OverlayModel {
    /// Predicts the state dump after a case: the merged view, the upper layer, `work/` and the lowers.
    ///
    /// The merged view is walked first (as the guest does), so lookups' side effects on the upper
    /// layer (`ovl_fix_origin`) are part of the predicted upper layer.
    public mutating func snapshot() -> Snapshot {
        var merged: TreeView = [:]
        if mounted {
            var queue: [(path: RelPath, listed: FileType)] = [(.root, .dir)]
            while let (path, listed) = queue.popLast() {
                let r: Resolution
                switch lookup(path) {
                case .failure(let e):
                    merged[path] = EntryView(type: listed, errno: e)
                    continue
                case .success(let found): r = found
                }
                // Opening a file verity refuses gives EIO (R82).
                if let e = dataRefusal(r) {
                    merged[path] = EntryView(type: listed, errno: e)
                    continue
                }
                var view = entryView(r.node, xattrs: visibleXattrs(r.node))
                if let e = xattrListingError(r) { view.errno = e; view.xattrs = [:] }
                view.nlink = statView(path, r).nlink
                view.blocks = predictedBlocks(r)
                (view.ino, view.dev) = inodeNumbers(path, r)
                if r.node.kind.isDir {
                    switch listing(path, of: r) {
                    case .success(let names): for (name, type) in names { queue.append((path.appending(name), type)) }
                    case .failure(let e): view.errno = e
                    }
                }
                merged[path] = view
            }
        }
        var upperView = upper.map { layerView($0) }
        for (path, node) in upper?.entries ?? [:] { upperView?[path]?.blocks = allocatedUpperBlocks(node) }
        // A hardlinked upper inode counts its upper names and its index entry (R61, R63).
        for (path, node) in upper?.entries ?? [:] where !node.kind.isDir {
            if let serial = node.inode { upperView?[path]?.nlink = UInt64(upperLinkCount(serial)) }
        }
        // With index=on the index dir is overlayfs' work dir (`super.c:ovl_get_indexdir` sets
        // `ofs->workdir = indexdir`), so the spare whiteout is kept there, not in work/.
        let spareInWork = spareWhiteoutInWork && !options.index
        // R17: a volatile mount keeps work/incompat/volatile/dirty (super.c:ovl_make_workdir).
        let work = (spareInWork ? [XattrPattern.tempName] : []) + (options.volatile ? ["incompat"] : [])
        // R8: super.c:ovl_workdir_create makes work/ with S_IFDIR|0 and clears inherited mode bits
        // (ovl_do_notify_change with ATTR_MODE), on every mount.
        return Snapshot(merged: merged, upper: upperView, work: workMade ? work : nil, workMode: workMade ? 0 : nil,
                        lowers: lowers.indices.map { lowerView($0) },
                        index: indexView.map { views in
                            Dictionary(uniqueKeysWithValues: views.enumerated().map { ("\(XattrPattern.fileHandle)\($0.offset)", $0.element) })
                        })
    }

    /// The on-disk view of lower layer `k`: the overlay never changes it, inode numbers and
    /// hardlink counts included.
    func lowerView(_ k: Int) -> TreeView {
        // A holder's folder is dumped as it is on disk, not as the job sees it (``heldFolder``).
        let folder = k == 0 ? heldFolder ?? lowers[0] : lowers[k]
        var out = layerView(folder)
        for (path, var v) in out {
            if xattrListingRefused(layer: k, path) { v.errno = .EOPNOTSUPP; v.xattrs = [:] }
            v.ino = .real(lowerRef(k, path), fsid: 0, xinoBits: 0)
            if v.type != .dir, v.rdev != "0:0" { v.nlink = UInt64(lowerLinkCount(k, path)) }
            // R75: overlay reaches the lower layers through private clones of their mounts with
            // MNT_NOATIME (super.c:ovl_get_layers), so reads, copy-up and exec through the overlay
            // never touch a lower file's atime: the layer builder's (its mtime, when the case
            // gives one) stays. Directories too: overlay reads a lower dir through a file on that
            // private mount (readdir.c:ovl_dir_open → ovl_path_open), and the harness reads the
            // layers O_NOATIME. A former upper's atimes are the kernel's, not the builder's.
            if v.type == .file || v.type == .dir, k >= formerUppers, let built = folder[path]?.mtime { v.atime = built }
            out[path] = v
        }
        // An overlay lower's root is merged with the empty folder below it, and `inode.c:ovl_getattr`
        // gives a merged dir st_nlink 1 (``LayerFilesystem/Sealing/overlay``).
        // A holder's folder is dumped as it is.
        if lowerFilesystem(k).sealing == .overlay, !(holdsLowerZero && k == 0) { out[.root]?.nlink = 1 }
        // A whiteout below its root is listed, but its lookup fails (``listedWhiteouts``).
        for path in listedWhiteouts[k] ?? [] where !(holdsLowerZero && k == 0) { out[path] = EntryView(type: .chardev, errno: .ENOENT) }
        return withFoldersInside(k, out)
    }

    /// The on-disk view of one layer (every xattr, whiteouts as 0:0 devices).
    func layerView(_ layer: Layer) -> TreeView {
        var out: TreeView = [.root: dirView(layer.root, subdirs: layer.subdirCount(of: .root))]
        for (path, node) in layer.entries {
            var v = node.kind.isDir ? dirView(node, subdirs: layer.subdirCount(of: path)) : entryView(node, xattrs: node.xattrs)
            // Whiteouts share one inode (dir.c:ovl_whiteout), so their nlink is not fixed (R33).
            if node.kind == .whiteout { v.nlink = nil } else if !node.kind.isDir { v.nlink = 1 }
            out[path] = v
        }
        return out
    }

    func dirView(_ node: Node, subdirs: Int) -> EntryView {
        var v = entryView(node, xattrs: node.xattrs)
        v.nlink = UInt64(2 + subdirs)
        return v
    }

    func entryView(_ node: Node, xattrs: [String: String]) -> EntryView {
        var v = EntryView(type: node.kind.fileType, perm: node.perm, uid: node.uid, gid: node.gid,
                          mtime: node.mtime, xattrs: xattrs.reduce(into: [:]) { $0[$1.key] = XattrPattern.asRead(name: $1.key, value: $1.value) })
        switch node.kind {
        case .file(let data): v.data = data
        case .symlink(let target): v.target = target; v.perm = nil
        case .whiteout: v.rdev = "0:0"
        case .chardev(let ma, let mi), .blockdev(let ma, let mi): v.rdev = "\(ma):\(mi)"
        case .dir, .fifo: break
        }
        return v
    }
}
