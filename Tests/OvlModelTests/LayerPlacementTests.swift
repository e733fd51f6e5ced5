import OvlModel
import Testing

/// A model of lower `l0` holding `d/g` and `f`, an upper holding `d`, spare folders `x` and `y`
/// (with bind mounts of layer folders as `binds` says), and another overlay (`holder`) mounted first.
private func model(holder: [String]? = nil, params: [String]? = nil, index: Bool = false, binds: [Int: String] = [:],
                   kernel: KernelVersion = KernelVersion(6, 12, 118), samefs: Bool = true) -> OverlayModel {
    var e = Environment(defaults: .debian, samefs: samefs, fs: FSConfig(lower: "ext4", upper: samefs ? "ext4" : "xfs"))
    e.kernel = kernel
    var l = Layer()
    l.entries[RelPath(parsing: "f") ?? .root] = Node(kind: .file(data: "x"))
    l.entries[RelPath(parsing: "d") ?? .root] = Node(kind: .dir)
    l.entries[RelPath(parsing: "d/g") ?? .root] = Node(kind: .file(data: "y"))
    var u = Layer()
    u.entries[RelPath(parsing: "d") ?? .root] = Node(kind: .dir)
    let spec = MountSpec(lowerNames: ["l0"], spareNames: ["x", "y"], params: params, holder: holder, binds: binds)
    let options = [MountOption(key: "index", value: index ? "on" : "off")]
    return OverlayModel(scenario: Scenario(lowers: [l], upper: u, options: options, steps: [], mountSpec: spec), environment: e)
}

private let holdsLower = ["lowerdir={s0}", "upperdir={l0}", "workdir={s1}", "index=off", "uuid=off"]
private func inUse(_ name: String, refused: Bool) -> String {
    "overlayfs: \(name) is in-use as upperdir/workdir of another mount, "
        + (refused ? "mount with '-o index=off' to override exclusive upperdir protection."
            : "accessing files from both mounts will result in undefined behavior.")
}

@Suite struct LayerPlacementTests {
    /// R9, `ovl_get_layers`: a held lower root is EBUSY with index=on, after `work/` was made,
    /// on 6.1 and 6.12 alike; with index=off the mount goes on and its log has the warning.
    @Test func heldLowerRoot() {
        for kernel in [KernelVersion(6, 12, 118), KernelVersion(6, 1, 192)] {
            var on = model(holder: holdsLower, index: true, kernel: kernel)
            let refused = on.mount()
            #expect(refused.errno == .EBUSY)
            #expect(refused.kernelLog.last == inUse("lowerdir", refused: true))
            #expect(on.snapshot().work != nil)
            var off = model(holder: holdsLower, index: false, kernel: kernel)
            let mounted = off.mount()
            #expect(mounted.errno == nil)
            #expect(mounted.kernelLog.contains(inUse("lowerdir", refused: false)))
        }
    }

    /// R9, `ovl_check_layer`: a lower inside a held folder is EBUSY late, after the upper root
    /// got its index origin.
    @Test func lowerInsideHeldFolder() {
        var m = model(holder: holdsLower, params: ["lowerdir={l0}/d", "upperdir={u}", "workdir={w}", "index=on"], index: true)
        let o = m.mount()
        #expect(o.errno == .EBUSY && o.kernelLog.last == inUse("lowerdir", refused: true))
        #expect(m.snapshot().upper?[.root]?.xattrs?["trusted.overlay.origin"] != nil)
    }

    /// R9: a held workdir (`ovl_get_workdir`) and a held upper root (`ovl_get_upper`) refuse the
    /// mount before it makes anything; the `work/` there is the holder's.
    @Test func heldWorkAndUpper() {
        var work = model(holder: ["lowerdir={s0}", "upperdir={u}/d", "workdir={w}", "index=off", "uuid=off"], index: true)
        let w = work.mount()
        #expect(w.errno == .EBUSY && w.kernelLog.last == inUse("workdir", refused: true))
        #expect(work.snapshot().upper?[.root]?.xattrs?["trusted.overlay.uuid"] == nil)
        #expect(work.snapshot().work != nil)
        var upper = model(holder: ["lowerdir={s0}", "upperdir={u}", "workdir={w}", "index=off", "uuid=off"], index: true)
        #expect(upper.mount().kernelLog.last == inUse("upperdir", refused: true))
    }

    /// R7 stays as it was: a lower inside the upper meets the upper's trap before any use check.
    @Test func trapsComeFirst() {
        var m = model(holder: holdsLower, params: ["lowerdir={u}/d", "upperdir={u}", "workdir={w}"], index: true)
        let o = m.mount()
        #expect(o.errno == .ELOOP && o.kernelLog.last == "overlayfs: overlapping lowerdir path")
    }

