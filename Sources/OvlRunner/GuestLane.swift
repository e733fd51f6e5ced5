import Foundation
import OvlCase
import OvlModel
import OvlProtocol
import OvlVM

/// One guest's share of a run: boots, runs its jobs, judges each as its records arrive, and after a
/// crash or hang marks the job in flight, reboots and goes on with the jobs left.
struct GuestLane: Sendable {
    /// Everything a lane needs that is the same for every lane of a run.
    struct Setup: Sendable {
        /// A session over the plan in the given boot folder: a QEMU boot, or the host's kernel.
        var session: @Sendable (_ bootDir: String) -> any AgentSession
        /// True for the machine's own kernel (`--host`): after a crash nothing reboots it, so the
        /// lane stops and its remaining jobs are errors.
        var host: Bool
        /// True when the kernel is a developer's tree (`--kernel-tree`): a boot that never reaches
        /// the agent is then the tree's fault (exit 125), not the setup's.
        var kernelTree: Bool
        var stallTimeout: Double
        /// Version entries the judge predicts the other way round (`run --flip-change`).
        var flipped: Set<String>
        var reporter: ProgressReporter
        /// Boots of a Debian kernel that may die before the agent starts and be made again (a TCG
        /// guest has oopsed in `apparmor_init` on a loaded machine); a kernel that never gets there
        /// is still a setup error once these are spent.
        var earlyDeathRetries = 2
    }

    var setup: Setup
    /// Where this lane's `bootN/` folders go.
    var directory: String
    var jobs: [Job]
    var cases: [Int: Case]

    /// What a lane hands back: its verdicts, the module defaults and kernel the guest reported, boot times.
    struct Outcome {
        var results: [JobResult] = []
        var defaults: ModuleDefaults?
        var kernel: String?
        var bootSeconds: [Double] = []
        /// Seconds from QEMU's start to the guest agent's first record, per boot.
        var readySeconds: [Double] = []
        /// The guest time of every finished job, by phase.
        var phases = JobPhases()
    }

    /// Runs every job of the lane.
    /// - Throws: ``HarnessError`` `.untestable` when overlay.ko does not load, `.setup` when the guest
    ///   does not reach its agent.
    func run() throws -> Outcome {
        var outcome = Outcome()
        var remaining = jobs
        var boot = 0
        var retriesLeft = setup.host || setup.kernelTree ? 0 : setup.earlyDeathRetries
        while !remaining.isEmpty {
            boot += 1
            let bootDir = directory + "/boot\(boot)"
            // A reused results folder must not feed an earlier run's records to this one.
            try? FileManager.default.removeItem(atPath: bootDir)
            try FileManager.default.createDirectory(atPath: bootDir, withIntermediateDirectories: true)
            let planPath = bootDir + "/plan.json"
            try JSONEncoder().encode(Plan(jobs: remaining)).write(to: URL(fileURLWithPath: planPath))
            let session = setup.session(bootDir)
            var bootLog = RecordLog()
            var reader = RecordReader(path: bootDir + "/records.jsonl")
            let started = Date()
            let byIndex = Dictionary(remaining.map { ($0.index, $0) }, uniquingKeysWith: { a, _ in a })
            /// Folds newly written records in and judges each job as soon as it ends.
            func consumeNewRecords() {
                for r in reader.readNew() {
                    if case .boot = r { outcome.readySeconds.append(Date().timeIntervalSince(started)) }
                    bootLog.add(r)
                    if case .end(let j, let phases) = r, let job = byIndex[j], let c = cases[j] {
                        outcome.phases = outcome.phases + phases
                        let res = JobJudge.judge(job: job, caseInfo: c, log: bootLog, flipped: setup.flipped)
                        outcome.results.append(res)
                        setup.reporter.finished(res)
                    }
                }
            }
            let end = try session.run(planPath: planPath, consoleName: "console.log") { _ in consumeNewRecords() }
            outcome.bootSeconds.append(Date().timeIntervalSince(started))
            consumeNewRecords()
            if let bad = reader.undecodable.first {
                throw HarnessError(.setup, "\(bootDir)/records.jsonl line \(bad.line) does not decode (\(bad.error)): \(bad.text.prefix(200))")
            }
            let kmsg = (try? String(contentsOfFile: bootDir + "/kmsg.log", encoding: .utf8)) ?? ""
            let seconds = KernelLogFile.jobSeconds(kmsg)
            for i in outcome.results.indices { outcome.results[i].seconds = seconds[outcome.results[i].job.index] ?? outcome.results[i].seconds }
            outcome.defaults = outcome.defaults ?? bootLog.defaults
            outcome.kernel = outcome.kernel ?? bootLog.kernel
            let console = (try? String(contentsOfFile: bootDir + "/console.log", encoding: .utf8)) ?? ""
            if bootLog.defaults == nil {
                let failure = BootFailure.diagnose(console: console, end: end, bootDir: bootDir, kernelTree: setup.kernelTree, host: setup.host)
                guard retriesLeft > 0, failure.kind == .setup, end != .timedOut else { throw failure }
                retriesLeft -= 1
                setup.reporter.note("boot \(boot) died before the agent started; booting again (\(bootDir)/console.log)")
                continue
            }
            if bootLog.done { break }
            // The guest died or stalled in the job it had begun but not ended.
            let finished = Set(bootLog.jobs.filter { $0.value.ended }.map(\.key))
            guard let inFlight = remaining.first(where: { !finished.contains($0.index) }), let c = cases[inFlight.index] else {
                break
            }
            let res = interrupted(job: inFlight, caseInfo: c, end: end, log: bootLog, console: console, bootDir: bootDir)
            outcome.results.append(res)
            setup.reporter.finished(res)
            remaining = remaining.filter { !finished.contains($0.index) && $0.index != inFlight.index }
            if setup.host {
                for job in remaining {
                    guard let c = cases[job.index] else { continue }
                    let res = JobResult(job: job, caseInfo: c, verdict: .error("not run: the host run stopped at job \(inFlight.index)'s \(res.verdict.name) (a host kernel is not rebooted)"),
                                        differences: [], kernelLog: [], seconds: 0)
                    outcome.results.append(res)
                    setup.reporter.finished(res)
                }
                break
            }
        }
        return outcome
    }

