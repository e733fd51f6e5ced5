import OvlModel
import OvlProtocol
import Testing
@testable import OvlRunner

@Suite("Kernel WARNINGs and taint during a job")
struct KernelEventsTests {
    @Test("a WARNING and a new W taint bit make a difference naming both")
    func warning() throws {
        let e = KernelSlice(taintBefore: 12288, taintAfter: 12800, lines: [
            "ovl-conform: begin job 1 a [ext4]", "------------[ cut here ]------------",
            "WARNING: CPU: 0 PID: 192 at fs/overlayfs/dir.c:685 ovl_mkdir+0xe/0x30 [overlay]"])
        #expect(e.newTaint == 512)
        let d = try #require(e.difference)
        #expect(d.subject == "kernel log")
        #expect(d.expected == "no WARNING, no new taint (OE)")
        #expect(d.observed == "taint OE -> WOE (new: W); WARNING: CPU: 0 PID: 192 at fs/overlayfs/dir.c:685 ovl_mkdir+0xe/0x30 [overlay]")
    }

    @Test("overlayfs messages with unchanged taint are no difference; a taint bit alone is")
    func clean() {
        let quiet = KernelSlice(taintBefore: 12288, taintAfter: 12288, lines: ["overlayfs: upper fs does not support tmpfile."])
        #expect(quiet.difference == nil)
        let taintOnly = KernelSlice(taintBefore: 0, taintAfter: 1, lines: [])
        #expect(taintOnly.difference?.observed == "taint 0 -> P (new: P)")
    }

    @Test("the kernel slice reaches the judge as a record, before the job's end")
    func record() throws {
        var log = RecordLog()
        log.add(.begin(job: 3))
        log.add(.kernel(job: 3, KernelSlice(taintBefore: 0, taintAfter: 512, lines: ["WARNING: x"])))
        var phases = JobPhases()
        phases.steps = 0.25
        log.add(.end(job: 3, phases: phases))
        let obs = try #require(log.jobs[3])
        #expect(obs.ended)
        #expect(obs.kernel?.newTaint == 512)
        #expect(obs.phases?.total == 0.25)
    }
}
