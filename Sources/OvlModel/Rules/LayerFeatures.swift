/// What overlayfs does on layer filesystems that lack features (R10, R12, R28): the probes and
/// fallbacks at mount, and the steps that then behave differently.
extension OverlayModel {
    /// The filesystem of the upper layer and work dir.
    var upperFilesystem: LayerFilesystem { LayerFilesystem.named(environment.filesystems.upper) }
    /// Some lower layer (a data layer too) is on a filesystem that cannot decode file handles: the
    /// kernel asks each layer's own superblock (`super.c:ovl_lower_dir` → `util.c:ovl_can_decode_fh`
    /// for every lowerdir), so one overlay among ext4 lowers (`layer_fs: {lowers: [ext4, overlay]}`) is enough.
    var lowersLackFileHandles: Bool { lowers.indices.contains { !lowerFilesystem($0).decodesHandles } }

    /// The filesystem of the real lower object the overlay object `r` shows (its topmost lower),
    /// which answers what the overlay hands on to it (xattrs, FS_IOC_GETFLAGS).
    func topLowerFilesystem(_ r: Resolution) -> LayerFilesystem { lowerFilesystem(r.lowers.first?.layer ?? 0) }

    /// `ofs->noxattr`: the upper fs refused `X.opaque` on `work/` (`super.c:ovl_make_workdir`);
    /// from then on `util.c:ovl_check_setxattr` writes no private xattr and returns the caller's
    /// `xerr` (0 for origin and impure, EIO for an opaque dir).
    var upperLacksXattrs: Bool { upper != nil && !upperFilesystem.xattrs }

    /// The upper fs reports DT_UNKNOWN in getdents64 (R28).
    var upperLacksDType: Bool { upper != nil && !upperFilesystem.dType }

    /// `ofs->nofh`: some layer cannot decode file handles (`super.c:ovl_lower_dir`,
    /// `ovl_make_workdir`): `ovl_fill_super` then installs no export operations at all.
    var layersLackFileHandles: Bool {
        lowersLackFileHandles || (upper != nil && !upperFilesystem.decodesHandles)
    }

    /// The probes `fill_super` runs on the layer filesystems, and the option fallbacks they force.
    ///
    /// - Rule: R10 (`super.c:ovl_make_workdir`: d_type, tmpfile, RENAME_WHITEOUT and xattr probes in
    ///   the work dir — a local upper only warns; without xattrs redirect_dir falls back to nofollow,
    ///   metacopy, index and uuid to off/null, xino=auto to off; an upper without file handles
    ///   forces index off, and nfs_export then needs index). R12 (`super.c:ovl_lower_dir`, once per
    ///   lower layer: the first lower fs without file handles turns index and nfs_export off, and
    ///   xino=auto off with an upper; the later ones find nothing left to turn off).
    ///   R16 (xino=auto). Then `ovl_get_fsid`'s UUID check (``uuidFallback()``); the lower fs's null
    ///   uuid never adds a line there: by then `ovl_lower_dir` has already turned off everything
    ///   that warning would.
    /// - Returns: the kernel-log lines, each as the checker must find it in a line of the log
    ///   (a lower's warning names its path, so only the text after the path is given).
    mutating func probeLayerFeatures() -> [String] {
        probeDirFeatures() + uuidFallback()
    }

