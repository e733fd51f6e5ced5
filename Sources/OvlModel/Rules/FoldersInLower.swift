/// An upper or a workdir that is a directory of a lower layer (``Scenario/upperInLower``,
/// ``Scenario/workInLower``, R7).
extension OverlayModel {
    /// The lower directories that are trap inodes of this mount, as (layer, path): the upper root
    /// (`super.c:ovl_get_upper` → `ovl_setup_trap`), the workdir and its `work/`
    /// (`ovl_get_workdir`, `ovl_make_workdir`) and, with index=on, `index/`
    /// (`ovl_get_indexdir`, which puts `work/`'s trap inode; that inode stays cached and still
    /// marked dead, so `ovl_lookup_trap_inode` would still find it) when they lie inside a lower.
    /// The mount does not refuse them (`ovl_check_layer` looks for traps above lowers only), but
    /// `namei.c:ovl_lookup_single` meets them when a lookup reaches such a directory through the
    /// lower: ELOOP "Caught in a trap of overlapping layers" (the same on 6.1.192, 6.12.118 and
    /// 6.18.44).
    var lowerTraps: [(layer: Int, path: RelPath)] {
        guard upper != nil else { return [] }
        var traps: [(layer: Int, path: RelPath)] = []
        if let at = upperInLower { traps.append((at.host, at.path)) }
        if let at = workInLower {
            traps += [(at.host, at.path), (at.host, at.path.appending("work"))]
            if options.index { traps.append((at.host, at.path.appending("index"))) }
        }
        return traps
    }

    /// Lower layer `k` as it is on disk with the upper or the workdir inside it: the upper's
    /// current contents at its place (the overlay writes them there); in the workdir what the
    /// mount made there (``workdirFolders``), which also gives the workdir a new mtime and links.
    func withFoldersInside(_ k: Int, _ view: TreeView) -> TreeView {
        var out = view
        if let at = upperInLower, at.host == k, let upper {
            out = out.filter { !$0.key.hasPrefix(at.path) }
            for (path, var v) in layerView(upper) {
                let there = RelPath(components: at.path.components + path.components)
                // The upper's objects keep their own inodes; reading them through the overlay may
                // touch their atimes, which R75 does not cover.
                v.ino = view[there]?.ino
                v.atime = nil
                // A hardlinked upper inode counts its upper names and its index entry (R61, R63).
                if let serial = upper[path]?.inode, v.type != .dir { v.nlink = UInt64(upperLinkCount(serial)) }
                out[there] = v
            }
        }
        if let at = workInLower, at.host == k, workMade, lowers[k][at.path.appending("work")] == nil {
            out[at.path]?.mtime = nil
            out[at.path]?.atime = nil
            for (path, v) in workdirFolders {
                if path.components.count == 1, let n = out[at.path]?.nlink { out[at.path]?.nlink = n + 1 }
                out[RelPath(components: at.path.components + path.components)] = v
            }
        }
        return out
    }

    /// What the mount made in a workdir, by path inside it: `work/` (mode 0, R8;
    /// `super.c:ovl_workdir_create`) with its spare whiteout (`dir.c:ovl_whiteout`), a volatile
    /// mount's `work/incompat/volatile/dirty` (R17: `ovl_make_workdir` → `ovl_create_volatile_dirty`,
    /// each made by `ovl_create_real` with mode 0, an empty file last; the same on 6.1.192 and
    /// 6.12.118) and, with
    /// index=on, `index/` (mode 0, `ovl_get_indexdir`: `ovl_workdir_create(…, persist)`, then
    /// `ovl_verify_upper` stores the upper root's handle as `X.upper`) with its entries (R62;
    /// ``indexView``). Names the kernel makes up (a handle in hex, `#<hex>`) are placeholders:
    /// ``XattrPattern/fileHandle`` with a number, ``XattrPattern/tempName``.
    var workdirFolders: TreeView {
        let work = RelPath(components: ["work"])
        var out: TreeView = [work: EntryView(type: .dir, perm: 0, uid: 0, gid: 0, nlink: 2, xattrs: [:])]
        if spareWhiteoutInWork && !options.index {
            // Whiteouts share one inode (dir.c:ovl_whiteout): their nlink is not fixed.
            var w = entryView(Node(kind: .whiteout), xattrs: [:])
            w.nlink = nil
            w.mtime = nil
            out[work.appending(XattrPattern.tempName)] = w
        }
        if options.volatile {
            let incompat = work.appending("incompat"), volatile = incompat.appending("volatile")
            out[work]?.nlink = 3
            out[incompat] = EntryView(type: .dir, perm: 0, uid: 0, gid: 0, nlink: 3, xattrs: [:])
            out[volatile] = EntryView(type: .dir, perm: 0, uid: 0, gid: 0, nlink: 2, xattrs: [:])
            out[volatile.appending("dirty")] = EntryView(type: .file, perm: 0, uid: 0, gid: 0, data: "", nlink: 1, xattrs: [:])
        }
        guard let entries = indexView else { return out }
        let index = RelPath(components: ["index"])
        out[index] = EntryView(type: .dir, perm: 0, uid: 0, gid: 0, nlink: UInt64(2 + entries.filter { $0.type == .dir }.count),
                               xattrs: [prefix[.upper]: XattrPattern.fileHandle])
        for (n, v) in entries.enumerated() {
            out[index.appending(v.rdev == "0:0" ? XattrPattern.tempName : "\(XattrPattern.fileHandle)\(n)")] = v
        }
        return out
    }

    /// The lower layers as they are on disk, as the layer checker reads them: a lower that holds
    /// the upper or the workdir holds what the overlay wrote there (``withFoldersInside(_:_:)``), and
    /// a held lower 0 is its folder (``heldFolder``: whiteouts the holder hides or lists are there).
    public var lowersOnDisk: [Layer] {
        lowers.indices.map { k in
            if k == 0, let folder = heldFolder { return folder }
            return upperInLower?.host == k || workInLower?.host == k ? Layer(dump: withFoldersInside(k, layerView(lowers[k]))) : lowers[k]
        }
    }
}
