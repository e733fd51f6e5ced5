import OvlFsck
import OvlModel
import Testing

/// fsck.overlay's command line (`FsckOverlayCommandLine`): pure parsing, no folders touched.
@Suite struct CommandLineTests {
    func options(_ args: [String]) -> FsckOverlayCommandLine.Options? {
        if case .success(.check(let o)) = FsckOverlayCommandLine.parse(args) { return o }
        return nil
    }
    func usage(_ args: [String]) -> String? {
        if case .failure(let e) = FsckOverlayCommandLine.parse(args) { return e.message }
        return nil
    }

    @Test func repeatedOptionsAsXfstestsPassesThem() {
        let o = options(["-o", "lowerdir=/l1:/l2", "-o", "upperdir=/u", "-o", "workdir=/w", "-p"])
        #expect(o?.lowers == ["/l1", "/l2"])
        #expect(o?.upper == "/u" && o?.work == "/w")
        #expect(o?.policy == .safe && o?.explicitNo == false)
    }

    @Test func joinedAndCommaListsWithIgnoredKeys() {
        let o = options(["-olowerdir=/l,upperdir=/u,workdir=/w,index=on,xino=on", "-y", "-v"])
        #expect(o?.lowers == ["/l"])
        #expect(o?.ignored == ["index=on", "xino=on"])
        #expect(o?.policy == .yes && o?.verbose == true)
        // The last lowerdir= wins.
        #expect(options(["-o", "lowerdir=/a,lowerdir=/b:/c"])?.lowers == ["/b", "/c"])
    }

    @Test func escapedCommasAndColons() {
        let o = options(["-o", #"lowerdir=/a\:b:/c\,d,upperdir=/u\,v,workdir=/w\:x"#])
        #expect(o?.lowers == ["/a:b", "/c,d"])
        #expect(o?.upper == "/u,v")
        #expect(o?.work == "/w:x")
    }

    @Test func userxattrAndDataOnlyLayers() {
        let o = options(["-o", "lowerdir=/l1:/l2::/d1::/d2,userxattr"])
        #expect(o?.lowers == ["/l1", "/l2"])
        #expect(o?.dataLowers == ["/d1", "/d2"])
        #expect(o?.userxattr == true)
    }

    @Test func policies() {
        let base = ["-o", "lowerdir=/a:/b"]
        #expect(options(base)?.policy == FixPolicy.none)
        #expect(options(base)?.explicitNo == false)
        #expect(options(base + ["-n"])?.explicitNo == true)
        #expect(options(base + ["-pv"])?.policy == .safe)
        #expect(options(base + ["-p", "-p"])?.policy == .safe)
        #expect(usage(base + ["-n", "-p"]) == "Only one of the options -p/-a, -n or -y can be specified!")
        #expect(usage(base + ["-py"]) != nil)
    }

    @Test func usageErrors() {
        #expect(usage([]) == "Please specify correct lowerdirs and upperdir!")
        #expect(usage(["-o", "lowerdir=/a"]) == "Please specify correct lowerdirs and upperdir!")
        #expect(usage(["-o", "lowerdir=/a,upperdir=/u"]) == "Please specify correct workdir!")
        #expect(usage(["-o", "upperdir=/u,workdir=/w"]) == "Please specify correct lowerdirs and upperdir!")
        #expect(usage(["-o", "lowerdir=/a:/b", "-a"]) == "invalid option -- 'a'")
        #expect(usage(["-o", "lowerdir=/a:/b", "-x"]) == "invalid option -- 'x'")
        #expect(usage(["-o", "lowerdir=/a:/b", "--frobnicate"]) == "unrecognized option '--frobnicate'")
        #expect(usage(["-o", "lowerdir=/a:/b", "-h"]) == "help")
        #expect(usage(["-o"]) == "option requires an argument -- 'o'")
        let many = (0...FsckOverlayCommandLine.maxLowers).map { "/l\($0)" }.joined(separator: ":")
        #expect(usage(["-o", "lowerdir=" + many])?.hasPrefix("too many lower directories") == true)
        #expect(FsckOverlayCommandLine.usageExit == 16)
    }

    @Test func versionWinsWhereverItIs() {
        #expect(FsckOverlayCommandLine.parse(["-V"]) == .success(.version))
        #expect(FsckOverlayCommandLine.parse(["-o", "lowerdir=/a", "--version"]) == .success(.version))
    }

    @Test func wordsThatAreNoOptionsAreIgnored() {
        #expect(options(["stray", "-o", "lowerdir=/a:/b", "--", "-p"])?.policy == FixPolicy.none)
    }

    @Test func mountedOverlayFoldersFromMountinfo() {
        let info = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            98 22 0:55 / /mnt/o rw,relatime shared:50 - overlay overlay rw,lowerdir=/l\\0401:/l2,upperdir=/u,workdir=/w,index=on
            99 22 0:56 / /mnt/p rw - overlay overlay ro,lowerdir+=/p1,datadir+=/d1
            """
        #expect(MountedLayers.folders(mountinfo: info) == [["/l 1", "/l2", "/u", "/w"], ["/p1", "/d1"]])
        #expect(MountedLayers.mounted(["/x", "/u/"], mountinfo: info) == "/u/")
        #expect(MountedLayers.mounted(["/l2x", "/d"], mountinfo: info) == nil)
    }

    @Test func exitCodes() {
        let f = Finding(problem: .orphanWhiteout, layer: .upper, path: RelPath(parsing: "x")!, subject: "whiteout", detail: "")
        #expect(FsckReport(found: [], left: []).exitCode == 0)
        #expect(FsckReport(found: [f], left: [f]).exitCode == 4)
        #expect(FsckReport(found: [f], left: [], repaired: [f], policy: .safe).exitCode == 1)
        #expect(FsckReport(found: [f, f], left: [f], repaired: [f], policy: .safe).exitCode == 4)
    }
}