    /// ``probeLayerFeatures()`` up to `ovl_get_layers`: `ovl_make_workdir`'s and `ovl_lower_dir`'s
    /// lines, without `ovl_get_fsid`'s.
    mutating func probeDirFeatures() -> [String] {
        var log: [String] = []
        if upper != nil {
            let fs = upperFilesystem
            if !fs.dType { log.append("overlayfs: upper fs needs to support d_type.") }
            if !fs.renameWhiteout { log.append("overlayfs: upper fs does not support RENAME_WHITEOUT.") }
            if !fs.xattrs, !environment.has(KernelChanges.redirectModeEnum) {
                // Before 6.5: redirect_dir and uuid stay, index and metacopy go in one line.
                log.append("overlayfs: failed to set xattr on upper")
                if options.index || options.metacopy {
                    options.index = false
                    options.metacopy = false
                    log.append("overlayfs: ...falling back to index=off,metacopy=off.")
                }
                if options.xino == .auto {
                    options.xino = .off
                    log.append("overlayfs: ...falling back to xino=off.")
                }
            } else if !fs.xattrs {
                log.append("overlayfs: failed to set xattr on upper")
                if options.redirect != .nofollow {
                    options.redirect = .nofollow
                    log.append("overlayfs: ...falling back to redirect_dir=nofollow.")
                }
                if options.metacopy {
                    options.metacopy = false
                    log.append("overlayfs: ...falling back to metacopy=off.")
                }
                if options.index {
                    options.index = false
                    log.append("overlayfs: ...falling back to index=off.")
                }
                if options.uuid == .on || options.uuid == .auto {
                    options.uuid = .null
                    log.append("overlayfs: ...falling back to uuid=null.")
                }
                if options.xino == .auto {
                    options.xino = .off
                    log.append("overlayfs: ...falling back to xino=off.")
                }
            }
            if !fs.decodesHandles, options.index {
                options.index = false
                log.append("overlayfs: upper fs does not support file handles, falling back to index=off.")
            }
            if options.nfsExport, !options.index {
                options.nfsExport = false
                log.append("overlayfs: NFS export requires \"index=on\", falling back to nfs_export=off.")
            }
        }
        if lowersLackFileHandles {
            if options.nfsExport || (options.index && upper != nil) {
                options.index = false
                options.nfsExport = false
                log.append("does not support file handles, falling back to index=off,nfs_export=off.")
            }
            if options.xino == .auto, upper != nil {
                options.xino = .off
                log.append("does not support file handles, falling back to xino=off.")
            }
        }
        return log
    }

    /// The `X.origin` value a copy-up (or `namei.c:ovl_fix_origin`) stores for an object of a
    /// lower layer: a file handle, or the empty "null fh" when the lower fs cannot decode handles
    /// and index is off (`copy_up.c:ovl_get_origin_fh`: "store a 'null' fh, so we can use the
    /// overlay.origin xattr to distinguish between a copy up and a pure upper inode"). The
    /// question is asked of the origin's own superblock (`origin->d_sb`), so lower layer `k`'s fs:
    /// over a holder of lower 0 (``MountSpec/holdsLowerZero``) an object of lower 1 gets a handle.
    func originValue(layer k: Int) -> String {
        !options.index && !lowerFilesystem(k).decodesHandles ? "" : XattrPattern.fileHandle
    }

    /// Forgets the in-memory origins that no `X.origin` handle backs: after an overlay inode is
    /// evicted (a remount, drop_caches), `namei.c:ovl_lookup` finds the origin only through the
    /// xattr, and a null fh (or none, on an upper without xattrs) is no origin. Within one mount
    /// the copied-up inode keeps its lower (`OVL_CONST_INO` from `inode.c:ovl_get_inode`), so st_ino
    /// stays the lower's until then (R57).
    ///
    /// An origin on a lower fs marked `bad_uuid` (R12) is not decoded either:
    /// `namei.c:ovl_check_origin_fh` skips those layers (all but fsid 0, the upper's fs), and
    /// `ovl_check_origin` takes the ESTALE as no origin.
    ///
    /// An inode an open fd or a running program holds is not evicted: it keeps its lower.
    mutating func dropUnbackedOrigins() {
        guard let u = upper else { return }
        let bad = layerFsids.badUUID.subtracting([0])
        let heldPaths = Set(openFiles.values.filter { $0.removed == nil }.map(\.path) + running)
        let heldInodes = Set(heldPaths.compactMap { u[$0]?.inode })
        for (path, node) in u.entries where !node.kind.isDir && node.origin != nil {
            if heldPaths.contains(path) || node.inode.map(heldInodes.contains) == true { continue }
            let value = node.xattrs[prefix[.origin]]
            if value == nil || value == "" || node.origin.map({ bad.contains(fsid(of: $0)) }) == true {
                upper?[path]?.origin = nil
            }
        }
    }

