import OvlModel
import Testing

private let user = Caller(uid: 1000, gid: 1000)

/// One lower layer of `nodes` (parents implied, root-owned 0755).
private func layer(_ nodes: [String: Node]) -> Layer {
    var l = Layer()
    for (p, n) in nodes { l.entries[path(p)] = n }
    l.addMissingParents()
    return l
}

private func file(_ data: String, _ perm: UInt32, uid: UInt32 = 0, gid: UInt32 = 0) -> Node {
    Node(kind: .file(data: data), perm: perm, uid: uid, gid: gid)
}

@Suite("R90: permission checks with the caller's credentials")
struct PermissionTests {
    @Test("a caller may write a root file only through its mode; the copy-up keeps the owner")
    func writeAccess() {
        var m = mounted([layer(["d/open": file("o", 0o666), "d/ro": file("r", 0o644)])])
        #expect(m.apply(.asCaller(user, .write(path("d/ro"), data: "x"))) == .failed(.EACCES))
        #expect(m.upper?[path("d")] == nil, "a refused write copies nothing up")
        #expect(m.apply(.asCaller(user, .read(path("d/ro")))) == .ok(.text("r")))
        #expect(m.apply(.asCaller(user, .append(path("d/open"), data: "+"))) == .ok(.none))
        #expect(m.upper?[path("d/open")]?.uid == 0)
        #expect(m.upper?[path("d/open")]?.kind == .file(data: "o+"))
    }

    @Test("search permission comes before ENOENT; new objects belong to the caller, less its umask")
    func searchAndCreate() {
        let dirs = ["x": Node(kind: .dir, perm: 0o700), "w": Node(kind: .dir, perm: 0o777)]
        var m = mounted([layer(dirs)])
        #expect(m.apply(.asCaller(user, .stat(path("x/missing")))) == .failed(.EACCES))
        #expect(m.apply(.asCaller(user, .stat(path("w/missing")))) == .failed(.ENOENT))
        let masked = Caller(uid: 1000, gid: 1000, umask: 0o027)
        #expect(m.apply(.asCaller(masked, .mkdir(path("w/sub"), mode: 0o777))) == .ok(.none))
        let sub = m.upper?[path("w/sub")]
        #expect(sub?.uid == 1000 && sub?.gid == 1000 && sub?.perm == 0o750)
        #expect(m.upper?[path("w")]?.uid == 0, "the copied-up parent keeps its owner")
        #expect(m.apply(.asCaller(user, .mknod(path("w/dev"), kind: .chardev(major: 1, minor: 3)))) == .failed(.EPERM))
        #expect(m.apply(.mkdir(path("w/root"), mode: 0o755)) == .ok(.none))
        #expect(m.upper?[path("w/root")]?.uid == 0, "without as: the mounter creates")
    }

    @Test("may_delete: write on the parent, then the sticky bit")
    func delete() {
        var m = mounted([layer(["c/f": file("", 0o666), "s": Node(kind: .dir, perm: 0o1777),
                                "s/r": file("", 0o666), "s/u": file("", 0o644, uid: 1000)])])
        #expect(m.apply(.asCaller(user, .unlink(path("c/f")))) == .failed(.EACCES))
        #expect(m.apply(.asCaller(user, .unlink(path("s/r")))) == .failed(.EPERM))
        #expect(m.apply(.asCaller(user, .unlink(path("s/u")))) == .ok(.none))
        #expect(m.upper?[path("s/u")]?.kind == .whiteout)
    }

    @Test("setattr needs the owner; chown only to the owner's own group")
    func setattr() {
        var m = mounted([layer(["f": file("", 0o644), "mine": file("", 0o644, uid: 1000, gid: 1000)])])
        #expect(m.apply(.asCaller(user, .chmod(path("f"), mode: 0o666))) == .failed(.EPERM))
        #expect(m.apply(.asCaller(user, .utimes(path("f"), mtime: 1))) == .failed(.EPERM))
        #expect(m.apply(.asCaller(user, .chown(path("mine"), uid: 1000, gid: 100))) == .failed(.EPERM))
        #expect(m.apply(.asCaller(user, .chown(path("mine"), uid: 1000, gid: 1000))) == .ok(.none))
        #expect(m.apply(.asCaller(user, .chmod(path("mine"), mode: 0o600))) == .ok(.none))
        #expect(m.upper?[path("mine")]?.perm == 0o600)
        #expect(m.apply(.asCaller(user, .setxattr(path("mine"), name: "trusted.a", value: "1"))) == .failed(.EPERM))
        #expect(m.apply(.asCaller(user, .getxattr(path("f"), name: "trusted.a"))) == .failed(.ENODATA))
    }

