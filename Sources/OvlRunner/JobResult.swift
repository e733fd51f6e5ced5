import OvlCase
import OvlModel
import OvlProtocol

/// The verdict of one case in one configuration, with everything a report shows.
public struct JobResult: Sendable {
    public var job: Job
    public var caseInfo: Case
    public var verdict: Verdict
    public var differences: [Difference]
    /// Kernel log lines of the job (mount messages, or a crash excerpt).
    public var kernelLog: [String]
    public var seconds: Double

    /// `whiteout/001-unlink-lower-file[ext4/xfs]`.
    public var name: String { "\(caseInfo.id)[\(job.config)]" }
}
