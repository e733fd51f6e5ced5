@testable import OvlModel
import Testing

/// Builds a layer from `path: content` pairs (directories implied).
private func layer(_ files: [String: String]) -> Layer {
    var l = Layer()
    for (p, data) in files { if let path = RelPath(parsing: p) { l.entries[path] = Node(kind: .file(data: data)) } }
    l.addMissingParents()
    return l
}

/// A model mounted with its lowers on `lower` and its upper on `upper` (as `layer_fs:` does).
private func mounted(_ lowers: [Layer], lower: String = "ext4", upper: String = "ext4", layers: [String]? = nil,
                     options: [String] = []) -> (OverlayModel, MountObservation) {
    let opts = options.map { o in
        let kv = o.split(separator: "=", maxSplits: 1).map(String.init)
        return MountOption(key: kv[0], value: kv.count > 1 ? kv[1] : nil)
    }
    let fs = FSConfig(lower: layers?.first ?? lower, upper: upper, layers: layers)
    var m = OverlayModel(scenario: Scenario(lowers: lowers, upper: Layer(), options: opts, steps: []),
                         environment: Environment(defaults: .debian, samefs: fs.samefs, fs: fs))
    let observation = m.mount()
    return (m, observation)
}

@Suite("Layer filesystems without features (R10, R12, R28)")
struct LayerFeaturesTests {
    @Test("R10: an upper without xattrs warns and falls back to redirect_dir=nofollow, index=off, uuid=null, xino=off")
    func noXattrFallbacks() {
        let (_, m) = mounted([layer(["f": "x"])], upper: "ramfs", options: ["redirect_dir=on", "index=on", "xino=auto"])
        #expect(m.errno == nil)
        #expect(Set(m.options ?? []) == ["redirect_dir=nofollow", "uuid=null"])
        for line in ["upper fs does not support RENAME_WHITEOUT.", "failed to set xattr on upper",
                     "...falling back to redirect_dir=nofollow.", "...falling back to index=off.",
                     "...falling back to uuid=null.", "...falling back to xino=off."] {
            #expect(m.kernelLog.contains("overlayfs: " + line))
        }
        #expect(!m.kernelLog.contains { $0.contains("d_type") })
    }

    @Test("R10: on an upper without xattrs copy-up writes no X.origin but st_ino stays the lower's until a remount")
    func noXattrCopyUp() {
        var (m, _) = mounted([layer(["d/g": "x"])], upper: "ramfs")
        #expect(m.apply(.write(path("d/g"), data: "new")) == .ok(.none))
        #expect(m.upper?[path("d/g")]?.xattrs == [:])
        #expect(m.upper?[path("d")]?.xattrs == [:])
        guard case .ok(.stat(let before)) = m.apply(.stat(path("d/g"))) else { Issue.record("stat failed"); return }
        #expect(before.ino == .real(.lower(layer: 0, path: path("d/g")), fsid: 0, xinoBits: 0))
        _ = m.apply(.remount)
        guard case .ok(.stat(let after)) = m.apply(.stat(path("d/g"))),
              case .real(.upper, _, _)? = after.ino else { Issue.record("st_ino after remount is not the upper's"); return }
    }

    @Test("R10: without xattrs an opaque dir cannot be made: rmdir over upper whiteouts and mkdir over a whiteout are EIO")
    func noXattrOpaqueIsEIO() {
        var (m, _) = mounted([layer(["e/x": "1", "d/y": "2"])], upper: "ramfs")
        #expect(m.apply(.unlink(path("e/x"))) == .ok(.none))
        #expect(m.apply(.rmdir(path("e"))) == .failed(.EIO))
        #expect(m.upper?[path("e/x")]?.kind == .whiteout)
        var lower = layer(["d/y": "2"])
        lower.entries[path("k")] = Node(kind: .dir)
        var fresh = mounted([lower], upper: "ramfs").0
        #expect(fresh.apply(.rmdir(path("k"))) == .ok(.none))
        #expect(fresh.upper?[path("k")]?.kind == .whiteout)
        #expect(fresh.apply(.mkdir(path("k"), mode: 0o755)) == .failed(.EIO))
        #expect(fresh.apply(.create(path("k"), mode: 0o644)) == .ok(.none))
    }

