import OvlModel
import Testing

/// A layer of files (parents implied) and `redirects`: upper dirs carrying `X.redirect`.
private func layer(_ files: [String: String], redirects: [String: String] = [:]) -> Layer {
    var l = Layer()
    for (p, data) in files { l.entries[path(p)] = Node(kind: .file(data: data)) }
    for (p, r) in redirects { l.entries[path(p)] = Node(kind: .dir, xattrs: ["trusted.overlay.redirect": r]) }
    l.addMissingParents()
    return l
}

@Suite("Name rules: redirect_dir, renameat2, read-only errors")
struct NameRulesTests {
    @Test("R49: relative redirect in place, absolute across parents built from the ancestor's redirect")
    func redirects() {
        var m = mounted([layer(["a/sub/f": "x", "c/k": "k"])], options: ["redirect_dir=on"])
        #expect(m.apply(.rename(path("a"), to: path("b"), flags: [])) == .ok(.none))
        #expect(m.upper?[path("b")]?.xattrs["trusted.overlay.redirect"] == "a")
        #expect(m.apply(.rename(path("b/sub"), to: path("c/s"), flags: [])) == .ok(.none))
        #expect(m.upper?[path("c/s")]?.xattrs["trusted.overlay.redirect"] == "/a/sub")
        #expect(m.apply(.read(path("c/s/f"))) == .ok(.text("x")))
    }

    @Test("R50: an absolute redirect searches every lower layer from its root")
    func absoluteRedirectAllLayers() {
        var m = mounted([layer(["c/k": "k"]), layer(["a/g": "two"])],
                        upper: layer([:], redirects: ["c/b": "/a"]), options: ["redirect_dir=on"])
        #expect(m.apply(.read(path("c/b/g"))) == .ok(.text("two")))
    }

    @Test("R51: nofollow refuses a redirect whose target exists, and ignores a missing one")
    func nofollow() {
        var m = mounted([layer(["d/a/f": "x", "d/b/g": "hidden"])],
                        upper: layer([:], redirects: ["d/b": "zz", "d/c": "a"]), options: ["redirect_dir=nofollow"])
        #expect(m.apply(.stat(path("d/c"))) == .failed(.EPERM))
        #expect(m.apply(.readdir(path("d/b"))) == .ok(.dirents([:])))
    }

    @Test("R46: a lower file moved to another dir marks the new parent impure once copied up")
    func crossDirFileImpure() {
        var m = mounted([layer(["d/f": "x", "e/k": "k"])])
        #expect(m.apply(.rename(path("d/f"), to: path("e/f"), flags: [])) == .ok(.none))
        #expect(m.upper?[path("e")]?.xattrs["trusted.overlay.impure"] == "y")
        #expect(m.upper?[path("d/f")]?.kind == .whiteout)
        #expect(m.upper?[path("e/f")]?.xattrs["trusted.overlay.redirect"] == nil)
    }

    @Test("R86: RENAME_EXCHANGE swaps, RENAME_WHITEOUT is EINVAL, NOREPLACE is EEXIST")
    func renameFlags() {
        var m = mounted([layer(["d/a": "A", "d/b": "B"])])
        #expect(m.apply(.rename(path("d/a"), to: path("d/b"), flags: [.whiteout])) == .failed(.EINVAL))
        #expect(m.apply(.rename(path("d/a"), to: path("d/b"), flags: [.noreplace])) == .failed(.EEXIST))
        #expect(m.apply(.rename(path("d/a"), to: path("d/b"), flags: [.exchange])) == .ok(.none))
        #expect(m.apply(.read(path("d/a"))) == .ok(.text("B")))
        #expect(m.upper?[path("d/a")]?.kind != .whiteout)
    }

    @Test("R84: read-only errors come after the VFS's ENOENT and EEXIST")
    func readOnlyOrder() {
        var m = mounted([layer(["d/f": "x"]), layer(["g": "y"])], upper: Layer())
        var ro = OverlayModel(scenario: Scenario(lowers: m.lowers, upper: nil, options: [], steps: []),
                              environment: Environment(defaults: .debian, samefs: true))
        _ = ro.mount()
        #expect(ro.apply(.mkdir(path("d"), mode: 0o755)) == .failed(.EEXIST))
        #expect(ro.apply(.mkdir(path("e"), mode: 0o755)) == .failed(.EROFS))
        #expect(ro.apply(.chmod(path("nope"), mode: 0o600)) == .failed(.ENOENT))
        #expect(ro.apply(.unlink(path("d/nope"))) == .failed(.EROFS))
        #expect(m.apply(.openTmpfile(path("d"))) == .ok(.none))
        #expect(m.upper?[path("d")] != nil)
    }

    @Test("R84: a terminal slash wants a directory; nothing is copied up for a refused one")
    func terminalSlash() {
        var m = mounted([layer(["d/f": "x", "d/s/x": "y"])])
        let slashed = { (s: String) in RelPath(components: path(s).components, trailingSlash: true) }
        #expect(m.apply(.stat(slashed("d/f"))) == .failed(.ENOTDIR))
        #expect(m.apply(.chmod(slashed("d/f"), mode: 0o600)) == .failed(.ENOTDIR))
        #expect(m.apply(.create(slashed("d/n"), mode: 0o644)) == .failed(.EISDIR))
        #expect(m.apply(.unlink(slashed("d/s"))) == .failed(.EISDIR))
        #expect(m.apply(.rename(slashed("d/f"), to: path("d/g"), flags: [])) == .failed(.ENOTDIR))
        #expect(m.upper?[path("d")] == nil)
        #expect(m.apply(.mkdir(slashed("d/m"), mode: 0o755)) == .ok(.none))
        #expect(m.upper?[path("d/m")]?.kind == .dir)
    }

    @Test("R92: chattr +i copies up, stores X.protattr and makes changes EPERM; clearing removes it")
    func protection() {
        var m = mounted([layer(["d/f": "x"])])
        #expect(m.apply(.chattr(path("d/f"), immutable: true, append: false)) == .ok(.none))
        #expect(m.upper?[path("d/f")]?.xattrs["trusted.overlay.protattr"] == "i")
        #expect(m.apply(.write(path("d/f"), data: "y")) == .failed(.EPERM))
        #expect(m.apply(.unlink(path("d/f"))) == .failed(.EPERM))
        #expect(m.apply(.chattr(path("d/f"), immutable: false, append: false)) == .ok(.none))
        #expect(m.upper?[path("d/f")]?.xattrs["trusted.overlay.protattr"] == nil)
        #expect(m.apply(.write(path("d/f"), data: "y")) == .ok(.none))
    }
}