    /// The step outcomes an upper without xattrs decides before the generic rules, or nil.
    ///
    /// - Rule: R10. `dir.c:ovl_clear_empty` (rmdir of a directory whose upper holds whiteouts)
    ///   and `dir.c:ovl_create_over_whiteout` (mkdir where a whiteout is) both need `X.opaque`:
    ///   `ovl_set_opaque` fails with EIO, after the parent was copied up.
    /// - Note: steps whose outcome the upper fs's missing xattrs decide in ways the model does not
    ///   follow (xattr steps, chattr, renames of directories) mark the case unpredicted.
    mutating func noXattrOutcome(_ op: Operation) -> Outcome? {
        guard upperLacksXattrs else { return nil }
        switch op {
        case .mkdir(let p, _):
            guard let parent = p.parent, case .success = lookup(parent), case .failure(.ENOENT) = lookup(p),
                  upper?[p]?.kind == .whiteout else { return nil }
            copyUp(parent)
            return .failed(.EIO)
        case .rmdir(let p):
            guard case .success(let r) = lookup(p), r.node.kind.isDir, !p.isRoot, lowerPositive(p),
                  mergedChildren(p, of: r).isEmpty,
                  upper?.children(of: p).contains(where: { upper?[p.appending($0)]?.kind == .whiteout }) == true
            else { return nil }
            copyUp(p.parent ?? .root)
            return .failed(.EIO)
        case .setxattr, .getxattr, .removexattr, .listxattr, .chattr:
            unpredicted = unpredicted ?? "\(op.name) on an upper without xattrs"
            return nil
        case .rename(let from, _, _):
            if case .success(let r) = lookup(from), r.node.kind.isDir {
                unpredicted = unpredicted ?? "rename of a directory on an upper without xattrs"
            }
            return nil
        default:
            return nil
        }
    }

    /// rmdir on an upper without d_type (R28): `readdir.c:ovl_check_empty_dir` recognises a
    /// whiteout only by DT_CHR (`ovl_cache_entry_new` keeps DT_CHR entries as whiteout candidates),
    /// so an upper whiteout inside a merged directory counts as an entry: ENOTEMPTY.
    mutating func unknownTypeBlocksRmdir(_ path: RelPath) -> Bool {
        guard upperLacksDType, let u = upper, lowerPositive(path) else { return false }
        return u.children(of: path).contains { u[path.appending($0)]?.kind == .whiteout }
    }

    /// The d_types readdir of a directory shows on an upper without d_type (R28): every name the
    /// upper holds is DT_UNKNOWN, and its whiteouts stay listed unless readdir looks the name up
    /// to recalculate its d_ino (`readdir.c:ovl_calc_d_ino`, `ovl_cache_update`: only with
    /// `ovl_same_dev` — samefs or xino — and then a whiteout's lookup is negative and drops it).
    /// - Parameter listed: the names and d_types the generic rules list.
    func unknownTypes(_ path: RelPath, of dir: Resolution, _ listed: [String: FileType]) -> [String: FileType] {
        let fromLowers = lowerUnknownTypes(path, of: dir, listedWhiteoutTypes(path, of: dir, listed))
        guard upperLacksDType, dir.inUpper, let u = upper else { return fromLowers }
        var out = fromLowers
        let merged = !readsReal(path, dir)
        for name in u.children(of: path) {
            let child = path.appending(name)
            if out[name] != nil || (u[child]?.kind == .whiteout && merged && !readdirLooksUp(name, in: path, of: dir)) { out[name] = .unknown }
        }
        return out
    }

    /// The names `readdir.c:ovl_dir_read_merged` takes from a lower layer of directory `dir`
    /// (no upper entry and no earlier lower has the name: `ovl_cache_entry_add_rb` keeps the first),
    /// each with that layer and its path there; a whiteout a lower's overlay lists
    /// (``listedWhiteouts``) counts as an entry.
    func namesFromLowers(_ path: RelPath, of dir: Resolution) -> [(name: String, layer: Int, path: RelPath)] {
        var out: [(name: String, layer: Int, path: RelPath)] = []
        var seen = Set<String>()
        if dir.inUpper, let u = upper { seen.formUnion(u.children(of: path)) }
        for (layer, lp) in dir.lowers {
            let listed = (listedWhiteouts[layer] ?? []).filter { $0.parent == lp }.map(\.name)
            for name in Set(lowers[layer].children(of: lp) + listed).sorted() where !seen.contains(name) {
                out.append((name, layer, lp.appending(name)))
                seen.insert(name)
            }
        }
        return out
    }

