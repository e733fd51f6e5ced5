import OvlModel
import Testing

private func layer(_ entries: [String: Node]) -> Layer {
    var l = Layer()
    for (k, v) in entries { l.entries[path(k)] = v }
    l.addMissingParents()
    return l
}

private func dir(redirect: String) -> Node { Node(kind: .dir, xattrs: ["trusted.overlay.redirect": redirect]) }

/// The names a readdir step lists (`namei.c:ovl_lookup` decides which layers a directory merges).
private func names(_ m: inout OverlayModel, _ p: String) -> [String]? {
    guard case .ok(.dirents(let d)) = m.apply(.readdir(path(p))) else { return nil }
    return d.keys.sorted()
}

/// Issue 18: every layer is looked up alike; a lower layer may be a former upper.
@Suite struct LowerLayerLookupTests {
    /// A former upper holding a renamed dir (relative redirect) and the whiteout of its old name.
    let renamed = [layer(["a": Node(kind: .whiteout), "b": dir(redirect: "a"), "b/new": Node(kind: .file(data: "n"))]),
                   layer(["a/f": Node(kind: .file(data: "one"))])]

    /// R31: an xwhiteout is listed in a dir read as the real one (one lower, no origin), though
    /// lookup takes it for a whiteout; in a merged dir readdir drops it.
    @Test func xwhiteoutInADirOfOneLowerIsListed() {
        let xdir = Node(kind: .dir, xattrs: ["trusted.overlay.opaque": "x"])
        let xwhiteout = Node(kind: .file(data: ""), xattrs: ["trusted.overlay.whiteout": "y"])
        var m = mounted([layer(["d": xdir, "d/w": xwhiteout, "d/f": Node(kind: .file(data: "f")), "m": xdir, "m/w": xwhiteout]),
                         layer(["m/w": Node(kind: .file(data: "hidden")), "m/k": Node(kind: .file(data: "k"))])])
        #expect(names(&m, "d") == ["f", "w"])
        #expect(m.apply(.stat(path("d/w"))) == .failed(.ENOENT))
        #expect(names(&m, "m") == ["k"])
    }

    @Test(arguments: ["on", "follow", "off"]) func relativeRedirectInALowerIsFollowed(mode: String) {
        var m = mounted(renamed, options: ["redirect_dir=\(mode)"])
        #expect(names(&m, "b") == ["f", "new"])
        #expect(m.apply(.read(path("b/f"))) == .ok(.text("one")))
        #expect(names(&m, ".") == ["b"])
    }

    /// nofollow reads the redirect of a lower that is not the parent's last and refuses the lookup.
    @Test func nofollowRefusesALowerRedirect() {
        var m = mounted(renamed, options: ["redirect_dir=nofollow"])
        #expect(m.apply(.stat(path("b"))) == .failed(.EPERM))
        #expect(m.apply(.read(path("b/f"))) == .failed(.EPERM))
    }

    /// An absolute redirect goes on from the root stack below its layer; a relative one read
    /// there renames the last component again (a chain).
    @Test func absoluteRedirectChain() {
        var m = mounted([layer(["x/y": dir(redirect: "/p/q"), "x/y/top": Node(kind: .file(data: "t")), "p": Node(kind: .whiteout)]),
                         layer(["p/q": dir(redirect: "r"), "p/q/mid": Node(kind: .file(data: "m"))]),
                         layer(["p/r/low": Node(kind: .file(data: "l")), "x/y/hidden": Node(kind: .file(data: "h"))])],
                        options: ["redirect_dir=on"])
        #expect(names(&m, "x/y") == ["low", "mid", "top"])
        #expect(m.apply(.stat(path("x/y/hidden"))) == .failed(.ENOENT))
    }

    /// `util.c:ovl_get_redirect_xattr` refuses a redirect that does not parse: EINVAL.
    @Test(arguments: ["", "a/b", "/a//b", "/"]) func invalidLowerRedirect(value: String) {
        var m = mounted([layer(["d": dir(redirect: value)]), layer(["d/x": Node(kind: .file(data: "x"))])])
        #expect(m.apply(.stat(path("d"))) == .failed(.EINVAL))
    }

    /// R78/R79: a metacopy file of a middle lower keeps its own i_size over a longer (or shorter)
    /// data file; reads take the data file whole; a data copy-up copies the metacopy's size.
    @Test func metacopyInAMiddleLowerKeepsItsSize() {
        let meta = { (n: Int) in Node(kind: .file(data: String(repeating: "\0", count: n)), xattrs: ["trusted.overlay.metacopy": ""]) }
        var m = mounted([layer(["f": meta(3), "g": meta(10)]),
                         layer(["f": Node(kind: .file(data: "12345678")), "g": Node(kind: .file(data: "12345678"))])],
                        options: ["metacopy=on", "redirect_dir=on"])
        guard case .ok(.stat(let st)) = m.apply(.stat(path("f"))) else { Issue.record("stat f"); return }
        #expect(st.size == 3)
        #expect(m.apply(.read(path("f"))) == .ok(.text("12345678")))
        #expect(m.apply(.openRW(path("f"))) == .ok(.none))
        #expect(m.apply(.read(path("f"))) == .ok(.text("123")))
        #expect(m.apply(.openRW(path("g"))) == .ok(.none))
        #expect(m.upper?[path("g")]?.kind == .file(data: "12345678\0\0"))
    }

    /// A stage: the upper becomes the top lower; a dir renamed in it is followed in the next.
    @Test func nextStageStacksTheUpper() {
        var m = mounted([layer(["a/f": Node(kind: .file(data: "one"))])], options: ["redirect_dir=on"])
        #expect(m.apply(.rename(path("a"), to: path("b"), flags: [])) == .ok(.none))
        #expect(m.apply(.nextStage(options: nil)) != .failed(.EINVAL))
        #expect(m.lowers.count == 2)
        #expect(m.lowers[0][path("b")]?.xattrs["trusted.overlay.redirect"] == "a")
        #expect(m.upper?.entries.isEmpty == true)
        #expect(names(&m, "b") == ["f"])
        #expect(m.apply(.stat(path("a"))) == .failed(.ENOENT))
    }
}
