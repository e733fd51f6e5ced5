extension OverlayModel {
    /// True when `node` is a regular file marked `X.metacopy` (``WalkPolicy/isMetacopy(_:)``).
    func isMetacopy(_ node: Node) -> Bool { WalkPolicy(options: options, environment: environment).isMetacopy(node) }

    /// What a metadata-only copy-up writes for a regular file (R77): the upper file is sized like
    /// the lower but holds no data (a hole, read on disk as zeros) and gets `X.metacopy`
    /// (`copy_up.c:ovl_copy_up_metadata` → `util.c:ovl_set_metacopy_xattr`: empty, or the header
    /// and the data file's fs-verity `digest` with verity=on/require, R82; `ovl_set_size` sets
    /// st_size).
    func metacopyNode(_ node: Node, digest: [UInt8]?) -> Node {
        guard case .file(let data) = node.kind else { return node }
        var out = node
        if let sparse = node.sparse {
            out.setContent(SparseFile(size: sparse.size))
            out.xattrs[prefix[.metacopy]] = Self.metacopyValue(digest: digest)
            return out
        }
        // The metacopy inode's own i_size (R78), which may differ from its data file's.
        let size = node.metacopySize.map(Int.init) ?? data.utf8.count
        out.kind = .file(data: String(repeating: "\u{0}", count: size))
        out.metacopySize = nil
        // R77: no data blocks: the whole file is a hole.
        out.leadingHole = size == 0 ? nil : Int64(size)
        out.xattrs[prefix[.metacopy]] = Self.metacopyValue(digest: digest)
        return out
    }

    /// True when a copy-up of `node` for a metadata change may copy metadata only
    /// (`copy_up.c:ovl_need_meta_copy_up`: metacopy=on and a regular file, and with verity=require
    /// a lower data file with fs-verity, whose `digest` (``verityDigest(ofDataOf:)``) is given).
    func metadataOnlyCopyUp(_ node: Node, digest: [UInt8]?) -> Bool {
        guard options.metacopy, case .file = node.kind else { return false }
        // R82: verity=require falls back to a full copy-up when the data file has no fs-verity.
        return options.verity != .require || digest != nil
    }

    /// R79: opening a metacopy file for write, or truncating it, copies the data into the same
    /// upper inode and removes `X.metacopy` (`copy_up.c:ovl_copy_up_meta_inode_data`).
    /// - Parameter r: the resolution, whose node carries the data found in the lower data file (R78).
    mutating func completeDataCopyUp(_ path: RelPath, _ r: Resolution) {
        guard let u = upper?[path], isMetacopy(u) else { return }
        // A metacopy upper without `X.origin` found its data file by name; the inode keeps that
        // lower in its stack (st_ino, R57) until it is evicted (``dropUnbackedOrigins()``).
        if u.origin == nil, let l = r.lowers.first, !options.nfsExport, lowerLinkCount(l.layer, l.path) == 1 {
            let ref = lowerRef(l.layer, l.path)
            upper?[path]?.origin = ref
        }
        upper?[path]?.takeData(from: r.node.copiedUpData)
        // The data is written into the upper file after its times were set: mtime is now.
        upper?[path]?.mtime = nil
        let key = prefix[.metacopy]
        upper?[path]?.xattrs[key] = nil
        syncInode(from: path)
        noteDataCopy(path, from: r, setsSize: false)
    }

}
extension OverlayModel {
    /// R80: the `X.redirect` a metacopy file gets before a rename or link moves or adds a name
    /// (`dir.c:ovl_set_redirect`): its name for a same-directory rename, else the absolute path
    /// (`ovl_need_absolute_redirect`: also when the lower has nlink>1); an existing redirect is
    /// kept unless an absolute one is needed and it is relative. nil for other files (a file with
    /// its data in the upper is not "merge or lower", `ovl_type_merge_or_lower`).
    mutating func metacopyRedirect(_ path: RelPath, samedir: Bool) -> String? {
        guard let u = upper?[path], isMetacopy(u), case .success(let r) = lookup(path) else { return nil }
        let lowerNlink = r.lowers.first.map { lowerLinkCount($0.layer, $0.path) } ?? 1
        let absolute = !samedir || lowerNlink > 1
        if let existing = u.xattrs[prefix[.redirect]], !absolute || existing.hasPrefix("/") { return existing }
        return absolute ? absoluteRedirect(path) : path.name
    }

    /// `dir.c:ovl_get_redirect` with an absolute redirect: the names from the root down, where an
    /// ancestor's own redirect stands for its name (and an absolute one for everything above it).
    func absoluteRedirect(_ path: RelPath) -> String {
        var out = ""
        var p = path
        while !p.isRoot {
            let name = upper?[p]?.xattrs[prefix[.redirect]] ?? p.name
            if name.hasPrefix("/") { return name + out }
            out = "/" + name + out
            guard let parent = p.parent else { break }
            p = parent
        }
        return out
    }
}