    /// The verdict of the job a boot did not finish: `hang` when the watchdog killed QEMU, `crash`
    /// when the guest stopped by itself (oops=panic).
    func interrupted(job: Job, caseInfo: Case, end: BootEnd, log: RecordLog, console: String, bootDir: String) -> JobResult {
        let place = Self.position(of: job, in: log.jobs[job.index] ?? Observations())
        var lines: [String]
        let verdict: Verdict
        if end == .timedOut {
            verdict = .hang
            let kmsg = (try? String(contentsOfFile: bootDir + "/kmsg.log", encoding: .utf8)) ?? ""
            var dump = Array(KernelLogFile.slice(kmsg, job: job.index).prefix(80))
            // A task spinning in the kernel keeps kmsg.log's copier from running: take the console.
            if !dump.contains(where: { $0.contains("sysrq: Show") }) { dump += ConsoleLog.sysrqDump(console) }
            lines = ["no guest progress for \(Int(setup.stallTimeout)) s \(place): QEMU killed"] + dump
        } else if let failure = console.split(separator: "\n").first(where: { $0.contains(harnessFailureMarker) }) {
            return JobResult(job: job, caseInfo: caseInfo, verdict: .error("the agent stopped \(place): " + failure), differences: [],
                             kernelLog: [], seconds: 0)
        } else {
            verdict = .crash
            let how = if case .signaled(let signal) = end { " (its process was killed by signal \(signal))" } else { "" }
            lines = ["the guest stopped \(place)\(how)"] + ConsoleLog.excerpt(console).split(separator: "\n").map(String.init)
        }
        return JobResult(job: job, caseInfo: caseInfo, verdict: verdict, differences: [], kernelLog: lines, seconds: 0)
    }

    /// `in step 2/3 (rmdir d)`, `during layer setup or mount`, `during the state dump`.
    static func position(of job: Job, in obs: Observations) -> String {
        guard let mount = obs.mount else { return "during layer setup or mount" }
        let done = obs.steps.count
        guard mount.errno == nil, done < job.scenario.steps.count else { return "during the state dump" }
        let op = job.scenario.steps[done]
        return "in step \(done + 1)/\(job.scenario.steps.count) (\(op.name) \(Checker.describe(op)))"
    }
}
