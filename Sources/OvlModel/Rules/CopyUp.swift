extension OverlayModel {
    /// Copies `path` up to the upper layer if it is not there yet, parents first.
    ///
    /// - Rule: R38 (triggers are the callers), R39 (parents first, contents not copied),
    ///   R40 (type, mode, owner, mtime, data, symlink target kept), R41 (xattrs copied except the
    ///   private ones), R45 (`X.origin` for a directory or a lower file with nlink 1), R46 (the upper
    ///   parent becomes `X.impure=y`), R42 (the parent's mtime is restored, so it stays unchanged).
    ///   Kernel: `copy_up.c:ovl_copy_up_flags`, `ovl_do_copy_up`, `ovl_copy_xattr`, `ovl_set_impure`.
    /// - Parameter metadataOnly: the trigger changes metadata only (setattr, xattrs): with
    ///   metacopy=on a regular file then gets no data (R77). Otherwise a metacopy upper gets its
    ///   data now (R79).
    mutating func copyUp(_ path: RelPath, metadataOnly: Bool = false) {
        guard upper != nil, !path.isRoot, case .success(let r) = lookup(path) else { return }
        if r.inUpper {
            guard !metadataOnly else { return }
            if let u = upper?[path], isMetacopy(u), (r.node.size ?? 0) > 0, let e = capabilityRefusal(u.xattrs) {
                failedCopyUp = (e, path)
                return
            }
            completeDataCopyUp(path, r)
            return
        }
        if let parent = path.parent {
            copyUp(parent)
            if failedCopyUp != nil { return }
        }
        // R79: the data of a lower metacopy file is copied up to the metacopy inode's own size.
        var node = r.node.copiedUpData
        node.inode = nil
        let indexed = !node.kind.isDir && options.index
            && (options.nfsExport || r.lowers.first.map { lowerLinkCount($0.layer, $0.path) > 1 } == true)
        if !upperLacksXattrs, let e = capabilityRefusal(node.xattrs) {
            // The parent was marked impure before the copy failed (not for an indexed copy-up).
            if !indexed { markImpure(path.parent ?? .root) }
            failedCopyUp = (e, path)
            return
        }
        // R44: whatever way the upper file is made below, its data is copied (or cloned) then.
        let digest = verityDigest(ofDataOf: r)
        let copiesData = !metadataOnly || !metadataOnlyCopyUp(r.node, digest: digest)
        defer { if copiesData { noteDataCopy(path, from: r, setsSize: true) } }
        // copy_up.c:ovl_copy_xattr copies nothing to an upper without xattrs (R10).
        node.xattrs = upperLacksXattrs ? [:] : copiedXattrs(node.xattrs)
        if !node.kind.isDir, let l = r.lowers.first {
            let nlink = lowerLinkCount(l.layer, l.path)
            if options.index && (nlink > 1 || options.nfsExport) {
                copyUpIndexed(path, r.node.copiedUpData, from: l, lowerNlink: nlink, metadataOnly: metadataOnly, digest: digest)
                markImpure(path.parent ?? .root)
                return
            }
            if nlink > 1 {
                // R64: without index a lower hardlink is broken: a new upper inode, no X.origin
                // (`copy_up.c:ovl_do_copy_up` stores an origin only for dirs, nlink==1 or indexed).
                // Metacopy still applies (R77; seen on 6.12): the data is found by name or redirect.
                if metadataOnly, metadataOnlyCopyUp(node, digest: digest) { node = metacopyNode(node, digest: digest) }
                upper?[path] = node
                markImpure(path.parent ?? .root)
                return
            }
        }
        if !upperLacksXattrs { node.xattrs[prefix[.origin]] = originValue(layer: r.lowers.first?.layer ?? 0) }
        node.origin = r.lowers.first.map { lowerRef($0.layer, $0.path) }
        if metadataOnly, metadataOnlyCopyUp(node, digest: digest) { node = metacopyNode(node, digest: digest) }
        upper?[path] = node
        if node.kind.isDir, options.nfsExport, let l = r.lowers.first { indexDirectory(l) }
        markImpure(path.parent ?? .root)
    }

    /// A private overlay xattr (`X.*` but not the escaped `X.overlay.*`; before 6.7 that too,
    /// ``KernelChanges/escapedXattrs``) — never copied up (R41) and never visible through the
    /// overlay (R91). Kernel: `xattrs.c:ovl_is_private_xattr`.
    func isPrivate(_ name: String) -> Bool {
        prefix.holds(name) && (!name.hasPrefix(prefix.escaped) || !environment.has(KernelChanges.escapedXattrs))
    }
}
