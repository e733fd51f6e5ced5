@testable import OvlModel
import Testing

/// Lowers that are themselves read-only overlays of their folders (`layer_fs: {lower: overlay}`).
@Suite struct OverlayLowerTests {
    private func model(_ lowers: [Layer], kernel: KernelVersion? = nil) -> OverlayModel {
        LayerFixture.mounted(lowers, fs: FSConfig(lower: "overlay", upper: "ext4"), kernel: kernel)
    }

    private func layer(_ entries: [String: Node]) -> Layer { LayerFixture.layer(entries) }

    @Test func eachOverlayLowerIsItsOwnFilesystemWithoutHandles() {
        let two = [layer(["a": Node(kind: .file(data: "x"))]), layer(["b": Node(kind: .file(data: "y"))])]
        let m = model(two)
        #expect(m.layerFsids.fsid == [1, 2])
        #expect(m.lowerFilesystem(0).nullUUID && !m.lowerFilesystem(0).decodesHandles)
        #expect(m.originValue(layer: 0) == "")
        #expect(m.stackDepth == 2)
        #expect(m.mountStacked() == .ok(.names(["EINVAL"])))
    }

    @Test func indexFallsBack() {
        var m = OverlayModel(scenario: Scenario(lowers: [layer(["a": Node(kind: .file(data: "x"))])], upper: Layer(),
                                                options: [MountOption(key: "index", value: "on")], steps: []),
                             environment: Environment(defaults: .debian, samefs: false, fs: FSConfig(lower: "overlay", upper: "ext4")))
        let log = m.mount().kernelLog
        #expect(log.contains { $0.hasSuffix("does not support file handles, falling back to index=off,nfs_export=off.") })
        #expect(!m.options.index)
    }

    @Test func rootWhiteoutsAreHiddenAndEscapedMarkersUnescapedFrom67() {
        let l = layer(["w": Node(kind: .whiteout),
                       "o": Node(kind: .dir, xattrs: ["trusted.overlay.overlay.opaque": "y", "user.k": "v"])])
        let new = l.seenThroughOverlay(escapes: true)
        #expect(new.unpredicted == nil)
        #expect(new.layer.entries[RelPath(parsing: "w")!] == nil)
        #expect(new.layer.entries[RelPath(parsing: "o")!]?.xattrs == ["trusted.overlay.opaque": "y", "user.k": "v"])
        let old = l.seenThroughOverlay(escapes: false)
        #expect(old.layer.entries[RelPath(parsing: "o")!]?.xattrs == ["user.k": "v"])
        #expect(model([l], kernel: KernelVersion(6, 1)).lowers[0].entries[RelPath(parsing: "o")!]?.xattrs == ["user.k": "v"])
    }

    @Test func unescapedPrivateXattrsAreUnpredicted() {
        let opaque = layer(["o": Node(kind: .dir, xattrs: ["trusted.overlay.opaque": "y"])])
        #expect(opaque.seenThroughOverlay(escapes: true).unpredicted != nil)
        #expect(model([opaque]).unpredicted != nil)
    }

    @Test("R30, R91: a whiteout below an overlay lower's root is listed as a char device and hides nothing")
    func deepWhiteoutsAreListedButHideNothing() {
        let d = RelPath(parsing: "d")!, w = RelPath(parsing: "d/w")!
        let phantom = layer(["d/w": Node(kind: .whiteout), "d/x": Node(kind: .file(data: "x"))])
        let seen = phantom.seenThroughOverlay(escapes: true)
        #expect(seen.unpredicted == nil && seen.listedWhiteouts == [w] && seen.layer.entries[w] == nil)
        let fs = FSConfig(lower: "overlay", upper: "ext4", layers: ["overlay", "ext4"])
        for xino in ["off", "on"] {
            // Over a lower file `d/w`: readdir takes the name from the overlay layer (DT_CHR), stat
            // finds the lower's file, and a write copies that up.
            var m = LayerFixture.mounted([phantom, layer(["d/w": Node(kind: .file(data: "below"))])], fs: fs,
                                         options: [MountOption(key: "xino", value: xino)])
            #expect(m.unpredicted == nil)
            guard case .ok(.dirents(let e)) = m.apply(.readdir(d)) else { Issue.record("no listing"); continue }
            #expect(e["w"]?.type == .chardev && e["x"]?.type == .file)
            guard case .ok(.stat(let s)) = m.apply(.stat(w)) else { Issue.record("no stat"); continue }
            #expect(s.type == .file)
            #expect(m.apply(.write(w, data: "new")) == .ok(.none))
            guard case .ok(.dirents(let after)) = m.apply(.readdir(d)) else { Issue.record("no listing"); continue }
            #expect(after["w"]?.type == .file)
            // The lower view is read through the inner overlay: listed, not found.
            #expect(m.lowerView(0)[w] == EntryView(type: .chardev, errno: .ENOENT))
        }
        // Alone in its dir: read as the real dir, it is listed; lookup finds nothing; rmdir sees an entry.
        var alone = model([phantom])
        guard case .ok(.dirents(let e)) = alone.apply(.readdir(d)) else { Issue.record("no listing"); return }
        #expect(e["w"]?.type == .chardev)
        #expect(alone.apply(.stat(w)) == .failed(.ENOENT))
        #expect(alone.apply(.unlink(RelPath(parsing: "d/x")!)) == .ok(.none))
        #expect(alone.apply(.rmdir(d)) == .failed(.ENOTEMPTY))
    }

