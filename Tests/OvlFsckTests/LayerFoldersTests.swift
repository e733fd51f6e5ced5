import Glibc
import OvlFsck
import OvlLayerDisk
import OvlModel
import OvlSys
import Testing

/// `fsck` over real folders on the host: needs root (mknod 0:0, trusted.* xattrs), skipped otherwise.
/// The guest runs the same code on ext4 and xfs in every `run`; this checks the plumbing and the
/// fsck(8) exit codes without a VM.
@Suite(.enabled(if: getuid() == 0, "needs root for whiteouts and trusted.* xattrs"))
struct LayerFoldersTests {
    /// Builds damaged layers in a folder of their own (tests run in parallel).
    func make(_ base: String) throws -> LayerFolders {
        if (try? Files.stat(base)) != nil { try Files.removeTree(base) }
        for d in ["", "/l", "/l/d", "/u", "/u/d", "/u/e", "/w", "/w/index"] { try Files.mkdir(base + d, mode: 0o755) }
        try Files.write(base + "/l/d/f", Array("lower".utf8), flags: O_WRONLY | O_CREAT, mode: 0o644)
        try Files.mknod(base + "/u/d/f", mode: S_IFCHR, major: 0, minor: 0)   // hides l/d/f
        try Files.mknod(base + "/u/d/x", mode: S_IFCHR, major: 0, minor: 0)   // orphan
        try Xattr.set(base + "/u/e", "trusted.overlay.redirect", Array("a/b".utf8))
        try Files.write(base + "/w/index/zz", Array("x".utf8), flags: O_WRONLY | O_CREAT, mode: 0o644)
        return LayerFolders(lowers: [base + "/l"], upper: base + "/u", work: base + "/w")
    }

    @Test func findsFixesAndLeaves() throws {
        let base = "/tmp/ovl-fsck-test-\(getpid())-a"
        let folders = try make(base)
        defer { try? Files.removeTree(base) }
        let first = try folders.check(fix: false)
        #expect(Set(first.found.map(\.problem)) == [.orphanWhiteout, .invalidRedirect, .staleIndex])
        #expect(first.exitCode == 4)
        let fixed = try folders.check(fix: true)
        #expect(fixed.left.map(\.problem) == [.staleIndex])
        #expect(fixed.exitCode == 4)
        #expect((try? Files.stat(base + "/u/d/x")) == nil)
        #expect(try Files.stat(base + "/u/d/f").rdevMajor == 0)
        // -p only removes the redirect: no lower dir is named e, so -y would not make it opaque either.
        #expect(try Xattr.list(base + "/u/e") == [])
        try Files.unlink(base + "/w/index/zz")
        #expect(try folders.check(fix: false).exitCode == 0)
    }

    @Test func fixedWhenEverythingIsRepairable() throws {
        let base = "/tmp/ovl-fsck-test-\(getpid())-b"
        let folders = try make(base)
        defer { try? Files.removeTree(base) }
        try Files.unlink(base + "/w/index/zz")
        #expect(try folders.check(fix: true).exitCode == 1)
        #expect(try folders.check(fix: false).exitCode == 0)
    }

    @Test func yesMakesTheDirOpaqueOverALowerDirOfItsName() throws {
        let base = "/tmp/ovl-fsck-test-\(getpid())-c"
        let folders = try make(base)
        defer { try? Files.removeTree(base) }
        try Files.mkdir(base + "/l/e", mode: 0o755)
        try Files.unlink(base + "/w/index/zz")
        let run = try folders.check(policy: .yes)
        #expect(run.exitCode == 1)
        #expect(try Xattr.list(base + "/u/e") == ["trusted.overlay.opaque"])
        #expect(try Xattr.list(base + "/u").contains("trusted.overlay.impure"))
    }

    @Test func addsTheMissingWhiteoutAtARedirectOrigin() throws {
        let base = "/tmp/ovl-fsck-test-\(getpid())-d"
        if (try? Files.stat(base)) != nil { try Files.removeTree(base) }
        for d in ["", "/l", "/l/origin", "/u", "/u/testdir", "/w"] { try Files.mkdir(base + d, mode: 0o755) }
        defer { try? Files.removeTree(base) }
        try Xattr.set(base + "/u/testdir", "trusted.overlay.redirect", Array("origin".utf8))
        let folders = LayerFolders(lowers: [base + "/l"], upper: base + "/u", work: base + "/w")
        #expect(try folders.check(policy: .none).exitCode == 4)
        #expect(try folders.check(policy: .safe).exitCode == 1)
        let st = try Files.stat(base + "/u/origin")
        #expect(st.format == 0o020000 && st.rdevMajor == 0 && st.rdevMinor == 0)
        #expect(try folders.check(policy: .none).exitCode == 0)
    }
}
