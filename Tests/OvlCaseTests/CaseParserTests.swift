import Foundation
import OvlModel
import Testing
@testable import OvlCase

private func rp(_ text: String) -> RelPath { RelPath(components: text.split(separator: "/").map(String.init)) }

@Suite struct CaseParserTests {
    static let full = """
    description: unlink of a lower file leaves a 0:0 whiteout
    rules: [R33, R30]
    groups: [whiteout, quick]
    options: [redirect_dir=on, index=on, userxattr]
    layers:
      lower:
        - d/f: hello
          d/sub: {type: dir, mode: 0700}
          d/ln: {type: symlink, target: f}
          d/w: {type: whiteout}
          d/p: {type: fifo}
          d/c: {type: chardev, major: 1, minor: 3}
          d/b: {type: blockdev, major: 7, minor: 200}
          d/s: {type: file, hole: 5368709120, data: "tail"}
          d/x: {type: file, data: "m", xattrs: {trusted.overlay.metacopy: "0x0005000000"}}
          d/g: {type: file, data: "x\\n", mode: 0600, uid: 1000, gid: 1000, mtime: 1234, xattrs: {user.a: "1"}}
          d/o: {type: dir, opaque: true}
          .: {mode: 0o700, xattrs: {user.r: "r"}}
        - {}
      upper:
        d/x: 123
    steps:
      - stat: d/f
      - write: {path: d/f, data: "new"}
      - remount
    """

    @Test func fullCaseRoundTrips() throws {
        let parsed = try CaseParser.parse(yaml: Self.full, file: "cases/whiteout/001-unlink.yaml")
        let t = OvlModel.Node.layerMtime
        var lower0 = Layer(entries: [
            rp("d"): OvlModel.Node(kind: .dir),
            rp("d/f"): OvlModel.Node(kind: .file(data: "hello")),
            rp("d/sub"): OvlModel.Node(kind: .dir, perm: 0o700),
            rp("d/ln"): OvlModel.Node(kind: .symlink(target: "f")),
            rp("d/w"): OvlModel.Node(kind: .whiteout),
            rp("d/p"): OvlModel.Node(kind: .fifo),
            rp("d/c"): OvlModel.Node(kind: .chardev(major: 1, minor: 3)),
            rp("d/b"): OvlModel.Node(kind: .blockdev(major: 7, minor: 200)),
            rp("d/s"): { var n = OvlModel.Node(kind: .file(data: ""))
                n.setContent(SparseFile(size: 5_368_709_124, extents: [.init(offset: 5_368_709_120, bytes: Array("tail".utf8))]))
                return n }(),
            rp("d/x"): OvlModel.Node(kind: .file(data: "m"), xattrs: ["trusted.overlay.metacopy": "0x0005000000"]),
            rp("d/g"): OvlModel.Node(kind: .file(data: "x\n"), perm: 0o600, uid: 1000, gid: 1000,
                                     xattrs: ["user.a": "1"], mtime: 1234),
            rp("d/o"): OvlModel.Node(kind: .dir, xattrs: ["trusted.overlay.opaque": "y"]),
        ])
        lower0.root = OvlModel.Node(kind: .dir, perm: 0o700, xattrs: ["user.r": "r"], mtime: t)
        let upper = Layer(entries: [rp("d"): OvlModel.Node(kind: .dir), rp("d/x"): OvlModel.Node(kind: .file(data: "123"))])
        let expected = Case(
            id: "whiteout/001-unlink", file: "cases/whiteout/001-unlink.yaml",
            description: "unlink of a lower file leaves a 0:0 whiteout",
            rules: ["R33", "R30"], groups: ["whiteout", "quick"],
            scenario: Scenario(
                lowers: [lower0, Layer()], upper: upper,
                options: [MountOption(key: "redirect_dir", value: "on"), MountOption(key: "index", value: "on"),
                          MountOption(key: "userxattr", value: nil)],
                steps: [.stat(rp("d/f")), .write(rp("d/f"), data: "new"), .remount]),
            stepLocations: [
                SourceLocation(file: "cases/whiteout/001-unlink.yaml", line: 23, column: 5),
                SourceLocation(file: "cases/whiteout/001-unlink.yaml", line: 24, column: 5),
                SourceLocation(file: "cases/whiteout/001-unlink.yaml", line: 25, column: 5),
            ],
            location: SourceLocation(file: "cases/whiteout/001-unlink.yaml", line: 1, column: 1))
        #expect(parsed == expected)
    }