    @Test("R12: a lower without file handles turns index, nfs_export and xino=auto off; copy-up stores a null origin")
    func lowerWithoutHandles() {
        var (m, obs) = mounted([layer(["d/g": "x"])], lower: "ramfs", options: ["nfs_export=on", "xino=auto"])
        #expect(Set(obs.options ?? []) == ["uuid=on"])
        #expect(obs.kernelLog.contains("does not support file handles, falling back to index=off,nfs_export=off."))
        #expect(obs.kernelLog.contains("does not support file handles, falling back to xino=off."))
        #expect(m.xinoBits == 0)
        #expect(m.apply(.write(path("d/g"), data: "new")) == .ok(.none))
        #expect(m.upper?[path("d/g")]?.xattrs["trusted.overlay.origin"] == "")
        #expect(m.apply(.nameToHandle(path("d/g"), label: "a", fid: false)) == .failed(.EOPNOTSUPP))
        #expect(m.apply(.nameToHandle(path("d/g"), label: "b", fid: true)) == .ok(.handle(HandleView(type: 0x81, upper: nil))))
    }

    @Test("R28: without d_type a merged dir lists upper whiteouts as DT_UNKNOWN and rmdir counts them")
    func noDType() {
        var (m, obs) = mounted([layer(["d/f": "x", "d/g": "y"])], upper: "ext4-nodtype")
        #expect(obs.kernelLog.contains("overlayfs: upper fs needs to support d_type."))
        #expect(m.apply(.unlink(path("d/f"))) == .ok(.none))
        #expect(m.apply(.unlink(path("d/g"))) == .ok(.none))
        guard case .ok(.dirents(let listed)) = m.apply(.readdir(path("d"))) else { Issue.record("readdir failed"); return }
        #expect(listed.mapValues(\.type) == ["f": .unknown, "g": .unknown])
        #expect(m.apply(.rmdir(path("d"))) == .failed(.ENOTEMPTY))
    }

    @Test("R28: without d_type a rename onto a merged dir whose upper holds a whiteout is ENOTEMPTY, as rmdir is")
    func noDTypeRenameTarget() {
        var (m, _) = mounted([layer(["d/f": "x", "s/g": "y"])], upper: "ext4-nodtype", options: ["redirect_dir=on"])
        #expect(m.apply(.unlink(path("d/f"))) == .ok(.none))
        #expect(m.apply(.mkdir(path("e"), mode: 0o755)) == .ok(.none))
        #expect(m.apply(.rename(path("e"), to: path("d"), flags: [])) == .failed(.ENOTEMPTY))
        #expect(m.apply(.rename(path("s"), to: path("d"), flags: [])) == .failed(.ENOTEMPTY))
        var (typed, _) = mounted([layer(["d/f": "x"])], options: ["redirect_dir=on"])
        #expect(typed.apply(.unlink(path("d/f"))) == .ok(.none))
        #expect(typed.apply(.mkdir(path("e"), mode: 0o755)) == .ok(.none))
        #expect(typed.apply(.rename(path("e"), to: path("d"), flags: [])) == .ok(.none))
    }

    @Test("R45, R57: a copy-up from a lower without handles keeps its lower until evicted; only then a rename marks no parent impure")
    func nullOriginRenameAfterEviction() {
        var (m, _) = mounted([layer(["f": "1", "g": "2", "d/k": "k", "e/k": "k"])], lower: "ramfs")
        #expect(m.apply(.chmod(path("f"), mode: 0o600)) == .ok(.none))
        #expect(m.apply(.chmod(path("g"), mode: 0o600)) == .ok(.none))
        #expect(m.upper?[path("g")]?.xattrs["trusted.overlay.origin"] == "")
        #expect(m.apply(.rename(path("f"), to: path("d/f"), flags: [])) == .ok(.none))
        #expect(m.upper?[path("d")]?.xattrs["trusted.overlay.impure"] == "y")
        #expect(m.apply(.dropCaches) == .ok(.none))
        #expect(m.apply(.rename(path("g"), to: path("e/g"), flags: [])) == .ok(.none))
        #expect(m.upper?[path("e")]?.xattrs["trusted.overlay.impure"] == nil)
    }

