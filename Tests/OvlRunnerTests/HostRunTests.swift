import Foundation
import OvlCase
import OvlModel
@testable import OvlRunner
import OvlProtocol
import OvlVM
import Testing

@Suite("What a host run records and how it is judged")
struct HostRunTests {
    @Test("the boot record's sysctls reach the judge; a job the kernel cannot build is a skip with its reason")
    func unsupportedIsSkip() throws {
        let c = try CaseParser.parse(yaml: "description: d\nrules: [R33]\nlayers:\n  lower:\n    - f: x\nsteps:\n  - read: f\n", file: "s.yaml")
        let job = Job(index: 0, caseID: c.id, config: FSConfig.matrix[0], scenario: c.scenario)
        var log = RecordLog()
        log.add(.boot(defaults: .debian, kernel: "6.18.44", sysctls: Sysctls(protectedSymlinks: 0)))
        log.add(.begin(job: 0))
        log.add(.unsupported(job: 0, reason: "the kernel has no fs-verity"))
        log.add(.end(job: 0, phases: JobPhases()))
        #expect(log.sysctls?.protectedSymlinks == 0)
        let r = JobJudge.judge(job: job, caseInfo: c, log: log)
        #expect(r.verdict == .skip("the kernel has no fs-verity"))
    }

    @Test("the agent runs as PID 1 of its own mount and PID namespaces, killed with unshare")
    func namespaceArguments() {
        let s = HostSession(agent: "/a/ovl-conform", resultsDir: "/r/boot1", images: "/c/images/x", stallTimeout: 60,
                            repo: RepoLayout(root: "/repo"))
        #expect(s.arguments(stage: "/tmp/s") == ["--mount", "--propagation", "private", "--pid", "--fork", "--kill-child=SIGKILL",
                                                 "/bin/bash", "/repo/vm/host-init", "/tmp/s", "/a/ovl-conform", "/r/boot1", "/c/images/x"])
    }
}

@Suite("A harness fault is never an observation")
struct HarnessFaultTests {
    @Test("a record line that does not decode is kept with its line number, the lines around it still read")
    func undecodableRecord() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"begin\":{\"job\":1}}\n{\"begin\":{\"jo\n{\"done\":{}}\n{\"beg".utf8).write(to: URL(fileURLWithPath: path))
        var reader = RecordReader(path: path)
        #expect(reader.readNew() == [.begin(job: 1), .done])
        #expect(reader.undecodable.map(\.line) == [2])
    }

    @Test("a job whose steps the model cannot predict is an error with every reason, not a pass or fail")
    func unpredictedIsError() throws {
        let yaml = """
            description: d
            rules: [R72]
            layers:
              lower:
                - p: {type: fifo}
            steps:
              - open: {path: p, fd: A, flags: [O_RDWR]}
              - fd_write: {fd: A, data: x}
            """
        let c = try CaseParser.parse(yaml: yaml, file: "u.yaml")
        let job = Job(index: 0, caseID: c.id, config: FSConfig.matrix[0], scenario: c.scenario)
        var log = RecordLog()
        log.add(.boot(defaults: .debian, kernel: "6.12.118", sysctls: .debian))
        log.add(.step(job: 0, index: 0, .ok(.none)))
        log.add(.step(job: 0, index: 1, .ok(.none)))
        let r = JobJudge.judge(job: job, caseInfo: c, log: log)
        guard case .error(let why) = r.verdict else { Issue.record("verdict \(r.verdict)"); return }
        #expect(why.hasPrefix("the model cannot predict: fd_write to the fifo p"))
    }
}
