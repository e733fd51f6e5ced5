import OvlModel
import Testing

/// The host's layer checker reads the guest's dump (``DumpedLayers``) as fsck reads a folder.
struct DumpedLayersTests {
    func p(_ s: String) -> RelPath { RelPath(components: s.split(separator: "/").map(String.init)) }
    func dir(_ xattrs: [String: String] = [:]) -> EntryView { EntryView(type: .dir, perm: 0o755, uid: 0, gid: 0, nlink: 2, xattrs: xattrs) }
    func whiteout() -> EntryView { EntryView(type: .chardev, perm: 0, rdev: "0:0", nlink: 1, xattrs: [:]) }

    @Test func findsWhatTheSameLayersInMemoryHave() {
        let lower: TreeView = [.root: dir(), p("d"): dir(), p("d/f"): EntryView(type: .file, perm: 0o644, data: "x", nlink: 1, xattrs: [:])]
        let upper: TreeView = [.root: dir(), p("d"): dir(), p("d/f"): whiteout(), p("d/x"): whiteout(),
                               p("e"): dir(["trusted.overlay.redirect": "a/b"])]
        let set = DumpedLayers(lowers: [lower], upper: upper, workdir: [.root: dir()]).layerSet(prefix: .trusted, dataLayerCount: 0)
        #expect(set.upper?[p("d/x")]?.kind == .whiteout)
        #expect(Set(set.findings().map(\.problem)) == [.orphanWhiteout, .invalidRedirect])
        #expect(set.findings().map(\.path) == [p("d/x"), p("e")])
        // A device that is no 0:0 is a user's object, never a whiteout.
        var device = upper
        device[p("d/x")] = EntryView(type: .chardev, perm: 0o600, rdev: "1:3", nlink: 1, xattrs: [:])
        let withDevice = DumpedLayers(lowers: [lower], upper: device, workdir: nil).layerSet(prefix: .trusted, dataLayerCount: 0)
        #expect(withDevice.findings().map(\.problem) == [.invalidRedirect])
    }

    @Test func hardLinksShareOneIdentityPerLayer() {
        var a = EntryView(type: .file, perm: 0o644, nlink: 2, xattrs: [:]), b = a, c = a
        a.ino = .number(7); b.ino = .number(7); c.ino = .number(9); c.nlink = 1
        let layer = Layer(dump: [.root: dir(), p("a"): a, p("b"): b, p("c"): c])
        #expect(layer[p("a")]?.inode != nil)
        #expect(layer[p("a")]?.inode == layer[p("b")]?.inode)
        #expect(layer[p("c")]?.inode == nil)
    }

    @Test func indexEntriesOfASnapshotAreTheWorkdirsIndex() {
        let snapshot = Snapshot(merged: [:], upper: [.root: dir()], work: [], lowers: [[.root: dir()]],
                                index: ["zz": EntryView(type: .file, perm: 0o644, nlink: 1, xattrs: [:])])
        let set = DumpedLayers(snapshot: snapshot).layerSet(prefix: .trusted, dataLayerCount: 0)
        #expect(set.findings().map(\.problem) == [.staleIndex])
        #expect(set.findings().first?.path == p("index/zz"))
    }

    @Test func plannedRepairsLeaveWhatTheRunLeaves() {
        var upper = Layer()
        upper[p("d")] = Node(kind: .dir)
        upper[p("d/x")] = Node(kind: .whiteout)
        upper[p("e")] = Node(kind: .dir, xattrs: ["trusted.overlay.redirect": "a/b"])
        let set = LayerSet(lowers: [Layer()], upper: upper)
        let planned = set.plannedRepairs(policy: .safe)
        #expect(planned.count == 2)
        #expect(set.plannedRepairs(policy: .none).isEmpty)
        var applied = set
        for r in planned { applied = applied.repaired([Finding(problem: .orphanWhiteout, layer: r.layer, path: r.path, subject: "", detail: "", repairs: [r.repair])]) }
        #expect(applied.findings().isEmpty)
        #expect(applied == set.check(policy: .safe).layers)
    }
}