    @Test("R28: with xino readdir looks the names up and drops the whiteouts, and the upper's names are DT_UNKNOWN")
    func noDTypeXino() {
        var (m, _) = mounted([layer(["d/f": "x", "d/g": "y"])], upper: "ext4-nodtype", options: ["xino=on"])
        #expect(m.xinoBits == 32)
        #expect(m.apply(.unlink(path("d/f"))) == .ok(.none))
        #expect(m.apply(.create(path("d/h"), mode: 0o644)) == .ok(.none))
        guard case .ok(.dirents(let listed)) = m.apply(.readdir(path("d"))) else { Issue.record("readdir failed"); return }
        #expect(listed.mapValues(\.type) == ["g": .file, "h": .unknown])
    }

    @Test("layer_fs overrides apply to a configuration; unknown names are fully featured")
    func overrides() {
        #expect(LayerFSOverride(upper: "ramfs").applied(to: FSConfig(lower: "xfs", upper: "ext4")) == FSConfig(lower: "xfs", upper: "ramfs"))
        #expect(LayerFilesystem.named("ext4-nodtype").driver == "ext4")
        #expect(LayerFilesystem.named("ext4").dType && LayerFilesystem.named("ext4").xattrs)
        #expect(Environment(defaults: .debian, samefs: false, fs: FSConfig(lower: "ext4", upper: "ext4-nodtype")).upperLayerFS.driver == "ext4")
    }

    @Test("R12: a lower fs with another lower's UUID turns index, nfs_export and xino=auto off (ovl_lower_uuid_ok)")
    func twinUUIDFallback() {
        let lowers = [layer(["f": "x"]), layer(["g": "y"])]
        let (m, o) = mounted(lowers, upper: "xfs", layers: ["ext4", "ext4-twin"], options: ["nfs_export=on", "xino=auto"])
        #expect(o.errno == nil)
        #expect(o.kernelLog.contains("/l1', falling back to xino=off,index=off,nfs_export=off."))
        #expect(!(o.options ?? []).contains { $0.hasPrefix("index") || $0.hasPrefix("nfs_export") || $0.hasPrefix("xino") })
        #expect(m.xinoBits == 0)
        // Only lowers count: the twin under an ext4 upper with no lower on it is not refused.
        let (_, alone) = mounted([layer(["f": "x"])], upper: "ext4", layers: ["ext4-twin"], options: ["index=on"])
        #expect(!alone.kernelLog.contains { $0.contains("falling back to xino") })
        #expect(alone.options?.contains("index=on") == true)
        // No option that needs the origin: nothing to fall back from, no line.
        let (_, plain) = mounted(lowers, upper: "xfs", layers: ["ext4", "ext4-twin"], options: ["xino=off"])
        #expect(!plain.kernelLog.contains { $0.contains("falling back") })
    }

    @Test("ovl_get_layers: fsids per lower fs, the upper's fs is fsid 0, data layers share the null fs")
    func fsidAssignment() {
        let ext4 = LayerFilesystem.named("ext4"), twin = LayerFilesystem.named("ext4-twin"), xfs = LayerFilesystem.named("xfs")
        let a = LayerFsids.assign(upper: ext4, lowers: [ext4, twin, xfs, ext4], dataLayers: 1, nfsExport: false,
                                  offlineChangesAllowed: true)
        #expect(a.fsid == [0, 1, 2, 3])
        #expect(a.numfs == 3)
        #expect(a.badUUID == [0, 1])
        #expect(a.refusedLayer == 1)
        // Read-only without nfs_export: ovl_lower_uuid_ok is not asked.
        let ro = LayerFsids.assign(upper: nil, lowers: [ext4, twin], dataLayers: 0, nfsExport: false, offlineChangesAllowed: true)
        #expect(ro.fsid == [1, 2] && ro.badUUID.isEmpty && ro.refusedLayer == nil)
        // With 3 fs slots and xfs's non-ino32 handles xino uses ilog2(numfs - 1) + 2 bits.
        let (m, _) = mounted([layer(["f": "x"]), layer(["g": "y"])], upper: "xfs", layers: ["ext4", "ext4-twin"],
                             options: ["xino=on"])
        #expect(m.xinoBits == 3)
    }
}
