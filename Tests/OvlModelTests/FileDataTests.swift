import OvlModel
import Testing

private func layer(_ entries: [String: Node]) -> Layer {
    var l = Layer()
    for (k, v) in entries { l.entries[path(k)] = v }
    l.addMissingParents()
    return l
}

private func metacopy(_ size: Int, _ xattrs: [String: String] = [:]) -> Node {
    Node(kind: .file(data: String(repeating: "\0", count: size)), xattrs: ["trusted.overlay.metacopy": ""].merging(xattrs) { $1 })
}

private let fiveGiB: Int64 = 5 << 30

@Suite struct SparseFileTests {
    /// Extents merge when they touch; reads fill holes with zeros; truncate cuts.
    @Test func writeReadTruncate() {
        var s = SparseFile(size: fiveGiB + 4, extents: [.init(offset: fiveGiB, bytes: Array("tail".utf8))])
        s.write(Array("+x".utf8), at: fiveGiB + 4)
        #expect(s.size == fiveGiB + 6)
        #expect(s.extents.count == 1)
        #expect(s.read(at: fiveGiB - 2, count: 10) == [0, 0] + Array("tail+x".utf8))
        s.truncate(to: fiveGiB + 2)
        #expect(s.read(at: fiveGiB, count: 100) == Array("ta".utf8))
    }

    /// SEEK_DATA/SEEK_HOLE go by whole 4 KiB blocks, EOF being a hole; the rendering shows the
    /// block-aligned segments without their trailing zeros.
    @Test func segmentsAndRendering() {
        var s = SparseFile(size: fiveGiB + 2, extents: [.init(offset: fiveGiB, bytes: Array("ta".utf8))])
        #expect(s.dataOffset(from: 0) == fiveGiB)
        #expect(s.holeOffset(from: fiveGiB) == fiveGiB + 2)
        #expect(s.holeOffset(from: 7) == 7)
        #expect(s.dataOffset(from: fiveGiB + 2) == nil)
        s.write(Array("6GiB".utf8), at: 6 << 30)
        #expect(s.holeOffset(from: fiveGiB) == fiveGiB + 4096)
        #expect(s.dataOffset(from: fiveGiB + 4096) == 6 << 30)
        #expect(s.rendering == "sparse 6442450948: @5368709120+4096 \"ta\" @6442450944+4 \"6GiB\"")
    }

    /// A 5 GiB lower file copied up by chmod keeps its hole and tail; metacopy keeps none of it
    /// in the upper (R44, R77), and an append adds to the sparse form.
    @Test func copyUpKeepsSparseForm() {
        var big = Node(kind: .file(data: ""))
        big.setContent(SparseFile(size: fiveGiB + 4, extents: [.init(offset: fiveGiB, bytes: Array("tail".utf8))]))
        var m = mounted([layer(["big": big])], options: ["metacopy=on"])
        #expect(m.apply(.chmod(path("big"), mode: 0o600)) == .ok(.none))
        #expect(m.upper?[path("big")]?.sparse == SparseFile(size: fiveGiB + 4))
        #expect(m.apply(.read(path("big"))) == .ok(.text("sparse 5368709124: @5368709120+4 \"tail\"")))
        #expect(m.apply(.append(path("big"), data: "!")) == .ok(.none))
        #expect(m.upper?[path("big")]?.sparse?.read(at: fiveGiB, count: 10) == Array("tail!".utf8))
        #expect(m.upper?[path("big")]?.xattrs["trusted.overlay.metacopy"] == nil)
    }
}

@Suite struct MetacopyErrorTests {
    /// R81: no data below an upper metacopy file, a too small X.metacopy, a non-regular lower.
    @Test func eioAtLookup() {
        var m = mounted([layer(["b": Node(kind: .file(data: "b")), "p": Node(kind: .fifo)])],
                        upper: layer(["a": metacopy(1), "b": metacopy(1, ["trusted.overlay.metacopy": "ab"]), "p": metacopy(0)]),
                        options: ["metacopy=on"])
        #expect(m.apply(.stat(path("a"))) == .failed(.EIO))
        #expect(m.apply(.stat(path("b"))) == .failed(.EIO))
        #expect(m.apply(.stat(path("p"))) == .failed(.EIO))
    }

    /// R81 with metacopy=off: a lower below an upper metacopy file, or a lower metacopy file, is
    /// EPERM; an upper metacopy file with nothing below is still EIO.
    @Test func epermOnlyWhenALowerIsFound() {
        var m = mounted([layer(["b": Node(kind: .file(data: "b")), "e": metacopy(1)])],
                        upper: layer(["a": metacopy(1), "b": metacopy(1)]), options: ["metacopy=off"])
        #expect(m.apply(.stat(path("a"))) == .failed(.EIO))
        #expect(m.apply(.stat(path("b"))) == .failed(.EPERM))
        #expect(m.apply(.stat(path("e"))) == .failed(.EPERM))
    }

    /// R83: a missing data-layer file is found by lookup and fails open and copy-up with ENOENT.
    @Test func lazyDataLookupFails() {
        let f = metacopy(4, ["trusted.overlay.redirect": "/blobs/none"])
        var m = OverlayModel(scenario: Scenario(lowers: [layer(["f": f]), layer(["blobs/b": Node(kind: .file(data: "b"))])],
                                                upper: Layer(), options: [MountOption(key: "metacopy", value: "on")],
                                                steps: [], dataLayerCount: 1),
                             environment: Environment(defaults: .debian, samefs: true))
        _ = m.mount()
        guard case .ok(.stat) = m.apply(.stat(path("f"))) else { Issue.record("stat of f failed"); return }
        #expect(m.apply(.read(path("f"))) == .failed(.ENOENT))
        #expect(m.apply(.chmod(path("f"), mode: 0o600)) == .failed(.ENOENT))
    }

    /// R78: stat of a metacopy file shows st_blocks of its lower data file.
    @Test func blocksOfLowerData() {
        var m = mounted([layer(["f": Node(kind: .file(data: "data"))])], options: ["metacopy=on"])
        _ = m.apply(.chmod(path("f"), mode: 0o600))
        guard case .ok(.stat(let s)) = m.apply(.stat(path("f"))) else { Issue.record("stat of f failed"); return }
        #expect(s.blocks == .of(.lower(layer: 0, path: path("f"))))
    }
}
