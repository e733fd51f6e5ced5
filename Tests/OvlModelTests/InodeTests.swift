import OvlModel
import Testing

private func p(_ s: String) -> RelPath { RelPath(parsing: s) ?? .root }

/// A lower layer with files `a` and `b` that are one inode, `c`, and a dir `d`.
private func hardlinkedLower() -> Layer {
    var l = Layer()
    l.entries[p("a")] = Node(kind: .file(data: "x"), inode: 1)
    l.entries[p("b")] = Node(kind: .file(data: "x"), inode: 1)
    l.entries[p("c")] = Node(kind: .file(data: "c"))
    l.entries[p("d/f")] = Node(kind: .file(data: "f"))
    l.addMissingParents()
    return l
}

private func model(_ fs: FSConfig, options: [MountOption] = []) -> OverlayModel {
    var m = OverlayModel(scenario: Scenario(lowers: [hardlinkedLower()], upper: Layer(), options: options, steps: []),
                         environment: Environment(defaults: .debian, samefs: fs.samefs, fs: fs))
    _ = m.mount()
    return m
}

private func stat(_ m: inout OverlayModel, _ path: String) -> StatView? {
    guard case .ok(.stat(let s)) = m.apply(.stat(p(path))) else { return nil }
    return s
}

private let ext4 = FSConfig(lower: "ext4", upper: "ext4")
private let ext4OnXfs = FSConfig(lower: "ext4", upper: "xfs")

@Suite("Inode numbers, xino and index (R54–R65)")
struct InodeTests {
    @Test("R55: drop_caches renews a directory's counter ino, unless an open fd below it pins its dentry")
    func pinnedDirectoryKeepsCounterIno() {
        var m = model(ext4OnXfs)
        let before = stat(&m, "d")?.ino
        _ = m.apply(.fd(.open(p("d/f"), flags: [.rdonly], fd: "F")))
        _ = m.apply(.dropCaches)
        #expect(stat(&m, "d")?.ino == before)
        _ = m.apply(.fd(.close(fd: "F")))
        _ = m.apply(.dropCaches)
        #expect(stat(&m, "d")?.ino != before)
        // An open that fails still closes the fd of that name (the guest closes it first).
        _ = m.apply(.fd(.open(p("c"), flags: [.rdonly], fd: "F")))
        #expect(m.apply(.fd(.open(p("missing/x"), flags: [.rdonly], fd: "F"))) == .failed(.ENOENT))
        #expect(m.apply(.fd(.read(fd: "F"))) == .failed(.EBADF))
    }

    @Test("R54/R57: samefs copy-up keeps the origin's st_ino on the overlay dev")
    func samefsCopyUp() {
        var m = model(ext4)
        #expect(stat(&m, "c")?.ino == .real(.lower(layer: 0, path: p("c")), fsid: 0, xinoBits: 0))
        _ = m.apply(.chmod(p("c"), mode: 0o600))
        #expect(stat(&m, "c")?.ino == .real(.lower(layer: 0, path: p("c")), fsid: 0, xinoBits: 0))
        #expect(stat(&m, "c")?.dev == .overlay(generation: 0))
        #expect(stat(&m, ".")?.ino == .real(.upper(serial: 1), fsid: 0, xinoBits: 0))
    }

    @Test("R55: not samefs without xino — dirs on a counter, files on a pseudo dev per fs, root is 2")
    func nonSamefs() {
        var m = model(ext4OnXfs)
        #expect(stat(&m, ".")?.ino == .counter(2))
        guard case .volatile(_, 0)? = stat(&m, "d")?.ino else { Issue.record("dir ino not a counter"); return }
        #expect(stat(&m, "c")?.dev == .pseudo(fsid: 1, generation: 0))
        _ = m.apply(.create(p("new"), mode: 0o644))
        #expect(stat(&m, "new")?.dev == .pseudo(fsid: 0, generation: 0))
        _ = m.apply(.remount)
        #expect(stat(&m, "c")?.dev == .pseudo(fsid: 1, generation: 1))
    }

