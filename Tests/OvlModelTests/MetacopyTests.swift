import OvlModel
import Testing

private func p(_ s: String) -> RelPath { RelPath(parsing: s) ?? .root }

private func model(lowers: [Layer], dataLayers: Int = 0, metacopy: Bool = true) -> OverlayModel {
    var m = OverlayModel(scenario: Scenario(lowers: lowers, upper: Layer(),
                                            options: [MountOption(key: "metacopy", value: metacopy ? "on" : "off")],
                                            steps: [], dataLayerCount: dataLayers),
                         environment: Environment(defaults: .debian, samefs: true, fs: FSConfig(lower: "ext4", upper: "ext4")))
    _ = m.mount()
    return m
}

private func layer(_ entries: [String: Node]) -> Layer {
    var l = Layer()
    for (k, v) in entries { l.entries[p(k)] = v }
    l.addMissingParents()
    return l
}

@Suite struct MetacopyTests {
    /// R77–R79: chmod leaves a hole with an empty X.metacopy; the data still reads from the lower;
    /// open for write copies it in and drops the marker.
    @Test func chmodThenOpenForWrite() {
        var m = model(lowers: [layer(["f": Node(kind: .file(data: "abc"))])])
        #expect(m.apply(.chmod(p("f"), mode: 0o600)) == .ok(.none))
        #expect(m.upper?[p("f")]?.kind == .file(data: "\0\0\0"))
        #expect(m.upper?[p("f")]?.xattrs["trusted.overlay.metacopy"] == "")
        #expect(m.apply(.read(p("f"))) == .ok(.text("abc")))
        #expect(m.apply(.openRW(p("f"))) == .ok(.none))
        #expect(m.upper?[p("f")]?.kind == .file(data: "abc"))
        #expect(m.upper?[p("f")]?.xattrs["trusted.overlay.metacopy"] == nil)
    }

    /// R81 + filename_create: making a name whose lookup is refused gives that errno, not
    /// EEXIST, and on a read-only remount it comes before EROFS.
    @Test func makingARefusedName() {
        let meta = Node(kind: .file(data: "\0"), xattrs: ["trusted.overlay.metacopy": ""])
        var m = model(lowers: [layer(["m": meta, "f": Node(kind: .file(data: "f"))])], metacopy: false)
        #expect(m.apply(.create(p("m"), mode: 0o644)) == .failed(.EPERM))
        #expect(m.apply(.link(p("f"), to: p("m"))) == .failed(.EPERM))
        _ = m.apply(.remountInPlace(options: "ro"))
        #expect(m.apply(.mkdir(p("m"), mode: 0o755)) == .failed(.EPERM))
        #expect(m.apply(.create(p("f"), mode: 0o644)) == .failed(.EEXIST))
        #expect(m.apply(.create(p("g"), mode: 0o644)) == .failed(.EROFS))
    }

    /// Without metacopy the same chmod copies the data (R38).
    @Test func metacopyOffCopiesData() {
        var m = model(lowers: [layer(["f": Node(kind: .file(data: "abc"))])], metacopy: false)
        _ = m.apply(.chmod(p("f"), mode: 0o600))
        #expect(m.upper?[p("f")]?.kind == .file(data: "abc"))
    }

    /// R80: a same-directory rename gives the old name, a cross-directory one the absolute path.
    @Test func renameRedirects() {
        var m = model(lowers: [layer(["d/a": Node(kind: .file(data: "a")), "d/b": Node(kind: .file(data: "b"))])])
        _ = m.apply(.rename(p("d/a"), to: p("d/a2"), flags: []))
        _ = m.apply(.rename(p("d/b"), to: p("b2"), flags: []))
        #expect(m.upper?[p("d/a2")]?.xattrs["trusted.overlay.redirect"] == "a")
        #expect(m.upper?[p("b2")]?.xattrs["trusted.overlay.redirect"] == "/d/b")
        _ = m.apply(.remount)
        #expect(m.apply(.read(p("b2"))) == .ok(.text("b")))
    }

    /// R83: a data-only layer is not in the namespace; it only feeds an absolute redirect.
    @Test func dataOnlyLayer() {
        let meta = Node(kind: .file(data: "\0\0"), xattrs: ["trusted.overlay.metacopy": "", "trusted.overlay.redirect": "/x"])
        var m = model(lowers: [layer(["f": meta]), layer(["x": Node(kind: .file(data: "hi"))])], dataLayers: 1)
        #expect(m.apply(.read(p("f"))) == .ok(.text("hi")))
        #expect(m.apply(.stat(p("x"))) == .failed(.ENOENT))
    }
}
