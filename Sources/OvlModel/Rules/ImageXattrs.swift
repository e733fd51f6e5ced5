extension OverlayModel {
    /// True when listing the xattrs of `path` in lower layer `k` is EOPNOTSUPP: the layer sits on
    /// an image that stores no xattr at all (``LayerFilesystem/listingNeedsXattrs``: squashfs
    /// without an xattr id table, `fs/squashfs/xattr.c:squashfs_listxattr`), and the object's
    /// inode has a `listxattr` operation there (`fs/squashfs/inode.c:squashfs_read_inode`): every
    /// dir and symlink, and a file mksquashfs stored in the extended form, which it does for a file
    /// with more than one link. Other files and devices have none, and `fs/xattr.c:vfs_listxattr`
    /// lists nothing for them.
    func xattrListingRefused(layer k: Int, _ path: RelPath) -> Bool {
        guard lowerFilesystem(k).listingNeedsXattrs else { return false }
        let layer = lowers[k]
        guard layer.root.xattrs.isEmpty, layer.entries.values.allSatisfy({ $0.xattrs.isEmpty }),
              let node = layer[path] else { return false }
        switch node.kind {
        case .dir, .symlink: return true
        case .file: return linkCount(layer, path) > 1
        default: return false
        }
    }

    /// The errno listing the xattrs of `r` gives: `xattrs.c:ovl_listxattr` hands on the real
    /// inode's answer (`vfs_listxattr`), for an object not copied up its top lower's — unless an
    /// alias of the same inode was copied up into `index/` (R61: then the real inode is that upper
    /// one). Copy-up copes (`copy_up.c:ovl_copy_xattr` takes EOPNOTSUPP for none).
    func xattrListingError(_ r: Resolution) -> ModelErrno? {
        guard !r.inUpper, let top = r.lowers.first, xattrListingRefused(layer: top.layer, top.path) else { return nil }
        if options.index, let entry = index[lowerKey(top.layer, top.path)], entry.kind != .whiteout { return nil }
        return .EOPNOTSUPP
    }
}
