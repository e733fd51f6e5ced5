import OvlCase
import OvlModel

/// Judges one finished job: the guest's error, or the model's differences.
enum JobJudge {
    static func judge(job: Job, caseInfo: Case, log: RecordLog, bootDir: String) -> JobResult {
        let obs = log.jobs[job.index] ?? Observations()
        if let err = obs.error {
            return JobResult(job: job, caseInfo: caseInfo, verdict: .error(err), differences: [], kernelLog: [], seconds: 0)
        }
        let diffs = Checker.check(job: job, defaults: log.defaults ?? .debian, observed: obs)
        return JobResult(job: job, caseInfo: caseInfo, verdict: diffs.isEmpty ? .pass : .fail, differences: diffs,
                         kernelLog: obs.mount?.kernelLog ?? [], seconds: 0)
    }
}
