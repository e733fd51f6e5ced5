import Foundation
import OvlCase
import OvlModel
import OvlProtocol
import Testing
@testable import OvlRunner

/// Collects what a reporter writes, from a clock that advances 2 s per reading (the first is the start).
private final class Capture: @unchecked Sendable {
    var text = ""
    var now = Date(timeIntervalSince1970: 1000)
    func reporter(interactive: Bool) -> ProgressReporter {
        ProgressReporter(verbose: false, interactive: interactive,
                         clock: { [self] in defer { now += 2 }; return now }, write: { [self] in text += $0 })
    }
}

private func job(_ verdict: Verdict) throws -> JobResult {
    let c = try CaseParser.parse(yaml: "description: d\nrules: [R33]\nlayers: {lower: [{f: x}]}\nsteps: [{unlink: f}]\n",
                                 file: "cases/whiteout/001-x.yaml")
    let d = Difference(step: 0, kind: .stepResult(op: "unlink", expected: .succeeded, observed: .failed(.EPERM)), subject: "step 1 unlink f", expected: "0", observed: "EPERM")
    return JobResult(job: Job(index: 0, caseID: c.id, config: FSConfig(lower: "ext4", upper: "ext4"), scenario: c.scenario),
                     caseInfo: c, verdict: verdict, differences: verdict == .fail ? [d] : [], kernelLog: [], seconds: 0)
}

@Suite("Progress: one self-overwriting line on a terminal, plain lines otherwise")
struct ProgressTests {
    @Test("terminal: the status line is rewritten in place; a failure clears it and prints in full")
    func terminal() throws {
        let out = Capture()
        let r = out.reporter(interactive: true)
        r.start(total: 4, guests: 1)
        r.finished(try job(.pass))
        r.finished(try job(.fail))
        #expect(out.text == "ovl-conform: running 4 jobs in one guest\n"
            + "\r\u{1b}[K[1/4] 0 failed, 2s elapsed"
            + "\r\u{1b}[KFAIL whiteout/001-x[ext4]   cases/whiteout/001-x.yaml\n"
            + "  step 1 unlink f   rules R33\n  - expected (model)   0\n  + observed (kernel)  EPERM\n"
            + "\r\u{1b}[K[2/4] 1 failed, 4s elapsed, ETA 4s")
    }

    @Test("not a terminal (CI): one plain line per job, no escapes")
    func plain() throws {
        let out = Capture()
        let r = out.reporter(interactive: false)
        r.start(total: 2, guests: 2)
        r.finished(try job(.pass))
        r.finished(try job(.pass))
        #expect(out.text == "ovl-conform: running 2 jobs in 2 guests in parallel\n"
            + "[1/2] 0 failed, 2s elapsed\n[2/2] 0 failed, 4s elapsed\n")
        #expect(!out.text.contains("\u{1b}"))
    }
}