    @Test("R56: xino bits — 2 with xfs in the mix, 32 with ext4 only, none on one fs; the log line")
    func xinoBits() {
        var onXfs = model(ext4OnXfs, options: [MountOption(key: "xino", value: "on")])
        #expect(onXfs.xinoBits == 2)
        #expect(stat(&onXfs, "c")?.ino == .real(.lower(layer: 0, path: p("c")), fsid: 1, xinoBits: 2))
        #expect(stat(&onXfs, "d")?.dev == .overlay(generation: 0))
        var m = OverlayModel(scenario: Scenario(lowers: [hardlinkedLower()], upper: Layer(),
                                                options: [MountOption(key: "xino", value: "auto")], steps: []),
                             environment: Environment(defaults: .debian, samefs: false, fs: FSConfig(lower: "ext4", upper: "ext4")))
        // Two ext4 filesystems: every layer fs has ino32 handles, so 32 bits (super.c:ovl_fill_super).
        #expect(m.mount().kernelLog == ["overlayfs: \"xino\" feature enabled using 32 upper inode bits."])
        #expect(m.xinoBits == 32)
        var same = model(ext4, options: [MountOption(key: "xino", value: "on")])
        #expect(same.xinoBits == 0)
        #expect(stat(&same, "c")?.ino == .real(.lower(layer: 0, path: p("c")), fsid: 0, xinoBits: 0))
    }

    @Test("R59: without a unified st_ino space d_ino of a copied-up file is the upper ino")
    func direntIno() {
        var m = model(ext4OnXfs)
        _ = m.apply(.openRW(p("c")))
        guard case .ok(.dirents(let e)) = m.apply(.readdir(.root)) else { Issue.record("no listing"); return }
        guard case .real(.upper, 0, 0)? = e["c"]?.ino else { Issue.record("d_ino \(String(describing: e["c"]))"); return }
        #expect(stat(&m, "c")?.ino == .real(.lower(layer: 0, path: p("c")), fsid: 0, xinoBits: 0))
        #expect(e["a"]?.ino == .real(.lower(layer: 0, path: p("a")), fsid: 0, xinoBits: 0))
    }

    @Test("R61: with index a copied-up name renamed onto a not copied-up name of the same lower inode is a no-op (vfs_rename: source == target)")
    func renameOntoIndexedAlias() {
        var m = model(ext4, options: [MountOption(key: "index", value: "on")])
        #expect(m.apply(.chmod(p("a"), mode: 0o600)) == .ok(.none))
        #expect(m.upper?[p("b")] == nil)
        #expect(m.apply(.rename(p("a"), to: p("b"), flags: [])) == .ok(.none))
        #expect(m.upper?[p("a")] != nil && m.upper?[p("b")] == nil)
        #expect(stat(&m, "b")?.nlink == 2)
        var split = model(ext4)
        #expect(split.apply(.chmod(p("a"), mode: 0o600)) == .ok(.none))
        #expect(split.apply(.rename(p("a"), to: p("b"), flags: [])) == .ok(.none))
        #expect(split.upper?[p("b")] != nil)
    }

    @Test("R64: without index a hardlink breaks: upper ino, nlink 1, no origin; the other name stays")
    func brokenHardlink() {
        var m = model(ext4)
        #expect(stat(&m, "a")?.nlink == 2)
        _ = m.apply(.append(p("a"), data: "y"))
        #expect(stat(&m, "a")?.nlink == 1)
        guard case .real(.upper, _, _)? = stat(&m, "a")?.ino else { Issue.record("not the upper ino"); return }
        #expect(m.upper?[p("a")]?.xattrs["trusted.overlay.origin"] == nil)
        #expect(m.apply(.read(p("b"))) == .ok(.text("x")))
        #expect(stat(&m, "b")?.nlink == 2)
    }

    @Test("R61: two names a stage hardlinked are one inode in the next stage; without index a copy-up splits them")
    func stageMadeHardlinkPair() {
        for index in ["on", "off"] {
            var m = model(ext4, options: [MountOption(key: "index", value: index)])
            _ = m.apply(.link(p("c"), to: p("e")))
            _ = m.apply(.nextStage(options: nil))
            #expect(m.predictsSameInode(stat(&m, "c")!, stat(&m, "e")!))
            #expect(!m.predictsSameInode(stat(&m, "c")!, stat(&m, "d/f")!))
            _ = m.apply(.append(p("c"), data: "y"))
            #expect(m.predictsSameInode(stat(&m, "c")!, stat(&m, "e")!) == (index == "on"))
        }
    }

