import OvlModel
import Testing

@Suite struct WorkdirModeTests {
    /// R8: every mount with an upper leaves work/ with mode 000; a refused mount before
    /// `ovl_make_workdir` leaves none, and a read-only overlay has no work dir.
    @Test func workModePredicted() {
        var l = Layer()
        l.entries[RelPath(parsing: "f") ?? .root] = Node(kind: .file(data: "x"))
        l.addMissingParents()
        let env = Environment(defaults: .debian, samefs: true, fs: FSConfig(lower: "ext4", upper: "ext4"))
        var m = OverlayModel(scenario: Scenario(lowers: [l], upper: Layer(), options: [], steps: []), environment: env)
        _ = m.mount()
        #expect(m.snapshot().workMode == 0)
        var refused = OverlayModel(scenario: Scenario(lowers: [l], upper: Layer(), options: [MountOption(key: "nfs_export", value: "on"),
                                                                                           MountOption(key: "index", value: "off")],
                                                      steps: []), environment: env)
        #expect(refused.mount().errno == .EINVAL)
        #expect(refused.snapshot().workMode == nil)
    }
}
