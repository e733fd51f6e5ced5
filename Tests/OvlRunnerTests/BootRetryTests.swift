import Foundation
import OvlCase
import OvlModel
@testable import OvlRunner
import OvlProtocol
import OvlVM
import Testing

/// A session that dies before its agent starts for its first `deaths` runs (no record, QEMU
/// exited), then writes a whole boot: the boot record, the one job, `done`.
private final class FlakyBoot: AgentSession, @unchecked Sendable {
    let deaths: Int
    let end: BootEnd
    let bootDir: String
    let counter: Counter
    final class Counter: @unchecked Sendable { var runs = 0 }

    init(deaths: Int, end: BootEnd, bootDir: String, counter: Counter) {
        self.deaths = deaths; self.end = end; self.bootDir = bootDir; self.counter = counter
    }

    func run(planPath: String, consoleName: String, onProgress: (Int) -> Void) throws -> BootEnd {
        counter.runs += 1
        try Data("[    0.5] BUG: kernel NULL pointer dereference\n".utf8).write(to: URL(fileURLWithPath: bootDir + "/" + consoleName))
        guard counter.runs > deaths else { return end }
        let records: [GuestRecord] = [.boot(defaults: .debian, kernel: "6.12.118", sysctls: .debian), .begin(job: 0),
                                 .end(job: 0, phases: JobPhases()), .done]
        let lines = try records.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) + "\n" }.joined()
        try Data(lines.utf8).write(to: URL(fileURLWithPath: bootDir + "/records.jsonl"))
        return .exited(status: 0)
    }
}

/// What a reporter wrote, from any thread.
private final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}

@Suite("A guest that dies before its agent starts is booted again")
struct BootRetryTests {
    func lane(deaths: Int, end: BootEnd = .exited(status: 0), kernelTree: Bool = false) throws -> (Result<GuestLane.Outcome, Error>, Int, [String]) {
        let c = try CaseParser.parse(yaml: "description: d\nrules: [R33]\nlayers:\n  lower:\n    - f: x\nsteps:\n  - read: f\n", file: "s.yaml")
        let job = Job(index: 0, caseID: c.id, config: FSConfig.matrix[0], scenario: c.scenario)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lane-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let counter = FlakyBoot.Counter()
        let out = Lines()
        let reporter = ProgressReporter(verbose: false, interactive: false, write: out.append)
        let setup = GuestLane.Setup(session: { FlakyBoot(deaths: deaths, end: end, bootDir: $0, counter: counter) }, host: false,
                                    kernelTree: kernelTree, stallTimeout: 60, flipped: [], reporter: reporter)
        let result = Result { try GuestLane(setup: setup, directory: dir, jobs: [job], cases: [0: c]).run() }
        return (result, counter.runs, out.all)
    }

    @Test("two early deaths: the third boot runs the job, and each retry is said")
    func retried() throws {
        let (result, runs, lines) = try lane(deaths: 2)
        let outcome = try result.get()
        #expect(runs == 3)
        #expect(outcome.results.map(\.job.index) == [0])
        #expect(lines.filter { $0.contains("died before the agent started; booting again") }.count == 2)
    }

    @Test("three early deaths are a setup error naming the console")
    func givesUp() throws {
        let (result, runs, _) = try lane(deaths: 3)
        #expect(runs == 3)
        guard case .failure(let e as HarnessError) = result else { Issue.record("no harness error: \(result)"); return }
        #expect(e.kind == .setup)
        #expect(e.message.contains("the guest did not start the agent (the guest powered off)"))
    }

    @Test("a boot that times out, or a developer's tree that dies, is not booted again")
    func notRetried() throws {
        let (timedOut, runsT, _) = try lane(deaths: 1, end: .timedOut)
        #expect(runsT == 1)
        #expect((try? timedOut.get()) == nil)
        let (tree, runsK, _) = try lane(deaths: 1, kernelTree: true)
        #expect(runsK == 1)
        guard case .failure(let e as HarnessError) = tree else { Issue.record("no harness error"); return }
        #expect(e.kind == .untestable)
    }
}
