import OvlModel
import Testing
@testable import OvlRunner

private func p(_ s: String) -> RelPath { RelPath(parsing: s) ?? .root }

@Suite("Inode resolver")
struct InodeResolverTests {
    let layers = LayerInodes(lowers: [[.root: 2, p("f"): 12]], upper: [.root: 128], lowerDevs: [7], upperDev: 8)

    @Test("A lower ref resolves through the layer table, with the xino fsid bits")
    func lowerWithXino() {
        var r = InodeResolver(layers: layers, overlayDevs: [0: 40], finalUpper: [:], upperPaths: [:])
        let f = InodeRef.lower(layer: 0, path: p("f"))
        #expect(r.check(ino: .real(f, fsid: 1, xinoBits: 2), observed: .number(12 | 1 << 63)) == nil)
        #expect(r.check(ino: .real(f, fsid: 1, xinoBits: 2), observed: .number(12)) != nil)
        #expect(r.describe(ino: .number(12 | 1 << 62)) == "12|1<<62 (= lower0:f)")
        #expect(r.check(dev: .overlay(generation: 0), observed: .number(40)) == nil)
    }

    @Test("An upper ref resolves through the final dump; counters and pseudo devs bind one number each")
    func bindings() {
        var r = InodeResolver(layers: layers, overlayDevs: [0: 40], finalUpper: [p("u"): EntryView(type: .file, ino: .number(99))],
                              upperPaths: [3: p("u")])
        #expect(r.check(ino: .real(.upper(serial: 3), fsid: 0, xinoBits: 0), observed: .number(99)) == nil)
        #expect(r.check(ino: .volatile(key: "d", generation: 0), observed: .number(5)) == nil)
        #expect(r.check(ino: .volatile(key: "d", generation: 0), observed: .number(6)) != nil)
        #expect(r.check(ino: .volatile(key: "e", generation: 0), observed: .number(5)) != nil)
        #expect(r.check(ino: .volatile(key: "e", generation: 1), observed: .number(5)) == nil)
        #expect(r.check(dev: .pseudo(fsid: 1, generation: 0), observed: .number(7)) != nil)  // a real fs's dev
        #expect(r.check(dev: .pseudo(fsid: 1, generation: 0), observed: .number(41)) == nil)
        #expect(r.check(dev: .pseudo(fsid: 0, generation: 0), observed: .number(41)) != nil)
    }
}
