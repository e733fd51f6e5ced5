@testable import OvlCase
import OvlModel
import Testing

private func rp(_ text: String) -> RelPath { RelPath(parsing: text) ?? .root }

/// One step or more of every kind, with the optional arguments given and left out.
let stepSamples: [OvlModel.Operation] = [
    .stat(rp("a")), .lstat(rp("d/")), .read(rp("a")), .write(rp("n"), data: "two\nlines"), .append(rp("a"), data: "\"q\""),
    .openRW(rp("a")), .truncate(rp("a"), size: 3), .readdir(.root), .mkdir(rp("m"), mode: 0o700),
    .create(rp("c"), mode: 0o644), .mknod(rp("f"), kind: .fifo), .mknod(rp("z"), kind: .chardev(major: 1, minor: 3)),
    .unlink(rp("a")), .rmdir(rp("d/")), .symlink(target: "../x y", path: rp("s")), .readlink(rp("s")),
    .openTmpfile(rp("d")), .statfs(rp("d")), .fiemapShared(rp("a")), .chattr(rp("a"), immutable: true, append: false),
    .rename(rp("a"), to: rp("b"), flags: []), .rename(rp("a"), to: rp("d/"), flags: [.noreplace, .whiteout]),
    .chmod(rp("a"), mode: 0o4755), .chown(rp("a"), uid: 1000, gid: 100), .utimes(rp("a"), mtime: 1_234_567_890),
    .setxattr(rp("a"), name: "user.k", value: "v"), .getxattr(rp("a"), name: "user.k"),
    .removexattr(rp("a"), name: "user.k"), .listxattr(rp("a")), .link(rp("a"), to: rp("l")),
    .procLocks(rp("a")), .nameToHandle(rp("a"), label: "h", fid: false), .nameToHandle(rp("d"), label: "g", fid: true),
    .openByHandle(label: "h"), .offlineLower(layer: 0, path: rp("d"), node: Node(kind: .file(data: "x"), perm: 0o600)),
    .remount, .nextStage(options: nil), .nextStage(options: [MountOption(key: "index", value: "on"), MountOption(key: "userxattr", value: nil)]),
    .remountInPlace(options: "ro,noatime"), .reconfigure(params: ["ro", "redirect_dir=on"]), .mountAgain, .mountStacked,
    .mountWithoutWorkdir, .fsconfigLayers([.lowerdir, .lowerdirAdd, .datadirAdd]), .dropCaches, .exec(rp("a")),
    .parallel([.read(rp("a")), .asCaller(Caller(uid: 1000, gid: 1000), .unlink(rp("b"))), .mkdir(rp("m"), mode: 0o755)]),
    .asCaller(Caller(uid: 1000, gid: 100, umask: 0o022), .create(rp("c"), mode: 0o666)),
    .fd(.open(rp("a"), flags: [], fd: "A")), .fd(.open(rp("d"), flags: [.rdwr, .trunc], fd: "B")), .fd(.read(fd: "A")),
    .fd(.pread(fd: "A", offset: 2, size: 8)), .fd(.write(fd: "A", data: "w")), .fd(.fstat(fd: "A")),
    .fd(.lseek(fd: "A", offset: 1, whence: .end)), .fd(.fsync(fd: "A")), .fd(.fchmod(fd: "A", mode: 0o600)),
    .fd(.mmapRead(fd: "A", size: 4)), .fd(.close(fd: "A")), .fd(.readdir(fd: "B")),
]

/// The steps of a one-stage case whose steps are `ops` written by ``CaseWriter/stepText(_:adding:)``.
private func parsedSteps(_ ops: [OvlModel.Operation]) throws -> [OvlModel.Operation] {
    let lines = ops.map { "  - " + CaseWriter.stepText($0) + "\n" }.joined()
    let yaml = "description: x\nrules: [R1]\nlayers:\n  lower:\n    - {a: hello, d: {type: dir}}\n  upper: {}\nsteps:\n" + lines
    return try CaseParser.parse(yaml: yaml, file: "t.yaml").scenario.steps
}

@Suite("Typed step arguments: one list per operation drives the writer and the reports")
struct StepArgumentTests {
    @Test("the samples hold every step kind")
    func samplesCoverTheTable() {
        #expect(Set(stepSamples.map(\.kind)) == Set(StepKind.allCases))
    }