    /// R6, `ovl_get_workdir`: a bind mount is another mount, samefs or not; R7: the traps are on
    /// the inode, so the bound upper as a lower is conflicting and a folder in it overlapping.
    @Test func bindMounts() {
        for samefs in [true, false] {
            var work = model(params: ["lowerdir={l0}", "upperdir={u}", "workdir={s0}"], binds: [0: "w"], samefs: samefs)
            #expect(work.mount().kernelLog == ["overlayfs: workdir and upperdir must reside under the same mount"])
            var upper = model(params: ["lowerdir={l0}", "upperdir={s0}", "workdir={w}"], binds: [0: "u"], samefs: samefs)
            #expect(upper.mount().errno == .EINVAL)
        }
        var same = model(params: ["lowerdir={s0}", "upperdir={u}", "workdir={w}"], binds: [0: "u"])
        #expect(same.mount().kernelLog.last == "overlayfs: conflicting lowerdir path")
        var inside = model(params: ["lowerdir={s0}/d", "upperdir={u}", "workdir={w}"], binds: [0: "u"])
        #expect(inside.mount().kernelLog.last == "overlayfs: overlapping lowerdir path")
    }

    /// R7, R10: `ovl_make_workdir` logs a ramfs upper's missing features before `ovl_get_layers`
    /// ("conflicting") or `ovl_check_overlapping_layers` ("overlapping") refuses the mount.
    @Test func featureLinesBeforeARefusal() {
        var e = Environment(defaults: .debian, samefs: false, fs: FSConfig(lower: "ext4", upper: "ramfs"))
        e.kernel = KernelVersion(6, 12, 118)
        var l = Layer()
        l.entries[RelPath(parsing: "d") ?? .root] = Node(kind: .dir)
        for (params, refusal) in [(["lowerdir={l0}:{l0}", "upperdir={u}", "workdir={w}"], "overlayfs: conflicting lowerdir path"),
                                  (["lowerdir={l0}/d:{l0}", "upperdir={u}", "workdir={w}"], "overlayfs: overlapping lowerdir path")] {
            let spec = MountSpec(lowerNames: ["l0"], params: params)
            var m = OverlayModel(scenario: Scenario(lowers: [l], upper: Layer(), options: [], steps: [], mountSpec: spec), environment: e)
            let o = m.mount()
            #expect(o.errno == .ELOOP)
            #expect(o.kernelLog.last == refusal)
            #expect(o.kernelLog.contains("overlayfs: upper fs does not support RENAME_WHITEOUT."))
            #expect(o.kernelLog.contains("overlayfs: failed to set xattr on upper"))
        }
    }

    /// R12, `ovl_get_layers`: `ovl_get_fsid` runs for each lower before its trap, so the twin
    /// UUID's line is logged when the twin comes before the conflicting lower, never after it.
    @Test func uuidLineOnlyForALowerTakenBefore() {
        var e = Environment(defaults: .debian, samefs: false, fs: FSConfig(lower: "ext4", upper: "ext4", layers: ["ext4", "ext4-twin"]))
        e.kernel = KernelVersion(6, 12, 118)
        var l = Layer()
        l.entries[RelPath(components: ["f"])] = Node(kind: .file(data: "x"))
        let uuidLine = "/l1', falling back to xino=off,index=off,nfs_export=off."
        for (lowerdir, logged) in [("lowerdir={l0}:{l1}:{l0}", true), ("lowerdir={l0}:{l0}:{l1}", false)] {
            let spec = MountSpec(lowerNames: ["l0", "l1"], params: [lowerdir, "upperdir={u}", "workdir={w}", "index=on"])
            var m = OverlayModel(scenario: Scenario(lowers: [l, Layer()], upper: Layer(), options: [], steps: [], mountSpec: spec), environment: e)
            let o = m.mount()
            #expect(o.errno == .ELOOP)
            #expect(o.kernelLog.last == "overlayfs: conflicting lowerdir path")
            #expect(o.kernelLog.contains(uuidLine) == logged)
        }
    }

    /// R6, `ovl_workdir_ok`: an upper inside the workdir (both folders of a lower) is refused
    /// before anything is made.
    @Test func upperInsideTheWorkdir() {
        var e = Environment(defaults: .debian, samefs: true, fs: FSConfig(lower: "ext4", upper: "ext4"))
        e.kernel = KernelVersion(6, 1, 192)
        var l = Layer()
        l.entries[RelPath(components: ["a", "u", "g"])] = Node(kind: .file(data: "y"))
        l.entries[RelPath(components: ["a", "u"])] = Node(kind: .dir)
        l.entries[RelPath(components: ["a"])] = Node(kind: .dir)
        var s = Scenario(lowers: [l], upper: l.subtree(at: RelPath(components: ["a", "u"])), options: [], steps: [], mountSpec: MountSpec(lowerNames: ["l0"]))
        s.upperInLower = LayerSpot(host: 0, path: RelPath(components: ["a", "u"]))
        s.workInLower = LayerSpot(host: 0, path: RelPath(components: ["a"]))
        s.workdir = Layer()
        var m = OverlayModel(scenario: s, environment: e)
        let o = m.mount()
        #expect(o.errno == .EINVAL)
        #expect(o.kernelLog.last == "overlayfs: workdir and upperdir must be separate subtrees")
        #expect(m.snapshot().lowers[0].keys.sorted().map(\.description) == [".", "a", "a/u", "a/u/g"])
    }
}
