/// A lower layer that is itself an overlay (``LayerFilesystem/Sealing/overlay``): the job's
/// overlay reads the layer's folder through a read-only overlay of that folder alone, which shows
/// it with its own rules.
extension Layer {
    /// This layer, as built in its folder, seen through a one-layer read-only overlay of the folder.
    ///
    /// - Rule: R30, R91. Whiteouts in the folder's root are gone: `super.c:ovl_get_root` marks the
    ///   root `OVL_WHITEOUTS`, so `readdir.c:ovl_dir_open` reads it merged and drops them, and
    ///   `namei.c:ovl_lookup_single` finds nothing for one (so they hide nothing below the layer
    ///   either). The inner overlay's private xattrs (`trusted.overlay.*`, its default prefix) are
    ///   its own: from 6.7 (``KernelChanges/escapedXattrs``) `xattrs.c:ovl_own_xattr_get` and
    ///   `ovl_listxattr` show an escaped `trusted.overlay.overlay.X` as `trusted.overlay.X`, so the
    ///   job's overlay reads markers written escaped (whiteouts, opaque dirs, redirects); before
    ///   6.7 `super.c:ovl_own_xattr_get` refuses every `trusted.overlay.*` name (EOPNOTSUPP) and
    ///   `inode.c:ovl_listxattr` hides them all. Other xattrs (`user.overlay.*` too) pass through.
    ///   A folder that is the inner overlay's upper over an empty lower (a writable holder,
    ///   ``MountSpec/HeldLowerZero/upper``) is shown by the same rules: its root is merged with
    ///   that lower (`super.c:ovl_get_root` sets `OVL_WHITEOUTS`), a dir below it is upper-only and
    ///   read as the real dir (`inode.c:ovl_get_inode` sets `OVL_WHITEOUTS` only for a dir with
    ///   upper and lower, more lowers or an origin). An opaque marker `trusted.overlay.opaque=y`
    ///   on a dir there is the inner overlay's and only hides the empty lower
    ///   (`namei.c:ovl_lookup_single` stops at it; `ovl_get_root` does not read it), so it is gone
    ///   without a trace.
    ///   A whiteout below the root is different: its dir is in the folder only, so
    ///   `inode.c:ovl_get_inode` does not set `OVL_WHITEOUTS` (only for a dir with upper and
    ///   lower, more lowers or an origin) and `readdir.c:ovl_dir_open` reads it as the real dir
    ///   (`is_real`): `ovl_iterate` lists the whiteout as a char device with its real d_ino
    ///   (`ovl_iterate_real` only remaps with xino bits, which a one-fs inner overlay has none
    ///   of), while `namei.c:ovl_lookup_single` stops at it (`ovl_path_is_whiteout`, 6.1:
    ///   `ovl_is_whiteout`) and the inner lookup is negative. Such a whiteout is
    ///   ``listedWhiteouts``: gone from the layer the job looks names up in (so it hides nothing
    ///   below), but still listed (``OverlayModel/listedWhiteoutTypes(_:of:_:)``).
    /// - Parameters:
    ///   - escapes: the kernel unescapes `trusted.overlay.overlay.*`.
    ///   - asUpper: the folder is the inner overlay's upper over an empty lower.
    /// - Returns: the layer, the whiteouts below its root the inner overlay lists but does not
    ///   look up, and why the model cannot follow it: an unescaped `trusted.overlay.*` xattr (the
    ///   inner overlay acts on it itself).
    func seenThroughOverlay(escapes: Bool, asUpper: Bool = false)
        -> (layer: Layer, listedWhiteouts: Set<RelPath>, unpredicted: String?) {
        let prefix = XattrPrefix.trusted.rawValue
        var why: String?
        func seen(_ xattrs: [String: String], at path: RelPath, dir: Bool) -> [String: String] {
            var out: [String: String] = [:]
            for (name, value) in xattrs {
                guard name.hasPrefix(prefix) else { out[name] = value; continue }
                let rest = name.dropFirst(prefix.count)
                if asUpper, dir, rest == OvlXattr.opaque.rawValue, value == "y" { continue }
                if rest.hasPrefix("overlay.") {
                    if escapes { out[prefix + rest.dropFirst("overlay.".count)] = value }
                } else {
                    why = why ?? "\(name) on \(path) in a folder under an overlay lower: the inner overlay acts on it itself"
                }
            }
            return out
        }
        var out = self
        var listed = Set<RelPath>()
        out.root.xattrs = seen(root.xattrs, at: .root, dir: true)
        for (path, node) in entries {
            if node.kind == .whiteout {
                out.entries[path] = nil
                if path.parent?.isRoot != true { listed.insert(path) }
                continue
            }
            out.entries[path]?.xattrs = seen(node.xattrs, at: path, dir: node.kind.isDir)
        }
        return (out, listed, why)
    }
}
