extension OverlayModel {
    /// True when every layer is on one filesystem: `super.c:ovl_get_layers` counts
    /// `numfs - !upper == 1`.
    var allOnOneFS: Bool { upper == nil ? layerFsids.numfs == 2 : environment.samefs }

    /// How many high st_ino bits xino uses (R56), 0 when xino is not in effect.
    ///
    /// `super.c:ovl_fill_super` assumes 32 (`BITS_PER_LONG - 32`); `ovl_lower_dir` and
    /// `ovl_make_workdir` drop that to "compute" (-1) for a layer fs whose handles are not
    /// `generic_encode_ino32_fh` (`util.c:ovl_can_decode_fh`: ext4 has them, xfs does not);
    /// `ovl_get_layers` then makes it 0 when all layers share one fs, and otherwise
    /// `ilog2(numfs - 1) + 2` (2 for the upper slot plus one lower fs). Between
    /// ``KernelChanges/encodeFhMandatory`` and ``KernelChanges/ino32Detection`` no fs counts as 32-bit.
    public var xinoBits: Int {
        guard options.xino != .off, !allOnOneFS else { return 0 }
        let detects32 = !environment.has(KernelChanges.encodeFhMandatory) || environment.has(KernelChanges.ino32Detection)
        let ino32 = detects32 && lowers.indices.allSatisfy { ino32Handles(lowerFilesystem($0)) }
            && (upper == nil || ino32Handles(upperFilesystem))
        if ino32 { return 32 }
        var log2 = 0
        while (2 << log2) <= layerFsids.numfs - 1 { log2 += 1 }
        return log2 + 2
    }

    /// `fs` counts as a 32-bit inode fs on this kernel (`util.c:ovl_can_decode_fh`).
    private func ino32Handles(_ fs: LayerFilesystem) -> Bool {
        fs.ino32Handles && !(fs.ownHandlesSince.map(environment.has) ?? false)
    }

    /// The `overlayfs:` lines about xino the mount logs (`super.c:ovl_get_layers`).
    var xinoLog: [String] {
        // The "xino=on is useless" line for one fs is logged with the other option lines
        // (``establishMount(log:)``).
        let bits = xinoBits
        return bits > 0 ? ["overlayfs: \"xino\" feature enabled using \(bits) upper inode bits."] : []
    }

    /// The model's identity of upper object `path`, numbering it on first use.
    mutating func upperRef(_ path: RelPath) -> InodeRef {
        if let serial = upper?[path]?.inode { return .upper(serial: serial) }
        let serial = nextInode
        nextInode += 1
        upper?[path]?.inode = serial
        return .upper(serial: serial)
    }

    /// The real object whose inode number the overlay object at `path` reports, and its fsid.
    ///
    /// - Rule: R54/R57. `inode.c:ovl_getattr`: a non-upper object reports its topmost lower; an
    ///   upper one with a usable origin (`OVL_CONST_INO`: a merged directory, or a copy-up that
    ///   stored `X.origin`, which `copy_up.c:ovl_do_copy_up` does for dirs, nlink==1 lowers and
    ///   indexed ones) reports the origin; anything else the upper inode. With nfs_export the
    ///   origin counts only when indexed ("!ovl_verify_lower(...) && ..." in `ovl_getattr`): a
    ///   merged upper directory the overlay did not copy up reports its upper ino (seen on 6.12). The root reports the
    ///   upper root (`super.c:ovl_get_root` sets no `OVL_CONST_INO`).
    mutating func numberSource(_ path: RelPath, _ r: Resolution) -> (ref: InodeRef, fsid: Int) {
        if path.isRoot {
            return upper != nil ? (upperRef(.root), 0) : (lowerRef(0, .root), fsid(ofLayer: 0))
        }
        if !r.inUpper, let l = r.lowers.first { return (lowerRef(l.layer, l.path), fsid(ofLayer: l.layer)) }
        // With nfs_export (`verify_lower`) only an indexed origin fixes st_ino.
        if r.node.kind.isDir, let l = r.lowers.first, !options.nfsExport || index[lowerKey(l.layer, l.path)] != nil {
            return (lowerRef(l.layer, l.path), fsid(ofLayer: l.layer))
        }
        if !r.node.kind.isDir, let origin = r.node.origin, !isStale(origin) { return (origin, fsid(of: origin)) }
        if let l = dataLowerByName(path, r) { return (lowerRef(l.layer, l.path), fsid(ofLayer: l.layer)) }
        return (upperRef(path), 0)
    }

