import OvlModel
import Testing

private func p(_ s: String) -> RelPath { RelPath(parsing: s) ?? .root }

/// A mount whose upper holds dir `t` with an origin and no lower (`ovl_pure_upper` is false),
/// with `children` in it, and a pure-upper dir `s`, on an xfs upper.
private func model(_ children: [String: Node]) -> OverlayModel {
    var lower = Layer()
    lower.entries[p("f")] = Node(kind: .file(data: "x"))
    lower.addMissingParents()
    var upper = Layer()
    upper.entries[p("t")] = Node(kind: .dir, xattrs: ["trusted.overlay.origin": XattrPattern.fileHandle])
    upper.entries[p("s")] = Node(kind: .dir)
    for (name, node) in children { upper.entries[p("t/" + name)] = node }
    upper.addMissingParents()
    var m = OverlayModel(scenario: Scenario(lowers: [lower], upper: upper, options: [], steps: []),
                         environment: Environment(defaults: .debian, samefs: false, fs: FSConfig(lower: "ext4", upper: "xfs")))
    _ = m.mount()
    return m
}

@Suite struct RenamePureUpperTests {
    /// `dir.c:ovl_rename`: a target with an origin is checked by overlayfs (ENOTEMPTY on any
    /// upper fs, not xfs's EEXIST), and one holding only whiteouts is replaced.
    @Test func targetWithOriginIsNotPureUpper() {
        var full = model(["a": Node(kind: .file(data: "1"))])
        #expect(full.apply(.rename(p("s"), to: p("t"), flags: [])) == .failed(.ENOTEMPTY))
        var whiteouts = model(["w": Node(kind: .whiteout, perm: 0)])
        #expect(whiteouts.apply(.rename(p("s"), to: p("t"), flags: [])) == .ok(.none))
    }
}
