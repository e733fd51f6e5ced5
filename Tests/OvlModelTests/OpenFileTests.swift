import OvlModel
import Testing

private func p(_ s: String) -> RelPath { RelPath(parsing: s) ?? .root }

private func model(_ data: String) -> OverlayModel {
    var l = Layer()
    l.entries[p("f")] = Node(kind: .file(data: data))
    l.addMissingParents()
    var m = OverlayModel(scenario: Scenario(lowers: [l], upper: Layer(), options: [], steps: []),
                         environment: Environment(defaults: .debian, samefs: true, fs: FSConfig(lower: "ext4", upper: "ext4")))
    _ = m.mount()
    return m
}

@Suite struct OpenFileTests {
    /// R26: a merged dir's fd serves its own cache; at the end it shows nothing until a rewind,
    /// after which the version check shows the directory as it is now.
    @Test func directoryFdCache() {
        var m = model("x")
        _ = m.apply(.mkdir(p("g"), mode: 0o755))
        #expect(m.apply(.fd(.open(.root, flags: [], fd: "D"))) == .ok(.none))
        guard case .ok(.dirents(let first)) = m.apply(.fd(.readdir(fd: "D"))) else { Issue.record("no listing"); return }
        #expect(Set(first.keys) == ["f", "g"])
        _ = m.apply(.create(p("h"), mode: 0o644))
        #expect(m.apply(.fd(.readdir(fd: "D"))) == .ok(.dirents([:])))
        #expect(m.apply(.fd(.lseek(fd: "D", offset: 0, whence: .set))) == .ok(.number(0)))
        guard case .ok(.dirents(let again)) = m.apply(.fd(.readdir(fd: "D"))) else { Issue.record("no listing"); return }
        #expect(Set(again.keys) == ["f", "g", "h"])
        #expect(m.unpredicted == nil)
        // From another offset the order of the cached entries decides: not predicted.
        _ = m.apply(.fd(.lseek(fd: "D", offset: 1, whence: .set)))
        _ = m.apply(.fd(.readdir(fd: "D")))
        #expect(m.unpredicted != nil)
        #expect(m.apply(.fd(.open(p("f"), flags: [], fd: "F"))) == .ok(.none))
        #expect(m.apply(.fd(.readdir(fd: "F"))) == .failed(.ENOTDIR))
    }

    /// R72: the old read-only fd reads the upper data at its own offset; R73: mmap keeps the lower.
    @Test func readFollowsCopyUpMmapDoesNot() {
        var m = model("lowerdata")
        #expect(m.apply(.fd(.open(p("f"), flags: [.rdonly], fd: "A"))) == .ok(.none))
        #expect(m.apply(.fd(.lseek(fd: "A", offset: 2, whence: .set))) == .ok(.number(2)))
        #expect(m.apply(.write(p("f"), data: "UPPER")) == .ok(.none))
        #expect(m.apply(.fd(.read(fd: "A"))) == .ok(.text("PER")))
        #expect(m.apply(.fd(.mmapRead(fd: "A", size: 9))) == .ok(.text("lowerdata")))
        #expect(m.apply(.fd(.lseek(fd: "A", offset: 5, whence: .data))) == .failed(.ENXIO))
    }

    /// Access modes are the fd's: no write through O_RDONLY, no read or mmap through O_WRONLY;
    /// a remount closes every fd.
    @Test func accessModesAndRemount() {
        var m = model("x")
        _ = m.apply(.fd(.open(p("f"), flags: [.rdonly], fd: "R")))
        _ = m.apply(.fd(.open(p("f"), flags: [.wronly, .append], fd: "W")))
        #expect(m.apply(.fd(.write(fd: "R", data: "y"))) == .failed(.EBADF))
        #expect(m.apply(.fd(.read(fd: "W"))) == .failed(.EBADF))
        #expect(m.apply(.fd(.mmapRead(fd: "W", size: 1))) == .failed(.EACCES))
        #expect(m.apply(.fd(.write(fd: "W", data: "y"))) == .ok(.none))
        #expect(m.apply(.fd(.read(fd: "R"))) == .ok(.text("xy")))
        _ = m.apply(.remount)
        #expect(m.apply(.fd(.read(fd: "R"))) == .failed(.EBADF))
    }

    /// R26: a directory that is not merged is seeked by its real fs: SEEK_END there is not predicted.
    @Test func seekEndOnRealDirUnpredicted() {
        var m = model("x")
        _ = m.apply(.mkdir(p("u"), mode: 0o755))
        #expect(m.apply(.fd(.open(p("u"), flags: [.rdonly], fd: "U"))) == .ok(.none))
        #expect(m.apply(.fd(.lseek(fd: "U", offset: 0, whence: .set))) == .ok(.number(0)))
        #expect(m.unpredicted == nil)
        _ = m.apply(.fd(.lseek(fd: "U", offset: 0, whence: .end)))
        #expect(m.unpredicted != nil)
    }
}

@Suite struct ParallelTests {
    /// A read racing an append sees the old or the new data; both orders end alike.
    @Test func readRacingAppend() {
        var m = model("old")
        let out = m.apply(.parallel([.read(p("f")), .append(p("f"), data: "+")]))
        #expect(out == .ok(.alternatives([[.ok(.text("old")), .ok(.none)], [.ok(.text("old+")), .ok(.none)]])))
        #expect(!m.orderDependent)
    }

    /// Two writes of different data end in different states: the model flags the block.
    @Test func orderDependentFlagged() {
        var m = model("old")
        _ = m.apply(.parallel([.write(p("f"), data: "a"), .write(p("f"), data: "b")]))
        #expect(m.orderDependent)
    }
}
