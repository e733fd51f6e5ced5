/// The result of one case in one configuration.
public enum Verdict: Sendable, Equatable {
    case pass
    /// The kernel differed from the model.
    case fail
    /// The guest crashed (oops/BUG/panic) during the case.
    case crash
    /// The watchdog fired during the case.
    case hang
    /// The harness could not run the case (layer setup failed in the guest…).
    case error(String)
    /// Not run, with the reason.
    case skip(String)

    /// Short name for reports.
    public var name: String {
        switch self {
        case .pass: "pass"
        case .fail: "fail"
        case .crash: "crash"
        case .hang: "hang"
        case .error: "error"
        case .skip: "skip"
        }
    }
    /// True for verdicts that make the run fail.
    public var isFailure: Bool { self == .fail || self == .crash || self == .hang }
}
