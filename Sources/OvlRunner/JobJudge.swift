import Foundation
import OvlCase
import OvlModel
import OvlProtocol

/// Judges one finished job: the guest's error, or the model's differences and the kernel's own
/// complaints (a WARNING or a new taint bit during the job fails it).
enum JobJudge {
    static func judge(job: Job, caseInfo: Case, log: RecordLog, flipped: Set<String> = []) -> JobResult {
        var obs = log.jobs[job.index] ?? Observations()
        obs.fsck = LayerChecks.observe(job, obs)
        let events = obs.kernel
        if let why = obs.unsupported {
            return JobResult(job: job, caseInfo: caseInfo, verdict: .skip(why), differences: [], kernelLog: [], seconds: 0)
        }
        if let err = obs.error {
            return JobResult(job: job, caseInfo: caseInfo, verdict: .error(err), differences: [],
                             kernelLog: events?.lines ?? [], seconds: 0)
        }
        var unpredicted: [String] = []
        var diffs = Checker.check(job: job, defaults: log.defaults ?? .debian,
                                  kernel: log.kernel.flatMap(KernelVersion.init(release:)), sysctls: log.sysctls ?? .debian,
                                  flipped: flipped, observed: obs, unpredicted: &unpredicted)
        if !unpredicted.isEmpty {
            return JobResult(job: job, caseInfo: caseInfo, verdict: .error("the model cannot predict: " + unpredicted.joined(separator: "; ")),
                             differences: [], kernelLog: events?.lines ?? [], seconds: 0)
        }
        if let kernel = events?.difference { diffs.insert(kernel, at: 0) }
        let kernelLog = diffs.isEmpty ? obs.mount?.kernelLog ?? [] : events?.lines ?? obs.mount?.kernelLog ?? []
        return JobResult(job: job, caseInfo: caseInfo, verdict: diffs.isEmpty ? .pass : .fail, differences: diffs,
                         kernelLog: kernelLog, seconds: 0)
    }
}
