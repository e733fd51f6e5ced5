import OvlModel
import Testing

private func files(_ entries: [String: String], options: [String] = []) -> OverlayModel {
    var l = Layer()
    for (k, v) in entries { l.entries[path(k)] = Node(kind: .file(data: v)) }
    l.addMissingParents()
    return mounted([l], options: options)
}

/// Fds whose name was renamed or removed (R72–R75): they keep their object.
@Suite struct OrphanFileTests {
    /// After unlink an O_RDONLY fd reads the lower data and keeps the lower's nlink; an O_RDWR fd
    /// writes to the unlinked upper inode (nlink 0), while the name shows a new file.
    @Test func removedNameKeepsObject() {
        var m = files(["f": "lower f", "g": "lower g"])
        _ = m.apply(.fd(.open(path("f"), flags: [.rdonly], fd: "F")))
        _ = m.apply(.fd(.open(path("g"), flags: [.rdwr], fd: "G")))
        #expect(m.apply(.unlink(path("f"))) == .ok(.none))
        #expect(m.apply(.unlink(path("g"))) == .ok(.none))
        _ = m.apply(.write(path("g"), data: "fresh"))
        #expect(m.apply(.fd(.read(fd: "F"))) == .ok(.text("lower f")))
        #expect(m.apply(.fd(.write(fd: "G", data: "XY"))) == .ok(.none))
        #expect(m.apply(.fd(.pread(fd: "G", offset: 0, size: 20))) == .ok(.text("XYwer g")))
        #expect(m.apply(.read(path("g"))) == .ok(.text("fresh")))
        guard case .ok(.stat(let f)) = m.apply(.fd(.fstat(fd: "F"))), case .ok(.stat(let g)) = m.apply(.fd(.fstat(fd: "G"))) else {
            Issue.record("no fstat"); return
        }
        #expect(f.nlink == 1)
        #expect(g.nlink == 0)
        #expect(g.size == 7)
        #expect(m.unpredicted == nil)
    }

    /// An fd follows a rename; RENAME_EXCHANGE swaps the names under two fds, and with metacopy=on
    /// both exchanged files are metacopied and the target gets a redirect too (`dir.c:ovl_rename`).
    @Test func renameAndExchange() {
        var m = files(["a": "AAA", "b": "B", "f": "lower f"], options: ["metacopy=on"])
        _ = m.apply(.fd(.open(path("f"), flags: [.rdonly], fd: "F")))
        _ = m.apply(.rename(path("f"), to: path("f2"), flags: []))
        _ = m.apply(.write(path("f2"), data: "new"))
        #expect(m.apply(.fd(.read(fd: "F"))) == .ok(.text("new")))
        _ = m.apply(.fd(.open(path("a"), flags: [.rdonly], fd: "A")))
        #expect(m.apply(.rename(path("a"), to: path("b"), flags: [.exchange])) == .ok(.none))
        #expect(m.apply(.fd(.read(fd: "A"))) == .ok(.text("AAA")))
        #expect(m.upper?[path("a")]?.xattrs["trusted.overlay.metacopy"] == "")
        #expect(m.upper?[path("a")]?.xattrs["trusted.overlay.redirect"] == "b")
        #expect(m.upper?[path("b")]?.xattrs["trusted.overlay.redirect"] == "a")
        #expect(m.apply(.read(path("a"))) == .ok(.text("B")))
    }
}

/// Fds on a fifo: the pipe's own file operations.
@Suite struct FifoFdTests {
    @Test func pipeRules() {
        var l = Layer()
        l.entries[path("p")] = Node(kind: .fifo)
        var m = mounted([l])
        #expect(m.apply(.fd(.open(path("p"), flags: [.wronly], fd: "W"))) == .failed(.ENXIO))
        #expect(m.apply(.fd(.open(path("p"), flags: [.rdonly], fd: "A"))) == .ok(.none))
        #expect(m.apply(.fd(.read(fd: "A"))) == .ok(.text("")))
        #expect(m.apply(.fd(.fsync(fd: "A"))) == .failed(.EINVAL))
        #expect(m.apply(.fd(.pread(fd: "A", offset: 0, size: 1))) == .failed(.ESPIPE))
        #expect(m.apply(.fd(.open(path("p"), flags: [.wronly], fd: "W"))) == .ok(.none))
        #expect(m.apply(.fd(.read(fd: "A"))) == .failed(.EAGAIN))
        #expect(m.apply(.read(path("p"))) == .failed(.EAGAIN))
        #expect(m.upper?[path("p")] == nil)
        #expect(m.unpredicted == nil)
        _ = m.apply(.fd(.write(fd: "W", data: "x")))
        #expect(m.unpredicted != nil)
    }
}
