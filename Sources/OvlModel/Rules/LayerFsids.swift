/// Which filesystem (fsid) each lower layer is on, and the lower filesystems whose UUID overlayfs
/// cannot trust (R12, R55, R56): `super.c:ovl_get_layers` and `ovl_get_fsid`.
struct LayerFsids: Sendable, Equatable {
    /// The fsid of each lower layer, top first (a data layer's is the "null fs" after the others).
    var fsid: [Int]
    /// `ofs->numfs`: the upper's slot 0 (even without an upper) plus one per other lower fs.
    var numfs: Int
    /// The fsids `ovl_lower_uuid_ok` marked `bad_uuid`.
    var badUUID: Set<Int>
    /// The first lower layer whose new fs `ovl_lower_uuid_ok` refused, if any: the fallback and
    /// its warning come from `ovl_get_fsid` on that layer.
    var refusedLayer: Int?

    /// Assigns fsids as `ovl_get_layers` does, layer by layer.
    ///
    /// - Rule: R12. `super.c:ovl_get_fsid`: a lower on a filesystem already seen gets its fsid
    ///   (fsid 0 is the upper's); a new one is checked by `ovl_lower_uuid_ok` first — only with an
    ///   upper or nfs_export — which refuses a null UUID when offline changes are allowed and a UUID
    ///   some *lower* fs already has (`fs[i].is_lower`: the upper fs counts only once a lower sits
    ///   on it), marking that fs `bad_uuid`; the new fs is marked too.
    static func assign(upper: LayerFilesystem?, lowers: [LayerFilesystem], dataLayers: Int, nfsExport: Bool,
                       offlineChangesAllowed: Bool) -> LayerFsids {
        var slots: [(fs: LayerFilesystem?, isLower: Bool)] = [(upper, false)]
        var fsid: [Int] = []
        var bad: Set<Int> = []
        var refused: Int?
        for (k, fs) in lowers.prefix(lowers.count - dataLayers).enumerated() {
            if let known = slots.firstIndex(where: { $0.fs?.identity == fs.identity }) {
                fsid.append(known)
                slots[known].isLower = true
                continue
            }
            var ok = true
            if nfsExport || upper != nil {
                if offlineChangesAllowed, fs.nullUUID {
                    ok = false
                } else if let twin = slots.indices.first(where: { slots[$0].isLower && slots[$0].fs?.uuid == fs.uuid }) {
                    bad.insert(twin)
                    ok = false
                }
            }
            if !ok {
                bad.insert(slots.count)
                refused = refused ?? k
            }
            fsid.append(slots.count)
            slots.append((fs, true))
        }
        fsid += Array(repeating: slots.count, count: dataLayers)
        return LayerFsids(fsid: fsid, numfs: slots.count, badUUID: bad, refusedLayer: refused)
    }
}

extension OverlayModel {
    /// The filesystem of lower layer `k`; on a filesystem sealed per layer (an image, an overlay),
    /// the superblock of `k` (or of the layer it is nested in).
    func lowerFilesystem(_ k: Int) -> LayerFilesystem { Self.lowerFilesystem(k, environment.filesystems, nested: nestedLowers) }

    /// ``lowerFilesystem(_:)`` for the layers of `config`, with `nested` layers.
    static func lowerFilesystem(_ k: Int, _ config: FSConfig, nested: [NestedLayer]) -> LayerFilesystem {
        var fs = LayerFilesystem.named(config.lower(k))
        if fs.sealing?.perLayer == true { fs.image = nested.first { $0.layer == k }?.host ?? k }
        return fs
    }

    /// The fsids of this mount's lower layers (with the options as they stand).
    var layerFsids: LayerFsids { fsids(lowers.indices.map(lowerFilesystem), dataLayers: dataLayerCount) }

    /// ``LayerFsids/assign(upper:lowers:dataLayers:nfsExport:offlineChangesAllowed:)`` for lower
    /// layers on `filesystems` (the last `dataLayers` of them data-only), with this mount's upper
    /// and options as they stand.
    func fsids(_ filesystems: [LayerFilesystem], dataLayers: Int) -> LayerFsids {
        LayerFsids.assign(upper: upper != nil ? upperFilesystem : nil, lowers: filesystems,
                          dataLayers: dataLayers, nfsExport: options.nfsExport,
                          offlineChangesAllowed: !options.index && !options.metacopy && options.redirect != .on
                                                   && options.xino != .on)
    }

    /// The fsid of lower layer `k` (`super.c:ovl_get_fsid`).
    func fsid(ofLayer k: Int) -> Int { layerFsids.fsid[k] }

    /// The fsid of the real object `ref`.
    func fsid(of ref: InodeRef) -> Int {
        switch ref {
        case .lower(let k, _), .replacedLower(let k, _, _): fsid(ofLayer: k)
        case .upper: 0
        }
    }

    /// The fallback `ovl_get_fsid` takes for a lower fs whose UUID `ovl_lower_uuid_ok` refused.
    ///
    /// - Rule: R12, R16. `super.c:ovl_get_fsid`: xino=auto becomes off and index and nfs_export
    ///   off, with "conflicting uuid detected in lower fs '<parent>/<layer>', falling back to
    ///   xino=<mode>,index=off,nfs_export=off." when it changed one of them; "null uuid …" for a
    ///   second squashfs image (file handles, no UUID), whose layer root prints as '/'. ramfs never
    ///   gets here: `ovl_lower_dir` has turned those off for a lower without file handles.
    /// - Returns: the log line, as the checker finds it in the kernel's (from the layer's name on).
    mutating func uuidFallback() -> [String] {
        guard let k = layerFsids.refusedLayer else { return [] }
        return uuidFallback(rootName: rootName(.lower(k)))
    }

    /// ``uuidFallback()`` for a refused layer whose root dentry's name is `rootName`
    /// (``rootName(_:)``): `%pd2` prints "<parent>/<layer>".
    mutating func uuidFallback(rootName: String) -> [String] {
        var warn = false
        if options.xino == .auto { options.xino = .off; warn = true }
        if options.index || options.nfsExport { options.index = false; options.nfsExport = false; warn = true }
        guard warn else { return [] }
        return ["/\(rootName)', falling back to xino=\(options.xino.rawValue),index=off,nfs_export=off."]
    }
}
