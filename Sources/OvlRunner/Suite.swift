import Foundation
import OvlCase
import OvlModel
import OvlVM

/// Runs a set of cases in the guest — one boot for all of them, another only after a crash or
/// hang — and judges every job against the model.
public struct Suite {
    public var cases: [Case]
    public var configs: [FSConfig]
    public var moduleSource: String?
    public var kernelVersion: String?
    public var resultsDir: String
    public var stallTimeout: Double
    public var reporter: ProgressReporter

    public init(cases: [Case], configs: [FSConfig], moduleSource: String?, kernelVersion: String?,
                resultsDir: String, stallTimeout: Double, reporter: ProgressReporter) {
        self.cases = cases; self.configs = configs; self.moduleSource = moduleSource
        self.kernelVersion = kernelVersion; self.resultsDir = resultsDir; self.stallTimeout = stallTimeout
        self.reporter = reporter
    }

    /// The jobs: every case in every configuration.
    public func plan() -> (Plan, [Int: Case]) {
        var jobs: [Job] = []
        var byJob: [Int: Case] = [:]
        for c in cases {
            for config in configs {
                byJob[jobs.count] = c
                jobs.append(Job(index: jobs.count, caseID: c.id, config: config, scenario: c.scenario))
            }
        }
        return (Plan(jobs: jobs), byJob)
    }

    /// Builds the module, boots, runs, checks.
    /// - Throws: ``HarnessError`` when the module does not build (untestable) or the setup is broken.
    public func run() throws -> RunSummary {
        let repo = try RepoLayout.locate()
        try FileManager.default.createDirectory(atPath: resultsDir, withIntermediateDirectories: true)
        let t0 = Date()
        let kernel = try KernelImage.fetch(version: kernelVersion, repo: repo)
        let source = try moduleSource ?? kernel.stockModuleSource(repo: repo)
        reporter.note("kernel \(kernel.release); building overlay.ko from \(source)")
        let module = try ModuleBuilder.build(source: source, kernel: kernel, repo: repo)
        let buildSeconds = Date().timeIntervalSince(t0)
        let initrd = try Initramfs.make(kernel: kernel, module: module, in: resultsDir, repo: repo)
        let agent = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
        let (plan, byJob) = self.plan()
        reporter.start(total: plan.jobs.count)

        var log = RecordLog()
        var remaining = plan.jobs
        var results: [JobResult] = []
        var boot = 0
        var bootSeconds: [Double] = []
        while !remaining.isEmpty {
            boot += 1
            let bootDir = resultsDir + "/boot\(boot)"
            // The guest appends to records.jsonl: records of an earlier run in a reused results
            // folder (`make vm-check` always uses results/check) would be judged as this run's.
            if FileManager.default.fileExists(atPath: bootDir) { try FileManager.default.removeItem(atPath: bootDir) }
            try FileManager.default.createDirectory(atPath: bootDir, withIntermediateDirectories: true)
            let planPath = bootDir + "/plan.json"
            try JSONEncoder().encode(Plan(jobs: remaining)).write(to: URL(fileURLWithPath: planPath))
            let session = BootSession(kernel: kernel, initrd: initrd, agent: agent, resultsDir: bootDir,
                                      stallTimeout: stallTimeout)
            var bootLog = RecordLog()
            let tb = Date()
            var reader = RecordReader(path: bootDir + "/records.jsonl")
            /// Folds newly written records in and judges each job as soon as it ends.
            func consumeNewRecords() {
                for r in reader.readNew() {
                    bootLog.add(r)
                    if case .end(let j) = r, let c = byJob[j], plan.jobs.indices.contains(j) {
                        let job = plan.jobs[j]  // plan() numbers jobs by their position
                        let res = judge(job: job, caseInfo: c, log: bootLog)
                        results.append(res)
                        reporter.finished(res)
                    }
                }
            }
            let end = try session.run(planPath: planPath, consoleName: "console.log") { _ in consumeNewRecords() }
            bootSeconds.append(Date().timeIntervalSince(tb))
            consumeNewRecords()
            log.defaults = log.defaults ?? bootLog.defaults
            log.kernel = log.kernel ?? bootLog.kernel
            let console = (try? String(contentsOfFile: bootDir + "/console.log", encoding: .utf8)) ?? ""
            if bootLog.defaults == nil {
                if console.contains("MODULE-LOAD-FAILED") {
                    throw HarnessError(.untestable, "overlay.ko did not load in the guest:\n" + ConsoleLog.excerpt(console))
                }
                throw HarnessError(.setup, "the guest did not start the agent (\(end)); console: \(bootDir)/console.log\n"
                                   + ConsoleLog.excerpt(console))
            }
            if bootLog.done { break }
            // The guest died or stalled in the job it had begun but not ended.
            let finished = Set(bootLog.jobs.filter { $0.value.ended }.map(\.key))
            guard let inFlight = remaining.first(where: { !finished.contains($0.index) }), let c = byJob[inFlight.index] else { break }
            let verdict: Verdict = end == .timedOut ? .hang : .crash
            let res = JobResult(job: inFlight, caseInfo: c, verdict: verdict, differences: [],
                                kernelLog: ConsoleLog.excerpt(console).split(separator: "\n").map(String.init), seconds: 0)
            results.append(res)
            reporter.finished(res)
            remaining = remaining.filter { !finished.contains($0.index) && $0.index != inFlight.index }
        }
        let summary = RunSummary(results: results.sorted { $0.job.index < $1.job.index }, kernel: log.kernel ?? kernel.release,
                                 moduleSource: source, buildSeconds: buildSeconds, bootSeconds: bootSeconds,
                                 totalSeconds: Date().timeIntervalSince(t0))
        reporter.summary(summary)
        return summary
    }

    func judge(job: Job, caseInfo: Case, log: RecordLog) -> JobResult {
        let obs = log.jobs[job.index] ?? Observations()
        if let err = obs.error {
            return JobResult(job: job, caseInfo: caseInfo, verdict: .error(err), differences: [], kernelLog: [], seconds: 0)
        }
        let diffs = Checker.check(job: job, defaults: log.defaults ?? .debian, observed: obs)
        return JobResult(job: job, caseInfo: caseInfo, verdict: diffs.isEmpty ? .pass : .fail, differences: diffs,
                         kernelLog: obs.mount?.kernelLog ?? [], seconds: 0)
    }
}

/// The outcome of a whole run.
public struct RunSummary: Sendable {
    public var results: [JobResult]
    public var kernel: String
    public var moduleSource: String
    public var buildSeconds: Double
    public var bootSeconds: [Double]
    public var totalSeconds: Double
    public var exitStatus: ExitStatus { ExitStatus.of(results) }
}