    /// R28 for lowers without d_type: a name the listing takes from a lower
    /// (``namesFromLowers(_:of:)``) has that fs's DT_UNKNOWN, and a whiteout of such a lower is not
    /// recognised (only DT_CHR is, in `ovl_cache_entry_new`): it is listed unless readdir looks
    /// names up for d_ino (xino).
    func lowerUnknownTypes(_ path: RelPath, of dir: Resolution, _ listed: [String: FileType]) -> [String: FileType] {
        var out = listed
        let merged = !readsReal(path, dir)
        for (name, layer, lp) in namesFromLowers(path, of: dir) where !lowerFilesystem(layer).dType {
            let whiteout = lowers[layer][lp]?.kind == .whiteout
            if out[name] != nil || (whiteout && merged && xinoBits == 0) { out[name] = .unknown }
        }
        return out
    }

    /// The whiteout of lower layer `layer`'s folder the listing of `dir` takes `name` from: one
    /// the layer's overlay lists but does not look up (``listedWhiteouts``), or nil.
    func listedWhiteout(_ name: String, in path: RelPath, of dir: Resolution) -> (layer: Int, path: RelPath)? {
        guard !listedWhiteouts.isEmpty else { return nil }
        return namesFromLowers(path, of: dir).first { $0.name == name && listedWhiteouts[$0.layer]?.contains($0.path) == true }
            .map { ($0.layer, $0.path) }
    }

    /// R30, R91 for a whiteout below the root of an overlay lower's folder (``listedWhiteouts``),
    /// shaped like R28's ``lowerUnknownTypes(_:of:_:)``: the inner overlay lists it as DT_CHR
    /// but its lookup is negative. The job's merged readdir (`readdir.c:ovl_dir_read_merged` →
    /// `ovl_fill_merge` → `ovl_cache_entry_new`) takes a DT_CHR entry as a maybe-whiteout, and
    /// `ovl_check_whiteouts` looks it up in the inner overlay: a negative dentry is no
    /// `ovl_is_whiteout`, so the entry stays, with the type of the first layer that has the name.
    /// Readdir looks it up again only for d_ino (``readdirLooksUp(_:in:of:)``: `ovl_cache_update`
    /// needs `ovl_same_dev`, and an overlay lower is never samefs with the upper, so xino bits):
    /// a failed lookup marks it stale and drops it, a lower below that has the name keeps it. A
    /// dir the job reads as the real one (``readsReal(_:_:)``) lists it as the inner overlay does.
    /// The same on 6.1 (`ovl_cache_update_ino`, `ovl_is_whiteout` in `ovl_lookup_single`).
    /// - Parameter listed: the names and d_types the generic rules list (lookups that succeeded).
    func listedWhiteoutTypes(_ path: RelPath, of dir: Resolution, _ listed: [String: FileType]) -> [String: FileType] {
        guard !listedWhiteouts.isEmpty else { return listed }
        var out = listed
        let merged = !readsReal(path, dir)
        for (name, layer, lp) in namesFromLowers(path, of: dir) where listedWhiteouts[layer]?.contains(lp) == true {
            if !merged || out[name] != nil || !readdirLooksUp(name, in: path, of: dir) { out[name] = .chardev }
        }
        return out
    }

    /// rmdir of, or a rename over, a directory whose listing takes a name from a whiteout an overlay
    /// lower lists (``listedWhiteoutTypes(_:of:_:)``): `readdir.c:ovl_check_empty_dir` reads it
    /// merged, `ovl_check_whiteouts` finds no whiteout, and the entry makes it ENOTEMPTY.
    func listedWhiteoutBlocksRemoval(_ path: RelPath, of dir: Resolution) -> Bool {
        !listedWhiteouts.isEmpty && namesFromLowers(path, of: dir).contains { listedWhiteouts[$0.layer]?.contains($0.path) == true }
    }
}
