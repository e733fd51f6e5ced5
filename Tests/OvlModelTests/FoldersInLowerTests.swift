@testable import OvlModel
import Testing

/// Lower `l0` holding `f`, `d/g` and an empty `e`, with the upper being its folder `d`
/// (``Scenario/upperInLower``), or with its own upper and `e` the workdir (``Scenario/workInLower``).
private func upperInside(samefs: Bool = true, workdir: Bool = false, options: [MountOption] = []) -> OverlayModel {
    var e = Environment(defaults: .debian, samefs: samefs, fs: FSConfig(lower: "ext4", upper: samefs ? "ext4" : "xfs"))
    e.kernel = KernelVersion(6, 12, 118)
    var l = Layer()
    let d = RelPath(components: ["d"])
    l.entries[RelPath(components: ["f"])] = Node(kind: .file(data: "x"))
    l.entries[d] = Node(kind: .dir)
    l.entries[RelPath(components: ["d", "g"])] = Node(kind: .file(data: "y"))
    l.entries[RelPath(components: ["e"])] = Node(kind: .dir)
    var s = Scenario(lowers: [l], upper: workdir ? Layer() : l.subtree(at: d), options: options, steps: [], mountSpec: MountSpec(lowerNames: ["l0"]))
    if workdir {
        s.workInLower = LayerSpot(host: 0, path: RelPath(components: ["e"]))
        s.workdir = Layer()
    } else {
        s.upperInLower = LayerSpot(host: 0, path: d)
    }
    return OverlayModel(scenario: s, environment: e)
}

@Suite struct FoldersInLowerTests {
    /// R7: the mount goes through (`ovl_check_layer` looks for traps above lowers only) and
    /// shows the upper's real folder; a lookup that reaches the upper root through the lower is
    /// ELOOP (`ovl_lookup_trap_inode`), the upper's own names resolve.
    @Test func mountsAndTrapsTheUpperRoot() {
        var m = upperInside()
        let o = m.mount()
        #expect(o.errno == nil)
        #expect(o.shown == "rw,lowerdir=$DIR/l0,upperdir=$DIR/l0/d,workdir=$DIR/w,uuid=on")
        #expect(m.apply(.stat(RelPath(components: ["d"]))) == .failed(.ELOOP))
        #expect(m.apply(.stat(RelPath(components: ["d", "g"]))) == .failed(.ELOOP))
        #expect(m.apply(.read(RelPath(components: ["g"]))) == .ok(.text("y")))
    }

    /// What the overlay writes in its upper is inside the lower's folder on disk.
    @Test func writesShowInTheLower() {
        var m = upperInside()
        _ = m.mount()
        #expect(m.apply(.write(RelPath(components: ["n"]), data: "new")) == .ok(.none))
        let lower = m.snapshot().lowers[0]
        #expect(lower[RelPath(components: ["d", "n"])]?.data == "new")
        #expect(lower[RelPath(components: ["n"])] == nil)
        #expect(lower[RelPath(components: ["f"])]?.data == "x")
    }

    /// With the upper's folder on another filesystem than the workdir the mount is refused in
    /// `ovl_get_workdir` ("must reside under the same mount").
    @Test func workdirOnAnotherMount() {
        var m = upperInside(samefs: false)
        let o = m.mount()
        #expect(o.errno == .EINVAL)
        #expect(o.kernelLog.last == "overlayfs: workdir and upperdir must reside under the same mount")
    }

    /// R7, R8: a workdir inside a lower mounts; `work/` is made there (mode 0), and the workdir
    /// is a trap for lookups through the lower (`ovl_get_workdir` → `ovl_setup_trap`).
    @Test func workdirInsideALower() {
        var m = upperInside(workdir: true)
        let o = m.mount()
        #expect(o.errno == nil)
        #expect(o.shown == "rw,lowerdir=$DIR/l0,upperdir=$DIR/u,workdir=$DIR/l0/e,uuid=on")
        #expect(m.apply(.stat(RelPath(components: ["e"]))) == .failed(.ELOOP))
        let lower = m.snapshot().lowers[0]
        #expect(lower[RelPath(components: ["e", "work"])]?.perm == 0)
        #expect(lower[RelPath(components: ["e"])]?.nlink == 3)
    }

    /// R62: with index=on `ovl_get_indexdir` makes `index/` in a workdir inside a lower (mode 0,
    /// `X.upper` the upper root's handle) next to `work/`; `index/` is a trap too. With
    /// nfs_export a copy-up's index entry shows in the lower under a placeholder name.
    @Test func indexInsideALower() {
        var m = upperInside(workdir: true, options: [MountOption(key: "index", value: "on"), MountOption(key: "nfs_export", value: "on")])
        #expect(m.mount().errno == nil)
        #expect(m.lowerTraps.map(\.path.description) == ["e", "e/work", "e/index"])
        #expect(m.apply(.append(RelPath(components: ["f"]), data: "+")) == .ok(.none))
        let lower = m.snapshot().lowers[0]
        let index = RelPath(components: ["e", "index"])
        #expect(lower[index]?.perm == 0)
        #expect(lower[index]?.xattrs == ["trusted.overlay.upper": XattrPattern.fileHandle])
        #expect(lower[RelPath(components: ["e"])]?.nlink == 4)
        let entries = lower.keys.filter { $0.parent == index }
        #expect(entries.count == 1)
        #expect(entries.first.flatMap { lower[$0]?.data } == "x+")
    }

    /// R17: a volatile mount makes `work/incompat/volatile/dirty` in a workdir inside a lower
    /// (each mode 0); a second mount with index=off gets past the in-use warnings and is
    /// refused by that dir (`ovl_workdir_cleanup_recurse`).
    @Test func volatileWorkdirInsideALower() {
        var m = upperInside(workdir: true, options: [MountOption(key: "volatile", value: nil)])
        #expect(m.mount().errno == nil)
        let lower = m.snapshot().lowers[0]
        #expect(lower[RelPath(components: ["e", "work"])]?.nlink == 3)
        #expect(lower[RelPath(components: ["e", "work", "incompat", "volatile"])]?.perm == 0)
        #expect(lower[RelPath(components: ["e", "work", "incompat", "volatile", "dirty"])]?.data == "")
        #expect(m.apply(.mountAgain) == .failed(.EINVAL))
        #expect(m.secondMountLog(.mountAgain)?.last == "overlayfs: overlay with incompat feature 'volatile' cannot be mounted")
    }
}
