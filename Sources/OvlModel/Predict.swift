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
                var view = entryView(r.node, xattrs: visibleXattrs(r.node))
                view.nlink = statView(path, r).nlink
                if r.node.kind.isDir {
                    for (name, type) in listing(path, of: r) { queue.append((path.appending(name), type)) }
                }
                merged[path] = view
            }
        }
        let upperView = upper.map { layerView($0) }
        // R17: a volatile mount keeps work/incompat/volatile/dirty (super.c:ovl_make_workdir).
        let work = (spareWhiteoutInWork ? [XattrPattern.tempName] : []) + (options.volatile ? ["incompat"] : [])
        return Snapshot(merged: merged, upper: upperView, work: workMade ? work : nil,
                        lowers: lowers.map { layerView($0) })
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
                          mtime: node.mtime, xattrs: xattrs)
        switch node.kind {
        case .file(let data): v.data = data
        case .symlink(let target): v.target = target; v.perm = nil
        case .whiteout: v.rdev = "0:0"
        case .chardev(let ma, let mi): v.rdev = "\(ma):\(mi)"
        case .dir, .fifo: break
        }
        return v
    }
}