    @Test func anOverlayLowerOverXfsPassesXfsAnswersThrough() {
        let f = [layer(["f": Node(kind: .file(data: "x"))])]
        let fs = LayerFilesystem.named("overlay-xfs")
        #expect(LayerFilesystem.all.contains(fs) && LayerFilesystem.readOnly.contains("overlay-xfs"))
        #expect(fs.driver == "overlay" && !fs.decodesHandles && fs.nullUUID && fs.dType && !fs.reflinks && !fs.verity)
        // FS_EXTENT_FL is ext4's (`inode.c:ovl_fileattr_get` asks the real inode): chattr onto an xfs
        // upper works over an overlay of an xfs folder and is EOPNOTSUPP over one of an ext4 folder.
        var overXfs = LayerFixture.mounted(f, fs: FSConfig(lower: "overlay-xfs", upper: "xfs"))
        #expect(overXfs.chattr(RelPath(parsing: "f")!, immutable: false, append: true) == .ok(.none))
        var overExt4 = LayerFixture.mounted(f, fs: FSConfig(lower: "overlay", upper: "xfs"))
        #expect(overExt4.chattr(RelPath(parsing: "f")!, immutable: false, append: true) == .failed(.EOPNOTSUPP))
        #expect(overXfs.stackDepth == 2 && overXfs.layerFsids.fsid == [1] && overXfs.originValue(layer: 0) == "")
        // No reflink from an overlay lower into the xfs upper: not the same superblock.
        #expect(!overXfs.copyUpClones)
    }

    @Test func mixedLowersAskEachLayersOwnFilesystem() {
        let two = [layer(["a": Node(kind: .file(data: "x"))]), layer(["b": Node(kind: .file(data: "y"))])]
        let index = [MountOption(key: "index", value: "on")]
        for (names, fsids) in [(["ext4", "overlay"], [0, 1]), (["overlay", "ext4"], [1, 0]), (["erofs", "overlay"], [1, 2])] {
            let m = LayerFixture.mounted(two, fs: FSConfig(lower: names[0], upper: "ext4", layers: names), options: index)
            // `super.c:ovl_lower_dir` asks every lower: one overlay among them turns index off.
            #expect(m.lowersLackFileHandles && m.layersLackFileHandles && !m.options.index)
            #expect(m.featureLog.contains { $0.hasSuffix("does not support file handles, falling back to index=off,nfs_export=off.") })
            #expect(m.layerFsids.fsid == fsids && m.stackDepth == 2)
            // `copy_up.c:ovl_get_origin_fh` asks the origin's own sb: a handle from ext4 or erofs.
            for k in 0..<2 {
                #expect(m.originValue(layer: k) == (names[k] == "overlay" ? "" : XattrPattern.fileHandle))
            }
        }
        // xino=auto falls back for the overlay's missing handles; xino=on counts 2 fs (upper's with ext4, the overlay).
        let fs = FSConfig(lower: "ext4", upper: "ext4", layers: ["ext4", "overlay"])
        #expect(LayerFixture.mounted(two, fs: fs, options: [MountOption(key: "xino", value: "auto")]).xinoBits == 0)
        #expect(LayerFixture.mounted(two, fs: fs, options: [MountOption(key: "xino", value: "on")]).xinoBits == 2)
        // Each object answers FS_IOC_GETFLAGS from its own layer's fs: ext4 under overlay, xfs under overlay-xfs.
        let mixed = FSConfig(lower: "overlay-xfs", upper: "xfs", layers: ["overlay-xfs", "overlay"])
        var m = LayerFixture.mounted(two, fs: mixed)
        #expect(m.chattr(RelPath(parsing: "a")!, immutable: false, append: true) == .ok(.none))
        #expect(m.chattr(RelPath(parsing: "b")!, immutable: false, append: true) == .failed(.EOPNOTSUPP))
    }
}