    @Test("link: protected hardlinks, then write on the new parent; rename of a dir across parents needs write on it")
    func linkAndRename() {
        var m = mounted([layer(["a": Node(kind: .dir, perm: 0o777), "a/ro": file("", 0o644), "a/rw": file("", 0o666),
                                "b": Node(kind: .dir, perm: 0o777)])])
        #expect(m.apply(.asCaller(user, .link(path("a/ro"), to: path("a/x")))) == .failed(.EPERM))
        #expect(m.apply(.asCaller(user, .link(path("a/rw"), to: path("a/x")))) == .ok(.none))
        #expect(m.apply(.asCaller(user, .mkdir(path("a/d"), mode: 0o555))) == .ok(.none))
        #expect(m.apply(.asCaller(user, .rename(path("a/d"), to: path("b/d"), flags: []))) == .failed(.EACCES))
        #expect(m.apply(.asCaller(user, .rename(path("a/d"), to: path("a/e"), flags: []))) == .ok(.none))
    }
}

@Suite("R90: set-id bits")
struct SetidTests {
    @Test("a caller's write drops S_ISUID and S_ISGID (kept for a member when not group-executable); root keeps them")
    func writeDropsSetid() {
        var m = mounted([layer(["s": file("", 0o4666), "g": file("", 0o2766, gid: 1000), "h": file("", 0o2766),
                                "r": file("", 0o6777)])])
        #expect(m.apply(.asCaller(user, .append(path("s"), data: "x"))) == .ok(.none))
        #expect(m.apply(.asCaller(user, .append(path("g"), data: "x"))) == .ok(.none))
        #expect(m.apply(.asCaller(user, .truncate(path("h"), size: 0))) == .ok(.none))
        #expect(m.apply(.append(path("r"), data: "x")) == .ok(.none))
        #expect([m.upper?[path("s")]?.perm, m.upper?[path("g")]?.perm, m.upper?[path("h")]?.perm, m.upper?[path("r")]?.perm]
                == [0o666, 0o2766, 0o766, 0o6777])
    }

    @Test("chown drops S_ISUID of a file even for root; chmod drops S_ISGID outside the group")
    func chownChmod() {
        var m = mounted([layer(["f": file("", 0o6755), "d": Node(kind: .dir, perm: 0o6755),
                                "mine": file("", 0o644, uid: 1000, gid: 100)])])
        #expect(m.apply(.chown(path("f"), uid: 0, gid: 0)) == .ok(.none))
        #expect(m.apply(.chown(path("d"), uid: 0, gid: 0)) == .ok(.none))
        #expect(m.apply(.asCaller(user, .chmod(path("mine"), mode: 0o2755))) == .ok(.none))
        #expect([m.upper?[path("f")]?.perm, m.upper?[path("d")]?.perm, m.upper?[path("mine")]?.perm] == [0o755, 0o6755, 0o755])
    }
}

@Suite("R20, R5, R83: remounts and layer stacks")
struct RemountTests {
    @Test("R20: ro makes later changes EROFS, EBUSY while a file is open for writing, rw again without ro")
    func readOnlyRemount() {
        var m = mounted([layer(["f": file("x", 0o644)])])
        #expect(m.apply(.fd(.open(path("f"), flags: [.wronly], fd: "W"))) == .ok(.none))
        #expect(m.apply(.remountInPlace(options: "ro")) == .failed(.EBUSY))
        #expect(m.apply(.fd(.close(fd: "W"))) == .ok(.none))
        #expect(m.apply(.remountInPlace(options: "index=on,ro")) == .ok(.names(["uuid=on"])))
        #expect(m.apply(.write(path("f"), data: "y")) == .failed(.EROFS))
        #expect(m.apply(.read(path("f"))) == .ok(.text("x")))
        #expect(m.apply(.remountInPlace(options: "")) == .ok(.names(["uuid=on"])))
        #expect(m.apply(.write(path("f"), data: "y")) == .ok(.none))
        #expect(m.apply(.remountInPlace(options: "ro")) == .ok(.names(["uuid=on"])))
        #expect(m.apply(.remount) == .ok(.names([])), "uuid=auto finds X.uuid now: shown no more")
        #expect(m.apply(.unlink(path("f"))) == .ok(.none), "a new mount is writable")
    }

