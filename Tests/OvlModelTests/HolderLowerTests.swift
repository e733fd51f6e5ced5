@testable import OvlModel
import Testing

/// A holder overlay of lower 0 given as the job's first lower (`lowerdir={h}`), read as an overlay lower.
@Suite struct HolderLowerTests {
    private func model(holder: [String], params: [String], lowerFS: String) -> OverlayModel {
        var a = Layer(), b = Layer()
        a.entries[RelPath(parsing: "f")!] = Node(kind: .file(data: "x"))
        b.entries[RelPath(parsing: "g")!] = Node(kind: .file(data: "y"))
        var s = Scenario(lowers: [a, b], upper: Layer(), options: [], steps: [])
        s.mountSpec = MountSpec(lowerNames: ["l0", "l1"], spareNames: ["e"], params: params, holder: holder)
        let env = Environment(defaults: .debian, samefs: lowerFS == "ext4", fs: FSConfig(lower: lowerFS, upper: "ext4"))
        var m = OverlayModel(scenario: s, environment: env)
        _ = m.mount()
        return m
    }

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

    @Test func aHolderWithAnUpperAsALowerIsUnpredicted() {
        let m = model(holder: ["lowerdir={s0}", "upperdir={l1}", "workdir={s0}"],
                      params: ["lowerdir={h}:{l1}", "upperdir={u}", "workdir={w}"], lowerFS: "ext4")
        #expect(m.unpredicted?.contains("which has an upper") == true)
    }
}