    /// The data file a metacopy upper without a usable origin found by name, when it counts as the
    /// upper's origin: it is in the stack, and `inode.c:ovl_hash_bylower` hashes the inode by it
    /// (`OVL_CONST_INO`, read as OVL_TYPE_ORIGIN by `ovl_getattr` and `dir.c:ovl_rename`) unless it
    /// is hardlinked or nfs_export wants an index (R57, R78).
    func dataLowerByName(_ path: RelPath, _ r: Resolution) -> (layer: Int, path: RelPath)? {
        guard r.inUpper, !r.node.kind.isDir, let u = upper?[path], isMetacopy(u), let l = r.lowers.first,
              !options.nfsExport, lowerLinkCount(l.layer, l.path) == 1 else { return nil }
        return l
    }

    /// st_ino and st_dev of the overlay object at `path` (R54–R56, `inode.c:ovl_map_dev_ino`).
    ///
    /// samefs: the source's real ino on the overlay dev. xino: the real ino with the fsid in the
    /// high bits, on the overlay dev. Otherwise a directory gets a counter ino
    /// (`inode.c:ovl_map_ino`) on the overlay dev, and a non-directory its real ino on the pseudo
    /// dev of its fs (R55).
    mutating func inodeNumbers(_ path: RelPath, _ r: Resolution) -> (InoValue, DevValue) {
        let (ref, fsid) = numberSource(path, r)
        let overlay = DevValue.overlay(generation: mountGeneration)
        if allOnOneFS { return (.real(ref, fsid: 0, xinoBits: 0), overlay) }
        let bits = xinoBits
        if bits > 0 { return (.real(ref, fsid: fsid, xinoBits: bits), overlay) }
        if r.node.kind.isDir { return (dirCounter(path, r), overlay) }
        return (.real(ref, fsid: 0, xinoBits: 0), .pseudo(fsid: fsid, generation: mountGeneration))
    }

    /// What names a directory's overlay inode: its topmost lower, else its upper.
    mutating func dirIdentity(_ path: RelPath, _ r: Resolution) -> InodeRef {
        r.lowers.first.map { lowerRef($0.layer, $0.path) } ?? upperRef(path)
    }

    /// `drop_caches` or the `shrink_dcache_sb` of a reconfigure: every unused dentry goes, and its
    /// overlay inode with it (`super.c`: `drop_inode = generic_delete_inode`), so an evicted
    /// directory gets a new counter ino (R55). A dentry in use stays, and so does each of its
    /// ancestors (a dentry holds a reference to its parent, `fs/dcache.c:d_alloc`): the
    /// directories an open fd or a running program is in, or an fd's own directory, keep their
    /// inode and number.
    mutating func dropDentryCache() {
        var kept: [InodeRef: Int] = [:]
        var probe = self
        for p in Set(openFiles.values.map(\.path) + running) {
            var dir: RelPath? = p
            while let d = dir, !d.isRoot {
                if case .success(let r) = probe.lookup(d), r.node.kind.isDir {
                    let identity = probe.dirIdentity(d, r)
                    kept[identity] = keptDirEpochs[identity] ?? cacheEpoch
                }
                dir = d.parent
            }
        }
        keptDirEpochs = kept
        cacheEpoch += 1
        dropUnbackedOrigins()
        evictInodes()
    }

    /// The counter ino of a directory without a unified st_ino space (R55). The overlay inode of a
    /// directory lives until it is evicted (a remount, or drop_caches for any but the root), and
    /// keeps its number across copy-up: it is identified by its topmost lower, else its upper.
    mutating func dirCounter(_ path: RelPath, _ r: Resolution) -> InoValue {
        if path.isRoot { return .counter(2) }
        let identity = dirIdentity(path, r)
        return .volatile(key: "\(identity) (cache epoch \(keptDirEpochs[identity] ?? cacheEpoch))", generation: mountGeneration)
    }

