@testable import OvlModel
import Testing

/// A holder overlay of lower 0 given as the job's first lower (`lowerdir={h}`), read as an overlay lower.
@Suite struct HolderLowerTests {
    private func model(holder: [String], params: [String], lowerFS: String, zero: [String: Node] = [:],
                       kernel: KernelVersion? = nil, defaults: ModuleDefaults = .debian) -> OverlayModel {
        var m = unmounted(holder: holder, params: params, lowerFS: lowerFS, zero: zero, kernel: kernel, defaults: defaults)
        _ = m.mount()
        return m
    }

    private func unmounted(holder: [String], params: [String], lowerFS: String, zero: [String: Node],
                           kernel: KernelVersion?, defaults: ModuleDefaults) -> OverlayModel {
        var a = Layer(), b = Layer()
        a.entries[RelPath(parsing: "f")!] = Node(kind: .file(data: "x"))
        for (p, n) in zero { a.entries[RelPath(parsing: p)!] = n }
        a.addMissingParents()
        b.entries[RelPath(parsing: "g")!] = Node(kind: .file(data: "y"))
        var s = Scenario(lowers: [a, b], upper: Layer(), options: [], steps: [])
        s.mountSpec = MountSpec(lowerNames: ["l0", "l1"], spareNames: ["e", "hw"], params: params, holder: holder)
        let env = Environment(defaults: defaults, samefs: lowerFS == "ext4", fs: FSConfig(lower: lowerFS, upper: "ext4"), kernel: kernel)
        return OverlayModel(scenario: s, environment: env)
    }

    private let writable = ["lowerdir={s0}", "upperdir={l0}", "workdir={s1}"]
    private let job = ["lowerdir={h}:{l1}", "upperdir={u}", "workdir={w}"]
    private let uuid = XattrPrefix.trusted[.uuid]

    @Test func holderOfLowerZeroIsAnOverlayLowerOverTheConfigurationsFilesystem() {
        let job = ["lowerdir={h}:{l1}", "upperdir={u}", "workdir={w}"]
        for base in ["ext4", "xfs"] {
            let m = model(holder: ["lowerdir={l0}:{s0}"], params: job, lowerFS: base)
            #expect(m.unpredicted == nil)
            #expect(m.lowerFilesystem(0).name == LayerFilesystem.overlayName(over: base))
            #expect(m.lowerFilesystem(0).reportsExtentFlag == (base == "ext4"))
            #expect(m.lowerFilesystem(1).name == base)
            #expect(m.originValue(layer: 0) == "" && m.originValue(layer: 1) == XattrPattern.fileHandle)
            #expect(m.stackDepth == 2)
            // The holder's folder is dumped as it is on disk: its root keeps its real st_nlink.
            #expect(m.lowerView(0)[.root]?.nlink != 1)
        }
    }

    /// The two forms, and near misses that hold nothing for the job.
    @Test func heldLowerZeroForms() {
        func held(_ holder: [String], _ params: [String]? = nil, binds: [Int: String] = [:]) -> MountSpec.HeldLowerZero? {
            MountSpec(lowerNames: ["l0", "l1"], spareNames: ["e", "hw"], params: params ?? job, holder: holder, binds: binds).heldLowerZero
        }
        #expect(held(["lowerdir={l0}:{s0}"]) == .readOnly)
        #expect(held(["lowerdir={l0:e}:{s1:e}"]) == .readOnly)
        #expect(held(writable) == .upper)
        #expect(held(["lowerdir={s1:e}", "upperdir={l0:e}", "workdir={s0:e}"]) == .upper)
        #expect(held(writable, ["lowerdir={l1}:{h}", "upperdir={u}", "workdir={w}"]) == nil)
        #expect(held(["lowerdir={s0}", "upperdir={l0}", "workdir={s0}"]) == nil)
        #expect(held(["lowerdir={s0}", "upperdir={l1}", "workdir={s1}"]) == nil)
        #expect(held(["upperdir={l0}", "lowerdir={s0}", "workdir={s1}"]) == nil)
        #expect(held(writable + ["index=off"]) == nil)
        #expect(held(writable, binds: [1: "w"]) == nil)
    }

