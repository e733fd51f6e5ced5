extension OverlayModel {
    /// The st_blocks `stat` of `r` shows, when the model knows it; nil for a file whose data lives
    /// in the upper layer (its allocation is the filesystem's choice) and for directories.
    ///
    /// - Rule: R78, `inode.c:ovl_getattr`: a metacopy file (`ovl_is_metacopy_dentry`) takes every
    ///   field from its metadata inode but st_blocks from its lower data file (`lowerstat.blocks`
    ///   when that is the origin, else a `vfs_getattr` of `ovl_path_lowerdata`); a lower-only file
    ///   shows its real file's. A data file in a data-only layer whose lazy lookup has not happened
    ///   yet is estimated from the size instead (`round_up(size, blksize) >> 9`); the model does not
    ///   follow when that lookup happens, so it predicts nothing there.
    func predictedBlocks(_ r: Resolution) -> BlocksValue? {
        guard case .file = r.node.kind else { return nil }
        if isMetacopy(r.node) {
            guard let data = r.lowers.last, data.layer < lowers.count - dataLayerCount,
                  let l = lowers[data.layer][data.path], !isMetacopy(l) else { return nil }
            return .of(lowerRef(data.layer, data.path))
        }
        guard !r.inUpper, let l = r.lowers.first else { return nil }
        // R61: a lower alias of an indexed inode is that upper inode (`ovl_get_inode`).
        if options.index, let e = index[lowerKey(l.layer, l.path)], e.kind != .whiteout { return nil }
        return .of(lowerRef(l.layer, l.path))
    }

    /// The st_blocks of an upper file as it is on disk, when the model knows it: 0 for a regular
    /// file that is one hole (R77: a metacopy copy-up sizes the upper file with `ovl_set_size`
    /// and writes no data) on an xfs upper whose inode holds its xattrs. st_blocks also counts
    /// xattrs that do not fit in the inode: an xfs inode (512 bytes) keeps a short-form attr fork
    /// of a few hundred bytes in its literal area, so the model predicts 0 only for xattrs of at
    /// most ``inlineXattrBytes`` (60 user xattrs took an attr block, 8, on 6.12). An ext4 inode
    /// (256 bytes, 92 of them for xattrs) does not hold `X.origin` and `X.metacopy` together, and
    /// ext4 counts its external xattr block (8, seen on 6.12): not predicted there.
    func allocatedUpperBlocks(_ node: Node) -> BlocksValue? {
        guard environment.upperLayerFS.inlineXattrFork, case .file = node.kind, let size = node.size, size > 0,
              let hole = node.leadingHole, hole >= size else { return nil }
        // xfs short-form attr entry: 3 bytes + name (without its namespace) + value; a 4-byte header.
        let bytes = node.xattrs.reduce(4) { sum, x in
            sum + 3 + x.key.utf8.count + Self.xattrBytes(x.value).count
        }
        return bytes <= Self.inlineXattrBytes ? .number(0) : nil
    }

    /// The xattr bytes the model trusts an xfs inode to hold in its literal area.
    static let inlineXattrBytes = 200
}
