import Foundation
import FoundationXML
import OvlCase
import OvlModel
import OvlProtocol
import Testing
@testable import OvlRunner

private func result(_ verdict: Verdict, _ diffs: [Difference] = []) throws -> JobResult {
    let c = try CaseParser.parse(yaml: """
        description: d
        rules: [R33]
        layers: {lower: [{f: x}]}
        steps: [{unlink: f}]
        """, file: "cases/whiteout/001-x.yaml")
    return JobResult(job: Job(index: 0, caseID: c.id, config: FSConfig(lower: "ext4", upper: "xfs"), scenario: c.scenario),
                     caseInfo: c, verdict: verdict, differences: diffs, kernelLog: ["overlayfs: <odd> & \"log\""], seconds: 0.5)
}

private func summary(_ r: [JobResult]) -> RunSummary {
    RunSummary(results: r, kernel: "6.12.117", moduleSource: "/src", moduleRevision: "git 0123456789ab",
               buildSeconds: 1, bootSeconds: [4], totalSeconds: 10, guests: 1)
}

@Suite("Reporters and exit status")
struct ReporterTests {
    @Test("exit status: pass 0, a difference 1, a crash 1, a harness error 128")
    func exitStatus() throws {
        #expect(ExitStatus.of([try result(.pass)]) == .success)
        #expect(ExitStatus.of([try result(.pass), try result(.fail)]) == .failures)
        #expect(ExitStatus.of([try result(.crash)]) == .failures)
        #expect(ExitStatus.of([try result(.hang), try result(.error("layer setup"))]) == .broken)
    }

    @Test("JUnit: a failure carries the first difference and escapes XML; it parses as XML")
    func junit() throws {
        let d = Difference(step: nil, kind: .entryMissing(.upper), subject: "upper f", expected: "chardev 0:0", observed: "absent <&>")
        let xml = JUnitReporter.render(summary([try result(.pass), try result(.fail, [d])]))
        #expect(xml.contains("<failure message=\"upper f: expected chardev 0:0, observed absent &lt;&amp;&gt;\""))
        #expect(xml.contains("tests=\"2\" failures=\"1\""))
        #expect(xml.contains("<system-err>overlayfs: &lt;odd&gt; &amp; &quot;log&quot;</system-err>"))
        let doc = try XMLDocument(xmlString: xml)
        #expect(try doc.nodes(forXPath: "//testcase").count == 2)
    }

    @Test("TAP 14: plan first, not ok with YAML diagnostics, closing count line")
    func tap() throws {
        let d = Difference(step: 0, kind: .stepResult(op: "unlink", expected: .succeeded, observed: .failed(.EPERM)), subject: "step 1 unlink f", expected: "0", observed: "EPERM")
        let tap = TAPReporter.render(summary([try result(.pass), try result(.fail, [d])]))
        let lines = tap.split(separator: "\n").map(String.init)
        #expect(lines[0] == "TAP version 14")
        #expect(lines[1] == "1..2")
        #expect(lines[2] == "ok 1 - whiteout/001-x[ext4/xfs]")
        #expect(lines[3] == "not ok 2 - whiteout/001-x[ext4/xfs]")
        #expect(tap.contains("      observed: \"EPERM\""))
        #expect(lines.last == "# 1 passed, 1 failed")
    }

    @Test("Checker: whiteout expected but plain removal observed is a difference")
    func checker() {
        var lower = Layer()
        lower.entries[RelPath(components: ["f"])] = Node(kind: .file(data: "x"))
        let job = Job(index: 0, caseID: "c", config: FSConfig(lower: "ext4", upper: "ext4"),
                      scenario: Scenario(lowers: [lower], upper: Layer(), options: [], steps: [.unlink(RelPath(components: ["f"]))]))
        var obs = Observations()
        obs.mount = MountObservation(errno: nil, options: ["uuid=on"], kernelLog: [])
        obs.steps[0] = .ok(.none)
        obs.snapshot = Snapshot(merged: [.root: EntryView(type: .dir, perm: 0o755, uid: 0, gid: 0, nlink: 1, mtime: 5, xattrs: [:])],
                                upper: [.root: EntryView(type: .dir, perm: 0o755, uid: 0, gid: 0, nlink: 2, mtime: 5,
                                                         xattrs: ["trusted.overlay.uuid": "0x" + String(repeating: "ab", count: 16)])],
                                work: [], lowers: [])
        let diffs = Checker.check(job: job, defaults: .debian, observed: obs)
        #expect(diffs.contains { $0.subject == "upper f" && $0.observed == "absent" })
        #expect(diffs.contains { $0.subject.hasPrefix("work/") })
    }
}
