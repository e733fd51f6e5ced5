import Testing
@testable import OvlRunner

@Suite("Kernel WARNINGs and taint during a job")
struct KernelEventsTests {
    @Test("a WARNING and a new W taint bit make a difference naming both")
    func warning() throws {
        let text = "tainted 12288 12800\novl-conform: begin job 1 a [ext4]\n------------[ cut here ]------------\n"
            + "WARNING: CPU: 0 PID: 192 at fs/overlayfs/dir.c:685 ovl_mkdir+0xe/0x30 [overlay]\n"
        let e = try #require(KernelEvents(parsing: text))
        #expect(e.newTaint == 512)
        #expect(e.lines.count == 3)
        let d = try #require(e.difference)
        #expect(d.subject == "kernel log")
        #expect(d.expected == "no WARNING, no new taint (OE)")
        #expect(d.observed == "taint OE -> WOE (new: W); WARNING: CPU: 0 PID: 192 at fs/overlayfs/dir.c:685 ovl_mkdir+0xe/0x30 [overlay]")
    }

    @Test("overlayfs messages with unchanged taint are no difference; a taint bit alone is")
    func clean() throws {
        let quiet = try #require(KernelEvents(parsing: "tainted 12288 12288\noverlayfs: upper fs does not support tmpfile.\n"))
        #expect(quiet.difference == nil)
        let taintOnly = try #require(KernelEvents(parsing: "tainted 0 1\n"))
        #expect(taintOnly.difference?.observed == "taint 0 -> P (new: P)")
        #expect(KernelEvents(parsing: "garbage\n") == nil)
    }
}