    @Test("R5: a read-only overlay of one lower is refused; R83: data-only layers need metacopy")
    func layerCounts() {
        var one = OverlayModel(scenario: Scenario(lowers: [layer(["f": file("", 0o644)])], upper: nil, options: [], steps: []),
                               environment: Environment(defaults: .debian, samefs: true))
        let refused = one.mount()
        #expect(refused.errno == .EINVAL)
        #expect(refused.kernelLog == ["overlayfs: at least 2 lowerdir are needed while upperdir nonexistent"])
        let data = Scenario(lowers: [layer(["f": file("", 0o644)]), Layer()], upper: nil, options: [], steps: [], dataLayerCount: 1)
        var noMeta = OverlayModel(scenario: data, environment: Environment(defaults: .debian, samefs: true))
        #expect(noMeta.mount().kernelLog == ["overlayfs: lower data-only dirs require metacopy support."])
        var meta = OverlayModel(scenario: data, environment: Environment(defaults: ModuleDefaults(metacopy: true), samefs: true))
        #expect(meta.mount().errno == nil)
    }

    @Test("R85: the redirect_max the module was loaded with decides EXDEV")
    func redirectMax() {
        let long = String(repeating: "a", count: 200)
        func move(_ max: Int) -> Outcome {
            var m = OverlayModel(scenario: Scenario(lowers: [layer(["\(long)/b/f": file("", 0o644), "c/k": file("", 0o644)])],
                                                    upper: Layer(), options: [MountOption(key: "redirect_dir", value: "on")], steps: []),
                                 environment: Environment(defaults: ModuleDefaults(redirectMax: max), samefs: true))
            _ = m.mount()
            return m.apply(.rename(path("\(long)/b"), to: path("c/b"), flags: []))
        }
        #expect(move(256) == .ok(.none))
        #expect(move(200) == .failed(.EXDEV))
    }
}

@Suite("R90: the machine's link-protection sysctls")
struct SysctlTests {
    /// `t` sticky and world-writable, owned by root; `t/ln` a symlink of uid 1000 to `f`.
    private func model(_ sysctls: Sysctls) -> OverlayModel {
        let lower = layer(["t": Node(kind: .dir, perm: 0o1777), "t/f": file("x", 0o644),
                           "t/ln": Node(kind: .symlink(target: "f"), perm: 0o777, uid: 1000, gid: 1000)])
        var m = OverlayModel(scenario: Scenario(lowers: [lower], upper: Layer(), options: [], steps: []),
                             environment: Environment(defaults: .debian, samefs: true, sysctls: sysctls))
        _ = m.mount()
        return m
    }

    @Test("fs.protected_symlinks=1 refuses root a trailing link it does not own in a sticky dir; 0 follows it")
    func protectedSymlinks() {
        var on = model(Sysctls(protectedSymlinks: 1))
        #expect(on.apply(.read(path("t/ln"))) == .failed(.EACCES))
        var off = model(Sysctls(protectedSymlinks: 0))
        #expect(off.apply(.read(path("t/ln"))) == .ok(.text("x")))
    }

    @Test("fs.protected_hardlinks=0 lets a caller link a file it may not write")
    func protectedHardlinks() {
        let lower = layer(["a": Node(kind: .dir, perm: 0o777), "a/ro": file("", 0o644)])
        for (value, expected) in [(1, Outcome.failed(.EPERM)), (0, .ok(.none))] {
            var m = OverlayModel(scenario: Scenario(lowers: [lower], upper: Layer(), options: [], steps: []),
                                 environment: Environment(defaults: .debian, samefs: true, sysctls: Sysctls(protectedHardlinks: value)))
            _ = m.mount()
            #expect(m.apply(.asCaller(user, .link(path("a/ro"), to: path("a/x")))) == expected)
        }
    }
}
