import OvlModel
import Testing

/// Builds a layer from `path: content` pairs (directories implied).
private func layer(_ files: [String: String], dirs: [String] = []) -> Layer {
    var l = Layer()
    for (p, data) in files { if let path = RelPath(parsing: p) { l.entries[path] = Node(kind: .file(data: data)) } }
    for d in dirs { if let path = RelPath(parsing: d) { l.entries[path] = Node(kind: .dir) } }
    l.addMissingParents()
    return l
}

@Suite("Model rules")
struct ModelTests {
    @Test("R1/R22: upper beats the top lower, which beats the lower below")
    func layerOrder() {
        var m = mounted([layer(["a": "l0"]), layer(["a": "l1", "b": "l1"])], upper: layer(["b": "up"]))
        #expect(m.apply(.read(path("a"))) == .ok(.text("l0")))
        #expect(m.apply(.read(path("b"))) == .ok(.text("up")))
    }

    @Test("R33: unlink of a lower file leaves a 0:0 whiteout and copies the parent up")
    func unlinkLeavesWhiteout() {
        var m = mounted([layer(["d/f": "x", "d/g": "y"])])
        #expect(m.apply(.unlink(path("d/f"))) == .ok(.none))
        #expect(m.apply(.stat(path("d/f"))) == .failed(.ENOENT))
        #expect(m.upper?[path("d/f")]?.kind == .whiteout)
        #expect(m.upper?[path("d")]?.xattrs["trusted.overlay.origin"] == XattrPattern.fileHandle)
        #expect(m.snapshot().work == [XattrPattern.tempName])
    }

    @Test("R33: unlink of an upper-only file leaves no whiteout")
    func unlinkUpperOnly() {
        var m = mounted([layer([:], dirs: ["d"])], upper: layer(["d/u": "x"]))
        #expect(m.apply(.unlink(path("d/u"))) == .ok(.none))
        #expect(m.upper?[path("d/u")] == nil)
        #expect(m.snapshot().work == [])
    }

    @Test("R34: rmdir of a non-empty merged dir is ENOTEMPTY")
    func rmdirNotEmpty() {
        var m = mounted([layer(["d/f": "x"])])
        #expect(m.apply(.rmdir(path("d"))) == .failed(.ENOTEMPTY))
        #expect(m.upper?[path("d")] == nil)
    }

    @Test("R35: mkdir over a whiteout makes an opaque dir")
    func mkdirOverWhiteout() {
        var m = mounted([layer(["d/old": "x"])])
        #expect(m.apply(.unlink(path("d/old"))) == .ok(.none))
        #expect(m.apply(.rmdir(path("d"))) == .ok(.none))
        #expect(m.apply(.mkdir(path("d"), mode: 0o755)) == .ok(.none))
        #expect(m.upper?[path("d")]?.xattrs["trusted.overlay.opaque"] == "y")
        #expect(m.apply(.readdir(path("d"))) == .ok(.dirents([:])))
    }

    @Test("R37: mknod of a 0:0 chardev through the overlay is EPERM")
    func mknodWhiteout() {
        var m = mounted([layer(["f": "x"])])
        #expect(m.apply(.mknod(path("w"), kind: .chardev(major: 0, minor: 0))) == .failed(.EPERM))
    }

    @Test("R38/R40/R46: chmod copies up keeping data and mtime; the parent becomes impure")
    func chmodCopiesUp() {
        var m = mounted([layer(["d/f": "data"])])
        #expect(m.apply(.chmod(path("d/f"), mode: 0o600)) == .ok(.none))
        let up = m.upper?[path("d/f")]
        #expect(up?.kind == .file(data: "data"))
        #expect(up?.perm == 0o600)
        #expect(up?.mtime == Node.layerMtime)
        #expect(m.upper?[path("d")]?.xattrs["trusted.overlay.impure"] == "y")
    }

    @Test("R38: reads never copy up")
    func readsDoNotCopyUp() {
        var m = mounted([layer(["d/f": "data"])])
        _ = m.apply(.read(path("d/f")))
        _ = m.apply(.stat(path("d/f")))
        _ = m.apply(.readdir(path("d")))
        #expect(m.upper?.entries.isEmpty == true)
    }

    @Test("R47: renaming a lower dir without redirect_dir=on is EXDEV")
    func renameLowerDir() {
        var m = mounted([layer(["d/f": "x"])])
        #expect(m.apply(.rename(path("d"), to: path("e"), flags: [])) == .failed(.EXDEV))
    }

    @Test("R11: nfs_export=on,index=off is refused with EINVAL and a conflict message")
    func conflict() {
        var m = OverlayModel(scenario: Scenario(lowers: [Layer()], upper: Layer(),
                                                options: [MountOption(key: "nfs_export", value: "on"), MountOption(key: "index", value: "off")],
                                                steps: []),
                             environment: Environment(defaults: .debian, samefs: true))
        let obs = m.mount()
        #expect(obs.errno == .EINVAL)
        #expect(obs.kernelLog == ["overlayfs: conflicting options: nfs_export=on,index=off"])
        #expect(!m.mounted)
    }

    @Test("R11: nfs_export=on alone turns index on; metacopy=on turns redirect_dir on")
    func implied() throws {
        let a = try ResolvedOptions.resolve([MountOption(key: "nfs_export", value: "on")], defaults: .debian)
        #expect(a.index)
        let b = try ResolvedOptions.resolve([MountOption(key: "metacopy", value: "on")], defaults: .debian)
        #expect(b.redirect == .on)
    }

    @Test("R18: a new overlay shows uuid=on; a remount keeps the stored uuid and shows nothing")
    func uuid() {
        var m = mounted([layer(["f": "x"])])
        #expect(m.upper?[.root]?.xattrs["trusted.overlay.uuid"] == XattrPattern.uuid)
        #expect(m.apply(.remount) == .ok(.names([])))
    }

    @Test("R5: without upper every modification is EROFS and redirect shows as on")
    func readOnly() {
        var m = OverlayModel(scenario: Scenario(lowers: [layer(["f": "a"]), layer(["g": "b"])], upper: nil, options: [], steps: []),
                             environment: Environment(defaults: .debian, samefs: true))
        #expect(m.mount().options == ["redirect_dir=on"])
        #expect(m.apply(.write(path("f"), data: "x")) == .failed(.EROFS))
        #expect(m.apply(.read(path("g"))) == .ok(.text("b")))
    }

    @Test("RelPath refuses paths that leave the layers")
    func relPath() {
        #expect(RelPath(parsing: "/etc/passwd") == nil)
        #expect(RelPath(parsing: "a/../../b") == nil)
        #expect(RelPath(parsing: "a//b") == nil)
        #expect(RelPath(parsing: "a/b/")?.components == ["a", "b"])
    }

    @Test("ModelErrno names")
    func errnoNames() {
        #expect(ModelErrno.ENOTEMPTY.description == "ENOTEMPTY")
        #expect(ModelErrno(name: "EXDEV") == .EXDEV)
        #expect(ModelErrno(rawValue: 999).description == "errno 999")
    }
}
