extension OverlayModel {
    /// Whiteouts that readdir of `path` shows as character devices although lookup hides them.
    ///
    /// `readdir.c:ovl_dir_open` reads a directory straight from its real layer (`is_real`) when it
    /// is not merged and its inode lacks `OVL_WHITEOUTS`. `inode.c:ovl_get_inode` sets that flag
    /// for a directory with an upper and a lower, with several lowers, or whose real directory
    /// has an origin xattr; `super.c` sets it on the root and `copy_up.c` on a copied-up
    /// directory (which gets an origin). Whiteouts a case put into any other directory therefore
    /// show up in the listing (R25 holds only for merged directories).
    func passedThroughWhiteouts(_ path: RelPath, of dir: Resolution) -> [String] {
        guard readsReal(path, dir) else { return [] }
        let layer: Layer?
        let realPath: RelPath
        if dir.inUpper {
            layer = upper
            realPath = path
        } else if let first = dir.lowers.first {
            layer = lowers[first.layer]
            realPath = first.path
        } else {
            return []
        }
        guard let layer else { return [] }
        return layer.children(of: realPath).filter { layer[realPath.appending($0)]?.kind == .whiteout }
    }

    /// True when readdir of a directory goes straight to its real layer (`is_real` in
    /// `readdir.c:ovl_dir_open`): not merged, and no `OVL_WHITEOUTS` flag (see above).
    func readsReal(_ path: RelPath, _ dir: Resolution) -> Bool {
        guard !path.isRoot, dir.node.kind.isDir, !dir.isMergedDir else { return false }
        return dir.node.xattrs[prefix[.origin]] == nil
    }

    /// `overlayfs.h:ovl_pure_upper` for a directory: in the upper only, with no lower and no
    /// OVL_WHITEOUTS flag (no origin, not the root) — overlayfs then leaves checks to the upper fs.
    func isPureUpperDir(_ path: RelPath, _ r: Resolution) -> Bool {
        !path.isRoot && r.inUpper && r.lowers.isEmpty && r.node.xattrs[prefix[.origin]] == nil
    }
}