    static func minimal(_ rest: String = "", layers: String = "  lower:\n    - a/b/f: x\n") -> String {
        "description: d\nrules: [R1]\nlayers:\n" + layers + rest
    }

    @Test func defaults() throws {
        let parsed = try CaseParser.parse(yaml: Self.minimal(), file: "x.yaml")
        #expect(parsed.id == "x")
        #expect(parsed.groups == [])
        #expect(parsed.scenario.options == [])
        #expect(parsed.scenario.steps == [])
        #expect(parsed.stepLocations == [])
        #expect(parsed.scenario.upper == Layer())
        let lower = try #require(parsed.scenario.lowers.first)
        #expect(lower.entries[rp("a")] == OvlModel.Node(kind: .dir, perm: 0o755, mtime: OvlModel.Node.layerMtime))
        #expect(lower.entries[rp("a/b")] == OvlModel.Node(kind: .dir))
        #expect(lower.entries[rp("a/b/f")]?.perm == 0o644)
        #expect(lower.entries[rp("a/b/f")]?.mtime == 1_500_000_000)
        #expect(lower.entries.count == 3)
    }

    @Test func upperNoneAndEmpty() throws {
        let none = try CaseParser.parse(yaml: Self.minimal(layers: "  lower: [{}]\n  upper: none\n"), file: "x.yaml")
        #expect(none.scenario.upper == nil)
        let empty = try CaseParser.parse(yaml: Self.minimal(layers: "  lower: [{}]\n  upper: {}\n"), file: "x.yaml")
        #expect(empty.scenario.upper == Layer())
    }

    @Test(arguments: ["0755", "0o755", "755"]) func modesAreOctal(_ mode: String) throws {
        let parsed = try CaseParser.parse(yaml: Self.minimal(layers: "  lower:\n    - d: {type: dir, mode: \(mode)}\n"), file: "x.yaml")
        #expect(parsed.scenario.lowers.first?.entries[rp("d")]?.perm == 0o755)
    }

    @Test func entryForms() throws {
        let layers = """
          lower:
            - e: ""
              n:
              s: {data: 123}
              t: {type: file}
              w: {type: whiteout, mode: 0}

        """
        let lower = try #require(try CaseParser.parse(yaml: Self.minimal(layers: layers), file: "x.yaml").scenario.lowers.first)
        #expect(lower.entries[rp("e")] == OvlModel.Node(kind: .file(data: "")))
        #expect(lower.entries[rp("n")] == OvlModel.Node(kind: .file(data: "")))
        #expect(lower.entries[rp("s")] == OvlModel.Node(kind: .file(data: "123")))
        #expect(lower.entries[rp("t")] == OvlModel.Node(kind: .file(data: "")))
        #expect(lower.entries[rp("w")] == OvlModel.Node(kind: .whiteout, perm: 0))
    }

    @Test func caseIDs() {
        #expect(CaseParser.caseID(file: "cases/whiteout/001-x.yaml") == "whiteout/001-x")
        #expect(CaseParser.caseID(file: "/a/cases/b/cases/c/d.yaml") == "c/d")
        #expect(CaseParser.caseID(file: "/tmp/foo/bar.yaml") == "bar")
        #expect(CaseParser.caseID(file: "./cases/x.yaml") == "x")
    }

