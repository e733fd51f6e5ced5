import Foundation
import OvlCase
import OvlModel
@testable import OvlRunner
import OvlProtocol
import Testing

/// The console, JUnit and TAP output of one passing and one failing job, whole, against the files
/// in `Golden/`. `OVL_RECORD_GOLDEN=1 swift test --filter GoldenReportTests` writes them anew.
@Suite struct GoldenReportTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// `whiteout/001`'s unlink of a lower file where the kernel (here made up) removed the name
    /// without a whiteout, then answered EIO and logged a WARNING: the model's prediction as the
    /// guest would record it, with those three changes, through the checker.
    static func summary() throws -> RunSummary {
        let c = try CaseParser.parse(yaml: """
            description: unlink of a lower file leaves a whiteout
            rules: [R33, R30]
            layers: {lower: [{f: x}]}
            steps: [{unlink: f}, {stat: f}]
            """, file: "cases/whiteout/001-unlink-lower-file.yaml")
        let job = Job(index: 0, caseID: c.id, config: FSConfig(lower: "ext4", upper: "ext4"), scenario: c.scenario)
        let prediction = Checker.predict(job: job, defaults: .debian, kernel: nil, sysctls: .debian, flipped: [], runSteps: true)
        var obs = PredictionAsObservations.observations(prediction, c.scenario)
        obs.steps[1] = .failed(.EIO)
        obs.snapshot?.upper?[RelPath(components: ["f"])] = nil
        let slice = KernelSlice(taintBefore: 0, taintAfter: 1 << 9,
                                lines: ["WARNING: CPU: 0 PID: 192 at fs/overlayfs/dir.c:685 ovl_do_remove+0xe/0x30 [overlay]"])
        var diffs = Checker.check(job: job, defaults: .debian, observed: obs)
        if let k = slice.difference { diffs.insert(k, at: 0) }
        let failing = JobResult(job: job, caseInfo: c, verdict: .fail, differences: diffs, kernelLog: slice.lines, seconds: 1.25)
        var passing = failing
        passing.job.config = FSConfig(lower: "ext4", upper: "xfs")
        passing.verdict = .pass
        passing.differences = []
        passing.kernelLog = []
        return RunSummary(results: [passing, failing], kernel: "6.12.118", moduleSource: "debian linux-source-6.12",
                          moduleRevision: "6.12.118-1", buildSeconds: 5.5, bootSeconds: [10.5], readySeconds: [12.0], totalSeconds: 20, guests: 1)
    }

    /// What the console reporter prints, with a clock that ticks a second per reading.
    final class Console: @unchecked Sendable {
        var text = ""
        var now = Date(timeIntervalSince1970: 0)
    }

    static func console(_ s: RunSummary) -> String {
        let c = Console()
        let r = ProgressReporter(verbose: false, interactive: false, clock: { defer { c.now += 1 }; return c.now },
                                 write: { c.text += $0 })
        r.start(total: s.results.count, guests: 1)
        for result in s.results { r.finished(result) }
        r.summary(s)
        return c.text
    }

    func compare(_ text: String, _ name: String) throws {
        let file = Self.folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["OVL_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let golden = try String(contentsOf: file, encoding: .utf8)
        #expect(text == golden, "\(name) differs from its golden file; the output:\n\(text)")
    }

    @Test func consoleOutput() throws { try compare(Self.console(try Self.summary()), "one-fail.txt") }
    @Test func junitOutput() throws { try compare(JUnitReporter.render(try Self.summary(), options: ["fs": "ext4"]), "one-fail.junit.xml") }
    @Test func tapOutput() throws { try compare(TAPReporter.render(try Self.summary()), "one-fail.tap") }
}