    @Test("an operation's argument keys are the ones its step's syntax names", arguments: stepSamples)
    func keysAreTheSyntax(_ op: OvlModel.Operation) {
        var keys = op.arguments.map(\.key)
        if case .asCaller = op { #expect(keys.last == "as"); keys.removeLast() }
        let syntax = op.kind.syntax.keys
        #expect(Set(keys).count == keys.count, "a key twice: \(keys)")
        #expect(Set(keys).isSubset(of: syntax.required + syntax.optional), "\(op.name): \(keys) vs \(syntax)")
        #expect(Set(syntax.required).isSubset(of: keys), "\(op.name): \(keys) lacks one of \(syntax.required)")
    }

    @Test("every step but 'stage' parses back from the writer's text to the same operation",
          arguments: stepSamples.filter { $0.kind != .nextStage })
    func roundTrip(_ op: OvlModel.Operation) throws {
        // open_by_handle_at needs an earlier handle under its label.
        let before: [OvlModel.Operation] = op.kind == .openByHandle ? [.nameToHandle(rp("a"), label: "h", fid: false)] : []
        #expect(try parsedSteps(before + [op]) == before + [op], "\(CaseWriter.stepText(op))")
    }

    @Test("a staged case round-trips through the writer: each stage keeps its own options, or the case's")
    func stagesRoundTrip() throws {
        let stages = stepSamples.filter { $0.kind == .nextStage }
        let steps: [OvlModel.Operation] = [.write(rp("a"), data: "1"), stages[1], .stat(rp("a")), .stat(rp("a")), stages[0], .read(rp("a"))]
        var s = Scenario(lowers: [Layer()], upper: Layer(), options: [MountOption(key: "redirect_dir", value: "on")], steps: steps)
        s.inodeChecks = [InodeCheck(step: 3, other: 2, same: true)]
        let c = try CaseParser.parse(yaml: CaseWriter.yaml(s, description: "x", rules: ["R1"]), file: "t.yaml")
        #expect(c.scenario.steps == steps)
        #expect(c.scenario.inodeChecks == s.inodeChecks)
    }

    @Test("a 'stage' step is written with its options (no longer the bare name)")
    func stageKeepsItsOptions() {
        #expect(CaseWriter.stepText(.nextStage(options: [MountOption(key: "index", value: "on")])) == "stage: {options: [index=on]}")
        #expect(CaseWriter.stepText(.nextStage(options: nil)) == "stage")
    }

    @Test("a stat's same_inode_as / other_inode_than is written back")
    func inodeChecksRoundTrip() throws {
        var s = Scenario(lowers: [Layer()], upper: Layer(), options: [],
                         steps: [.stat(rp("a")), .lstat(rp("b")), .stat(rp("a"))])
        s.inodeChecks = [InodeCheck(step: 1, other: 0, same: false), InodeCheck(step: 2, other: 0, same: true)]
        let yaml = CaseWriter.yaml(s, description: "x", rules: ["R1"])
        #expect(yaml.contains("  - lstat: {path: \"b\", other_inode_than: 1}\n"))
        #expect(try CaseParser.parse(yaml: yaml, file: "t.yaml").scenario.inodeChecks == s.inodeChecks)
    }

    @Test("the writer's text of some steps, byte for byte")
    func writerText() {
        #expect(CaseWriter.stepText(.stat(rp("a"))) == "stat: \"a\"")
        #expect(CaseWriter.stepText(.mkdir(rp("m"), mode: 0o700)) == "mkdir: {path: \"m\", mode: 0700}")
        #expect(CaseWriter.stepText(.mknod(rp("z"), kind: .chardev(major: 1, minor: 3))) == "mknod: {path: \"z\", type: chardev, major: 1, minor: 3}")
        #expect(CaseWriter.stepText(.rename(rp("a"), to: rp("b"), flags: [])) == "rename: {old: \"a\", new: \"b\"}")
        #expect(CaseWriter.stepText(.fsconfigLayers([.lowerdirAdd])) == "fsconfig_layers: {keys: [\"lowerdir+\"]}")
        #expect(CaseWriter.stepText(.fd(.open(rp("a"), flags: [], fd: "A"))) == "open: {path: \"a\", flags: [], fd: \"A\"}")
        #expect(CaseWriter.stepText(.fd(.lseek(fd: "A", offset: 1, whence: .end))) == "fd_lseek: {fd: \"A\", offset: 1, whence: SEEK_END}")
        #expect(CaseWriter.stepText(.fd(.close(fd: "A"))) == "close: \"A\"")
        #expect(CaseWriter.stepText(.parallel([.read(rp("a")), .asCaller(Caller(uid: 1000, gid: 1000), .unlink(rp("b")))]))
                == "parallel: [{read: \"a\"}, {unlink: \"b\", as: {uid: 1000, gid: 1000}}]")
        #expect(CaseWriter.stepText(.asCaller(Caller(uid: 1000, gid: 100, umask: 0o022), .create(rp("c"), mode: 0o666)))
                == "{create: {path: \"c\", mode: 0666}, as: {uid: 1000, gid: 100, umask: 022}}")
        #expect(CaseWriter.stepText(.offlineLower(layer: 0, path: rp("d"), node: Node(kind: .fifo)))
                == "offline_lower: {layer: 0, path: \"d\", entry: {type: fifo, mode: 0644}}")
    }
}

@Suite("The table's trailing-slash column decides a step path's terminal '/'")
struct TrailingSlashTests {
    private func parse(_ step: String) throws -> [OvlModel.Operation] {
        let yaml = "description: x\nrules: [R1]\nlayers:\n  lower:\n    - {a: hello, d: {type: dir}}\nsteps:\n  - \(step)\n"
        return try CaseParser.parse(yaml: yaml, file: "t.yaml").scenario.steps
    }

    @Test("kept: the syscall gets it (R84)")
    func kept() throws {
        #expect(try parse("stat: d/") == [.stat(RelPath(components: ["d"], trailingSlash: true))])
        #expect(try parse("rename: {old: a, new: d/}") == [.rename(rp("a"), to: RelPath(components: ["d"], trailingSlash: true), flags: [])])
    }

    @Test("dropped: offline_lower's path is a layer entry's")
    func dropped() throws {
        #expect(try parse("offline_lower: {layer: 0, path: d/, entry: {type: fifo}}") == [.offlineLower(layer: 0, path: rp("d"), node: Node(kind: .fifo))])
    }

    @Test("refused where the model does not answer it, at the path", arguments: [
        ("link: {old: a/, new: b}", "old", 17), ("link: {old: a, new: b/}", "new", 25), ("proc_locks: a/", "path", 17),
        ("exec: d/", "path", 11), ("name_to_handle_at: {path: d/, label: h}", "path", 31), ("open: {path: d/, fd: A}", "path", 18),
    ])
    func refused(_ step: String, _ key: String, _ column: Int) {
        do {
            _ = try parse(step)
            Issue.record("\(step) parsed")
        } catch {
            #expect("\(error)".contains("t.yaml:7:\(column): error: step '\(step.prefix { $0 != ":" })' takes no trailing '/' on '\(key)'"), "\(error)")
        }
    }
}