    static let stepTable: [(String, OvlModel.Operation)] = [
        ("stat: a", .stat(rp("a"))),
        ("stat: {path: a/b}", .stat(rp("a/b"))),
        ("lstat: a", .lstat(rp("a"))),
        ("read: a", .read(rp("a"))),
        ("readdir: a/", .readdir(RelPath(components: ["a"], trailingSlash: true))),
        ("readdir: .", .readdir(.root)),
        ("readlink: a", .readlink(rp("a"))),
        ("unlink: a", .unlink(rp("a"))),
        ("rmdir: a", .rmdir(rp("a"))),
        ("listxattr: a", .listxattr(rp("a"))),
        ("open_rdwr: a", .openRW(rp("a"))),
        ("write: {path: a, data: hi}", .write(rp("a"), data: "hi")),
        ("write: {path: a, data: 123}", .write(rp("a"), data: "123")),
        ("append: {path: a, data: \"x\\n\"}", .append(rp("a"), data: "x\n")),
        ("truncate: {path: a, size: 10}", .truncate(rp("a"), size: 10)),
        ("mkdir: a", .mkdir(rp("a"), mode: 0o755)),
        ("mkdir: {path: a, mode: 0700}", .mkdir(rp("a"), mode: 0o700)),
        ("create: a", .create(rp("a"), mode: 0o644)),
        ("create: {path: a, mode: 600}", .create(rp("a"), mode: 0o600)),
        ("mknod: {path: a, type: fifo}", .mknod(rp("a"), kind: .fifo)),
        ("mknod: {path: a, type: chardev, major: 1, minor: 5}", .mknod(rp("a"), kind: .chardev(major: 1, minor: 5))),
        ("symlink: {target: /etc/x/../y, path: a}", .symlink(target: "/etc/x/../y", path: rp("a"))),
        ("rename: {old: a, new: b}", .rename(rp("a"), to: rp("b"), flags: [])),
        ("link: {old: a, new: b}", .link(rp("a"), to: rp("b"))),
        ("proc_locks: a", .procLocks(rp("a"))),
        ("offline_lower: {layer: 0, path: a, entry: new}", .offlineLower(layer: 0, path: rp("a"), node: OvlModel.Node(kind: .file(data: "new")))),
        ("name_to_handle_at: {path: a, label: h}", .nameToHandle(rp("a"), label: "h", fid: false)),
        ("name_to_handle_at: {path: a, label: h, flags: [AT_HANDLE_FID]}", .nameToHandle(rp("a"), label: "h", fid: true)),
        ("open_by_handle_at: {label: h}", .openByHandle(label: "h")),
        ("stat: {path: a, same_inode_as: 1}", .stat(rp("a"))),
        ("rename: {old: a, new: b, flags: [RENAME_NOREPLACE, RENAME_EXCHANGE, RENAME_WHITEOUT]}",
         .rename(rp("a"), to: rp("b"), flags: [.noreplace, .exchange, .whiteout])),
        ("chmod: {path: a, mode: 0o4755}", .chmod(rp("a"), mode: 0o4755)),
        ("chown: {path: a, uid: 1000, gid: 4294967295}", .chown(rp("a"), uid: 1000, gid: UInt32.max)),
        ("utimes: {path: a, mtime: -5}", .utimes(rp("a"), mtime: -5)),
        ("setxattr: {path: a, name: user.x, value: v}", .setxattr(rp("a"), name: "user.x", value: "v")),
        ("getxattr: {path: a, name: user.x}", .getxattr(rp("a"), name: "user.x")),
        ("removexattr: {path: a, name: user.x}", .removexattr(rp("a"), name: "user.x")),
        ("open_tmpfile: a", .openTmpfile(rp("a"))),
        ("statfs: a", .statfs(rp("a"))),
        ("chattr: {path: a, immutable: true}", .chattr(rp("a"), immutable: true, append: false)),
        ("remount", .remount),
        ("remount:", .remount),
        ("remount: {}", .remount),
        ("mount_remount: {options: \"index=on,bogus\"}", .remountInPlace(options: "index=on,bogus")),
        ("mount_again", .mountAgain),
        ("mount_stacked", .mountStacked),
        ("mount_without_workdir", .mountWithoutWorkdir),
        ("fsconfig_layers: {keys: [lowerdir+, datadir+]}", .fsconfigLayers([.lowerdirAdd, .datadirAdd])),
        ("drop_caches", .dropCaches),
        ("drop_caches: ~", .dropCaches),
        ("open: {path: a, flags: [O_RDWR, O_CREAT, O_TRUNC, O_APPEND], fd: A}", .fd(.open(rp("a"), flags: [.rdwr, .creat, .trunc, .append], fd: "A"))),
        ("open: {path: a, fd: A}", .fd(.open(rp("a"), flags: [], fd: "A"))),
        ("fd_read: A", .fd(.read(fd: "A"))),
        ("fd_pread: {fd: A, offset: 2, size: 3}", .fd(.pread(fd: "A", offset: 2, size: 3))),
        ("fd_write: {fd: A, data: x}", .fd(.write(fd: "A", data: "x"))),
        ("fd_fstat: {fd: A}", .fd(.fstat(fd: "A"))),
        ("fd_lseek: {fd: A, offset: 0, whence: SEEK_HOLE}", .fd(.lseek(fd: "A", offset: 0, whence: .hole))),
        ("fd_fsync: A", .fd(.fsync(fd: "A"))),
        ("fd_mmap_read: {fd: A, size: 4096}", .fd(.mmapRead(fd: "A", size: 4096))),
        ("fd_fchmod: {fd: A, mode: 0640}", .fd(.fchmod(fd: "A", mode: 0o640))),
        ("close: A", .fd(.close(fd: "A"))),
        ("fd_readdir: D", .fd(.readdir(fd: "D"))),
        ("fsconfig_reconfigure: {params: [ro, index=on]}", .reconfigure(params: ["ro", "index=on"])),
        ("fsconfig_reconfigure: {params: []}", .reconfigure(params: [])),
        ("exec: a", .exec(rp("a"))),
        ("fiemap_shared: a", .fiemapShared(rp("a"))),
        ("parallel: [{open_rdwr: a}, {read: a}]", .parallel([.openRW(rp("a")), .read(rp("a"))])),
    ]

