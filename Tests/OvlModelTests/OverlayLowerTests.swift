@testable import OvlModel
import Testing

/// Lowers that are themselves read-only overlays of their folders (`layer_fs: {lower: overlay}`).
@Suite struct OverlayLowerTests {
    private func model(_ lowers: [Layer], kernel: KernelVersion? = nil) -> OverlayModel {
        let env = Environment(defaults: .debian, samefs: false, fs: FSConfig(lower: "overlay", upper: "ext4"), kernel: kernel)
        var m = OverlayModel(scenario: Scenario(lowers: lowers, upper: Layer(), options: [], steps: []), environment: env)
        _ = m.mount()
        return m
    }

    private func layer(_ entries: [String: Node]) -> Layer {
        var l = Layer()
        for (p, n) in entries { l.entries[RelPath(parsing: p)!] = n }
        l.addMissingParents()
        return l
    }

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

    @Test func deepWhiteoutsAndUnescapedPrivateXattrsAreUnpredicted() {
        #expect(layer(["d/w": Node(kind: .whiteout)]).seenThroughOverlay(escapes: true).unpredicted != nil)
        let opaque = layer(["o": Node(kind: .dir, xattrs: ["trusted.overlay.opaque": "y"])])
        #expect(opaque.seenThroughOverlay(escapes: true).unpredicted != nil)
        #expect(model([opaque]).unpredicted != nil)
    }
}
