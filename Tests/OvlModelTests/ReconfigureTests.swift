import OvlModel
import Testing

private func mounted(upper: Layer?) -> OverlayModel {
    var l = Layer()
    l.entries[RelPath(parsing: "f") ?? .root] = Node(kind: .file(data: "x"))
    l.addMissingParents()
    var m = OverlayModel(scenario: Scenario(lowers: [l, Layer()], upper: upper, options: [], steps: []),
                         environment: Environment(defaults: .debian, samefs: true, fs: FSConfig(lower: "ext4", upper: "ext4")))
    _ = m.mount()
    return m
}

@Suite struct ReconfigureTests {
    /// R20: the new API refuses an overlay option (EINVAL) and reconfigures nothing; ro/rw go to
    /// the VFS; the overlay stays mounted and later steps are predicted as before.
    @Test func refusedOptionKeepsTheMount() {
        var m = mounted(upper: Layer())
        #expect(m.apply(.reconfigure(params: ["ro", "index=on"])) == .ok(.names(["ro: 0", "index=on: EINVAL", "uuid=on"])))
        #expect(m.mounted)
        #expect(m.apply(.write(RelPath(parsing: "f") ?? .root, data: "y")) == .ok(.none))
        #expect(m.apply(.reconfigure(params: ["ro"])) == .ok(.names(["ro: 0", "reconfigure: 0", "uuid=on"])))
        #expect(m.apply(.write(RelPath(parsing: "f") ?? .root, data: "z")) == .failed(.EROFS))
        #expect(m.apply(.reconfigure(params: ["rw"])) == .ok(.names(["rw: 0", "reconfigure: 0", "uuid=on"])))
        #expect(m.apply(.write(RelPath(parsing: "f") ?? .root, data: "z")) == .ok(.none))
    }

    /// R20/R5: `fspick` starts from no superblock flags, so a read-only overlay refuses even an
    /// empty reconfigure (EROFS from `ovl_reconfigure`), but not one that gives ro.
    @Test func readOnlyOverlay() {
        var m = mounted(upper: nil)
        #expect(m.apply(.reconfigure(params: [])) == .ok(.names(["reconfigure: EROFS", "redirect_dir=on"])))
        #expect(m.apply(.reconfigure(params: ["ro"])) == .ok(.names(["ro: 0", "reconfigure: 0", "redirect_dir=on"])))
    }
}