    @Test func everyStepKind() throws {
        let steps = Self.stepTable.map { "  - \($0.0)\n" }.joined()
        let parsed = try CaseParser.parse(yaml: Self.minimal("steps:\n" + steps), file: "x.yaml")
        #expect(parsed.scenario.steps == Self.stepTable.map(\.1))
        #expect(parsed.stepLocations.map(\.line) == Array(7..<(7 + Self.stepTable.count)))
        #expect(parsed.stepLocations.allSatisfy { $0.column == 5 })
        // Every step the model has is reachable from a case file.
        #expect(Set(parsed.scenario.steps.map(\.name)) == Set(StepParser.names))
    }

    @Test func parseFileAndDiscovery() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ovlcase-\(UUID().uuidString)")
        let sub = dir.appendingPathComponent("cases/b")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.minimal().write(to: sub.appendingPathComponent("2.yaml"), atomically: true, encoding: .utf8)
        try Self.minimal().write(to: sub.appendingPathComponent("1.yaml"), atomically: true, encoding: .utf8)
        try "x".write(to: sub.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let root = dir.path + "/cases"
        let files = try CaseDiscovery.files(in: [root, root + "/b/1.yaml"])
        #expect(files == [root + "/b/1.yaml", root + "/b/2.yaml"])
        let parsed = try CaseParser.parse(file: root + "/b/2.yaml")
        #expect(parsed.id == "b/2")
        #expect(parsed.file == root + "/b/2.yaml")

        #expect(throws: CaseError(location: SourceLocation(file: root + "/nope", line: 1, column: 1),
                                  message: "no such file or directory")) {
            try CaseDiscovery.files(in: [root + "/nope"])
        }
        let missing = root + "/missing.yaml"
        do {
            _ = try CaseParser.parse(file: missing)
            Issue.record("expected an error")
        } catch {
            #expect(error.location == SourceLocation(file: missing, line: 1, column: 1))
            #expect(error.message.hasPrefix("cannot read the file"))
        }
    }
}