    /// A writable holder of lower 0 (container-in-container) is, seen from the job, the same
    /// overlay lower as a read-only one; its mount stores X.uuid on the folder's root from 6.6.
    @Test func writableHolderOfLowerZeroIsAnOverlayLowerAndStoresUUIDFrom66() {
        for base in ["ext4", "xfs"] {
            for kernel in [KernelVersion(6, 1), KernelVersion(6, 12)] {
                let m = model(holder: writable, params: job, lowerFS: base, kernel: kernel)
                #expect(m.unpredicted == nil)
                #expect(m.lowerFilesystem(0).name == LayerFilesystem.overlayName(over: base))
                #expect(m.originValue(layer: 0) == "" && m.originValue(layer: 1) == XattrPattern.fileHandle)
                #expect(m.stackDepth == 2)
                #expect(m.mountStacked() == .ok(.names(["EINVAL"])))
                let root = m.lowerView(0)[.root]
                #expect(root?.xattrs?[uuid] == (kernel >= KernelVersion(6, 6) ? XattrPattern.uuid : nil))
                #expect(root?.nlink != 1)
                // The holder hides its own X.uuid from the job.
                #expect(m.lowers[0].root.xattrs[uuid] == nil)
            }
        }
        // A read-only holder stores nothing.
        #expect(model(holder: ["lowerdir={l0}:{s0}"], params: job, lowerFS: "ext4").lowerView(0)[.root]?.xattrs?[uuid] == nil)
    }

    /// The folder's root whiteout and an opaque dir are the writable holder's: the job sees
    /// neither, the folder's dump keeps both.
    @Test func writableHoldersRootWhiteoutAndOpaqueDirAreItsOwn() {
        let opaque = XattrPrefix.trusted[.opaque]
        let zero = ["w": Node(kind: .whiteout), "o": Node(kind: .dir, xattrs: [opaque: "y"]), "o/t": Node(kind: .file(data: "t"))]
        let m = model(holder: writable, params: job, lowerFS: "ext4", zero: zero)
        #expect(m.unpredicted == nil)
        #expect(m.lowers[0][RelPath(parsing: "w")!] == nil)
        #expect(m.lowers[0][RelPath(parsing: "o")!]?.xattrs == [:])
        let dump = m.lowerView(0)
        #expect(dump[RelPath(parsing: "w")!]?.rdev == "0:0")
        #expect(dump[RelPath(parsing: "o")!]?.xattrs?[opaque] == "y")
        // A read-only holder acts on an unescaped opaque marker of its top lower itself.
        #expect(model(holder: ["lowerdir={l0}:{s0}"], params: job, lowerFS: "ext4", zero: zero).unpredicted != nil)
        // A whiteout below the root (R30, R91): the holder reads its upper-only dir as the real one,
        // which lists it as a char device, while its lookup stops at it; the folder's dump keeps it.
        let d = RelPath(parsing: "d")!, w = RelPath(parsing: "d/w")!
        var deep = model(holder: writable, params: job, lowerFS: "ext4", zero: ["d/w": Node(kind: .whiteout), "d/x": Node(kind: .file(data: "x"))])
        #expect(deep.unpredicted == nil && deep.listedWhiteouts[0] == [w])
        if case .ok(.dirents(let e)) = deep.apply(.readdir(d)) { #expect(e["w"]?.type == .chardev) } else { Issue.record("no listing") }
        #expect(deep.apply(.stat(w)) == .failed(.ENOENT))
        #expect(deep.lowerView(0)[w]?.rdev == "0:0")
        #expect(LayerSet(model: deep).lowers[0][w]?.kind == .whiteout)
        // Another private xattr (X.impure would turn the holder's uuid=auto to null) is the holder's to act on.
        #expect(model(holder: writable, params: job, lowerFS: "ext4", zero: ["o": Node(kind: .dir, xattrs: [XattrPrefix.trusted[.impure]: "y"])]).unpredicted != nil)
    }

    /// The writable holder's upperdir and workdir are in use, but the job names the holder's
    /// root: no in-use line even with index=on, which falls back for the missing handles.
    @Test func writableHolderIsNotMetInUse() {
        var m = unmounted(holder: writable, params: job + ["index=on"], lowerFS: "ext4", zero: [:], kernel: nil, defaults: .debian)
        let observed = m.mount()
        #expect(m.unpredicted == nil && observed.errno == nil)
        #expect(!m.options.index)
        #expect(observed.kernelLog.contains { $0.hasSuffix("does not support file handles, falling back to index=off,nfs_export=off.") })
        #expect(!observed.kernelLog.contains { $0.contains("in-use") })
        // The same holder's upperdir given as the job's lower is met in use (R9).
        var direct = unmounted(holder: writable, params: ["lowerdir={l0}:{l1}", "upperdir={u}", "workdir={w}", "index=on"],
                               lowerFS: "ext4", zero: [:], kernel: nil, defaults: .debian)
        #expect(direct.mount().errno == .EBUSY)
    }

    @Test func writableHolderWithIndexByDefaultIsUnpredicted() {
        var defaults = ModuleDefaults.debian
        defaults.index = true
        #expect(model(holder: writable, params: job, lowerFS: "ext4", defaults: defaults).unpredicted?.contains("index=on") == true)
    }

    @Test func anotherHolderWithAnUpperAsALowerIsUnpredicted() {
        let m = model(holder: ["lowerdir={s0}", "upperdir={l1}", "workdir={s1}"], params: job, lowerFS: "ext4")
        #expect(m.unpredicted?.contains("does not hold lower 0 in a modelled form") == true)
    }
}