    @Test("R61/R63/R65: index keeps the link, X.nlink follows the union nlink, unlink drops it")
    func indexedHardlink() {
        var m = model(ext4, options: [MountOption(key: "index", value: "on")])
        _ = m.apply(.append(p("a"), data: "y"))
        #expect(m.apply(.read(p("b"))) == .ok(.text("xy")))
        #expect(m.upper?[p("a")]?.xattrs["trusted.overlay.nlink"] == "U+0")
        #expect(m.snapshot().index?.count == 1)
        _ = m.apply(.openRW(p("b")))
        #expect(m.upper?[p("a")]?.xattrs["trusted.overlay.nlink"] == "U-1")
        #expect(stat(&m, "b")?.nlink == 2)
        #expect(m.predictsSameInode(stat(&m, "a")!, stat(&m, "b")!))
        _ = m.apply(.unlink(p("a")))
        _ = m.apply(.unlink(p("b")))
        #expect(m.snapshot().index?.values.filter { $0.rdev != "0:0" }.isEmpty == true)
    }

    @Test("R66–R68: handle kinds, decode after copy-up, ESTALE after the last unlink or without nfs_export")
    func fileHandles() {
        var off = model(ext4)
        #expect(off.apply(.nameToHandle(p("c"), label: "h", fid: false)) == .failed(.EOPNOTSUPP))
        #expect(off.apply(.nameToHandle(p("c"), label: "h", fid: true)) == .ok(.handle(HandleView(type: 0xf8, upper: false))))
        #expect(off.apply(.openByHandle(label: "h")) == .failed(.ESTALE))
        var m = model(ext4, options: [MountOption(key: "nfs_export", value: "on")])
        _ = m.apply(.nameToHandle(p("c"), label: "c", fid: false))
        _ = m.apply(.append(p("c"), data: "!"))
        guard case .ok(.stat(let s)) = m.apply(.openByHandle(label: "c")) else { Issue.record("no decode"); return }
        #expect(s.ino == .real(.lower(layer: 0, path: p("c")), fsid: 0, xinoBits: 0))
        _ = m.apply(.unlink(p("c")))
        #expect(m.apply(.openByHandle(label: "c")) == .failed(.ESTALE))
        #expect(m.snapshot().index?.values.contains { $0.rdev == "0:0" } == true)
        _ = m.apply(.create(p("n"), mode: 0o644))
        #expect(m.apply(.nameToHandle(p("n"), label: "n", fid: false)) == .ok(.handle(HandleView(type: 0xf8, upper: true))))
    }

    @Test("R60: /proc/locks shows st_ino on the overlay dev, even where st_dev is a pseudo dev")
    func procLocks() {
        var m = model(ext4OnXfs)
        guard case .ok(.stat(let lock)) = m.apply(.procLocks(p("c"))) else { Issue.record("no lock"); return }
        #expect(lock.dev == .overlay(generation: 0))
        #expect(lock.ino == stat(&m, "c")?.ino)
        #expect(stat(&m, "c")?.dev == .pseudo(fsid: 1, generation: 0))
    }

    @Test("R71/R70: a remade lower makes a copied-up file's origin stale; with nfs_export a dir stops merging")
    func offlineChange() {
        var m = model(ext4, options: [MountOption(key: "index", value: "on")])
        _ = m.apply(.chmod(p("c"), mode: 0o600))
        _ = m.apply(.offlineLower(layer: 0, path: p("c"), node: Node(kind: .file(data: "new"))))
        guard case .real(.upper, _, _)? = stat(&m, "c")?.ino else { Issue.record("origin still used"); return }
        var n = model(ext4, options: [MountOption(key: "nfs_export", value: "on")])
        _ = n.apply(.create(p("d/new"), mode: 0o644))
        _ = n.apply(.offlineLower(layer: 0, path: p("d"), node: Node(kind: .dir)))
        _ = n.apply(.offlineLower(layer: 0, path: p("d/z"), node: Node(kind: .file(data: "z"))))
        guard case .ok(.dirents(let e)) = n.apply(.readdir(p("d"))) else { Issue.record("no listing"); return }
        #expect(Set(e.keys) == ["new"])
    }
}