    /// d_ino of the entry at `path` in a listing (R59, `readdir.c`).
    ///
    /// With samefs or xino (`ovl_same_dev`), `readdir.c:ovl_cache_update` and `ovl_iterate_real`
    /// rewrite d_ino to st_ino. Otherwise `ovl_cache_update` returns early ("if
    /// (!ovl_same_dev(ofs) ...) goto out") and d_ino is the raw ino of the topmost real object:
    /// for a copied-up non-directory the *upper* ino while st_ino is the origin's (settled on 6.12).
    ///
    /// With samefs and no xino an upper entry keeps its native d_ino — the upper inode — unless
    /// its directory is impure (`readdir.c:ovl_calc_d_ino`, `nativeUpper`): a merged directory
    /// whose upper has no origin yet then shows its upper ino in d_ino and its lower ino in st_ino.
    mutating func direntIno(_ path: RelPath, _ r: Resolution, nativeUpper: Bool = false) -> InoValue {
        if xinoBits > 0 { return inodeNumbers(path, r).0 }
        if allOnOneFS, nativeUpper, r.inUpper { return .real(upperRef(path), fsid: 0, xinoBits: 0) }
        if allOnOneFS { return inodeNumbers(path, r).0 }
        if r.inUpper { return .real(upperRef(path), fsid: 0, xinoBits: 0) }
        guard let l = r.lowers.first else { return .real(upperRef(path), fsid: 0, xinoBits: 0) }
        return .real(lowerRef(l.layer, l.path), fsid: 0, xinoBits: 0)
    }

    /// The final upper path of every numbered upper inode (for the checker to find its number).
    public var upperPathsBySerial: [Int: RelPath] {
        var out: [Int: RelPath] = [:]
        guard let u = upper else { return out }
        if let s = u.root.inode { out[s] = .root }
        for (path, node) in u.entries.sorted(by: { $0.key < $1.key }) {
            if let s = node.inode, out[s] == nil { out[s] = path }
        }
        return out
    }

    /// True when the model predicts that two stat results show one inode (same st_dev and st_ino).
    /// Lower hardlinks of one layer are one inode (``Node/inode``): a `link:` entry of a built
    /// layer, or a hardlink an earlier stage made in what is now a lower (``lowerRef`` names its
    /// names as remade offline by that stage).
    public func predictsSameInode(_ a: StatView, _ b: StatView) -> Bool {
        func canonical(_ v: InoValue?) -> InoValue? {
            guard case .real(let ref, let fsid, let bits)? = v else { return v }
            let k: Int, p: RelPath
            switch ref {
            case .lower(let layer, let path), .replacedLower(let layer, let path, _): (k, p) = (layer, path)
            case .upper: return v
            }
            guard let group = lowers[k][p]?.inode else { return v }
            let first = lowers[k].entries.filter { $0.value.inode == group }.keys.min() ?? p
            return .real(lowerRef(k, first), fsid: fsid, xinoBits: bits)
        }
        return a.dev == b.dev && canonical(a.ino) == canonical(b.ino)
    }

    /// The inode `/proc/locks` shows for a lock on `path`: `i_ino` of the overlay inode and the
    /// overlay's device.
    ///
    /// - Rule: R60. `inode.c:ovl_map_ino` sets `i_ino` to the number st_ino reports ("so inode
    ///   number exposed via /proc/locks and a like will be consistent with d_ino and st_ino"):
    ///   the origin's for a copied-up file, a counter for a directory without a unified space.
    ///   The device is always the overlay super block's, even where st_dev is a pseudo dev (R55).
    mutating func procLocks(_ path: RelPath) -> Outcome {
        switch follow(path) {
        case .failure(let e): return .failed(e)
        case .success(let (p, r)):
            if r.node.kind.isDir { return .failed(.EISDIR) }
            let view = StatView(type: r.node.kind.fileType, ino: inodeNumbers(p, r).0, dev: .overlay(generation: mountGeneration))
            return .ok(.stat(view))
        }
    }
}
